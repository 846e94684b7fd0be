"""The demo bureau's 微课堂: one course of three short documents on the bureau's own work, assigned to everyone,
and a few cadres who read the first lessons this year (their viewings measured heartbeat by heartbeat, as the
player would send them), so that 微课堂 学时 appear in the ledger once, on completion.  Written through
``ganxun.microclass``'s services; the year's rule for a lesson set where the year has none (0.5 学时 a lesson)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from ganxun.accounts.models import Role, User
from ganxun.hours.models import ConversionRule, Unit
from ganxun.hours.services import rule_save
from ganxun.microclass.models import Course, LessonProgress
from ganxun.microclass.services import assign_audience, course_create, heartbeat, lesson_create, viewing_start
from ganxun.roster.models import Cadre

from .pdf import text_pdf

COURSE = "房管业务微课堂"
LESSON_SECONDS = 300  # the reading time the administrator sets for each document
LESSONS = [
    (
        "第一讲 物业管理条例要点",
        [
            "物业管理是房管工作中与群众联系最紧密的一环。业主大会和业主委员会依法选举产生，代表全体业主的共同利益，"
            "物业服务企业依照物业服务合同提供服务，街道、居委会和房管部门在各自职责范围内指导和监督。",
            "业主委员会换届应当在任期届满前启动，房管部门会同街道做好换届指导，确保程序公开、结果公正。"
            "对业主反映集中的问题，要建立台账，限时办结，做到件件有回音、事事有着落。",
            "物业服务企业的退出和交接，应当事先公告，做好资料、设施设备和专项维修资金账目的移交，"
            "保证小区服务不断档、管理不脱节。",
            "专项维修资金的使用要坚持业主决策、政府监督、专款专用的原则，紧急情况下可以启动应急使用程序，"
            "事后及时向全体业主公示。",
        ],
    ),
    (
        "第二讲 旧住房更新改造政策",
        [
            "旧住房更新改造是改善群众居住条件的民心工程。改造项目要坚持规划引领、群众自愿、因地制宜，"
            "把居民意愿征询贯穿改造全过程。",
            "加装电梯工作要做好前期协调，发挥居委会和楼组长作用，对低层住户的合理诉求要耐心沟通，"
            "在方案设计、施工组织和后期管理上统筹考虑，推动形成共识。",
            "美丽家园建设要与物业管理提升相结合，改造完成后同步落实长效管理，防止出现边改边乱、改后失管。",
            "施工期间要加强安全文明施工管理，设立现场接待点，及时回应居民关切。",
        ],
    ),
    (
        "第三讲 住房保障工作实务",
        [
            "住房保障工作面向城镇中等偏下收入住房困难家庭、新就业无房职工和在本区稳定就业的外来务工人员。"
            "申请家庭应当符合规定的收入、财产和住房困难条件。",
            "受理审核要严格执行申请、审核、公示、轮候、配租的程序，做到标准公开、过程公开、结果公开。",
            "对已经入住的保障对象实行动态管理，定期复核收入和住房状况，不再符合条件的依法退出。",
            "窗口工作人员要熟悉政策，热情接待，一次性告知所需材料，杜绝门难进、脸难看、事难办。",
        ],
    ),
]
READERS = 8  # cadres who read lesson 1 (the first half of them lesson 2 as well)


@dataclasses.dataclass
class MicroclassYear:
    lessons: int = 0
    assigned: int = 0
    completed: int = 0  # lessons completed (each counted once in the ledger)


def load_microclass(*, today: dt.date) -> MicroclassYear:
    result = MicroclassYear()
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    reading_day = today - dt.timedelta(days=3)
    for year in sorted({reading_day.year, today.year}):
        if not ConversionRule.objects.filter(year=year, unit=Unit.MICRO_LESSON, org_unit__isnull=True).exists():
            rule_save(actor=admin, rule=ConversionRule(year=year, unit=Unit.MICRO_LESSON, hours=Decimal("0.5")))
    course = Course.objects.filter(title=COURSE).first()
    if course is None:
        course = course_create(
            actor=admin,
            title=COURSE,
            description="局机关自编的房管业务短课程，每讲约五分钟，在电脑或手机上阅读即可，读完计学时。",
            completion_percent=Decimal(90),
            published=True,
        )
        for n, (title, paragraphs) in enumerate(LESSONS, start=1):
            lesson_create(
                actor=admin,
                course=course,
                file=ContentFile(text_pdf(title, paragraphs), name=f"微课堂第{n}讲.pdf"),
                title=title,
                length_seconds=LESSON_SECONDS,
                sort_order=n,
            )
    result.lessons = course.lessons.count()
    assign_audience(actor=admin, course=course, everyone=True)
    result.assigned = course.assignments.count()
    lessons = list(course.lessons.order_by("sort_order"))
    readers = list(
        Cadre.objects.filter(pk__in=course.assignments.values("cadre_id"))
        .exclude(pk=admin.cadre_id or 0)
        .order_by("pk")[:READERS]
    )
    start = timezone.make_aware(dt.datetime.combine(reading_day, dt.time(9, 0)))
    for n, cadre in enumerate(readers):
        for lesson in lessons[: 2 if n < READERS // 2 else 1]:
            if not LessonProgress.objects.filter(cadre=cadre, lesson=lesson, completed_at__isnull=False).exists():
                _read(cadre, lesson, start + dt.timedelta(minutes=15 * n))
    result.completed = LessonProgress.objects.filter(lesson__course=course, completed_at__isnull=False).count()
    return result


def _read(cadre: Cadre, lesson, at: dt.datetime) -> None:
    """One reading to completion: a heartbeat every interval while the page is on screen, as the player sends."""
    interval = int(getattr(settings, "MICROCLASS_HEARTBEAT_SECONDS", 5))
    viewing = viewing_start(cadre=cadre, lesson=lesson, now=at)
    seq = 0
    while True:
        seq += 1
        now = at + dt.timedelta(seconds=interval * (seq - 1))
        beat = heartbeat(cadre=cadre, token=viewing.token, seq=seq, state="playing", now=now)
        if beat.completed or seq > 10 * LESSON_SECONDS // interval:
            break
    now = at + dt.timedelta(seconds=interval * seq)
    heartbeat(cadre=cadre, token=viewing.token, seq=seq + 1, state="paused", now=now)
