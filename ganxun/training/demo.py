"""A year of training for the demo bureau: the three classrooms, who came, and the 学时 it earned.

``plan_year(today)`` draws the calendar — what was held when, for whom, taught by whom — from a fixed
seed and the day of loading: the twelve months up to today, plus the lectures and a class still to
come so that the check-in screen has something to show.  ``load_training_year`` writes it through
the services an administrator uses (activities, sessions, lecturers, attendance, outside classes,
self-report decisions), so the ledger, the audit trail and every figure built on them are real.

Three writes cannot go through a service, because the demo's cadres have no accounts of their own
or because the service resolves its audience on the day it runs: a cadre's self-report submission
and evaluation, and the enrolment of a past activity (resolved on the activity's own day, so this
year's recruits are not enrolled in last winter's lectures).  Those are written here exactly as the
services write them, audit rows included, with the system as the actor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours import services as hours
from ganxun.hours.models import Bucket, ConversionRule, EntryStatus, LedgerEntry, Requirement, Source, Unit
from ganxun.roster.models import Cadre, DerivedGroup, LeadershipLevel, Section, Tag, Tier

from . import services
from .models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    Enrolment,
    Evaluation,
    Session,
    TopicModule,
)

SEED = 20210701
ONE = dt.timedelta(days=1)
# New Year, Labour Day and National Day: no session lands on them (the rest of the holiday calendar
# moves every year and is the lecture schedule's business, not the demo's).
HOLIDAYS = {(1, 1), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5)} | {(10, d) for d in range(1, 8)}
FIRST_LECTURE = 37  # 杨房月末讲坛 began before the system: this year's lectures carry on its numbering
HALL = "局机关四楼大会议室"
PARTY_SCHOOL = "区委党校"

# 党委会学习 and 中心组学习 by calendar month: what was studied.
COMMITTEE_TOPICS = {
    1: "中央经济工作会议精神",
    2: "《中国共产党纪律处分条例》",
    3: "全国两会精神",
    4: "习近平总书记关于城市工作的重要论述",
    5: "《中国共产党问责条例》",
    6: "习近平总书记关于调查研究的重要论述",
    7: "《中国共产党章程》",
    8: "《党政机关厉行节约反对浪费条例》",
    9: "习近平总书记关于住房和城乡建设工作的重要论述",
    10: "《中华人民共和国保守国家秘密法》",
    11: "市委全会精神",
    12: "《信访工作条例》",
}
CENTRE_TOPICS = {
    1: "习近平总书记考察上海重要讲话精神",
    2: "人民城市重要理念",
    3: "全国两会精神，研究部署全年重点工作",
    4: "习近平总书记关于意识形态工作的重要论述",
    5: "习近平总书记关于青年工作的重要论述",
    6: "习近平总书记关于党的建设的重要思想",
    7: "习近平总书记关于全面从严治党的重要论述",
    8: "习近平总书记关于安全生产的重要论述",
    9: "习近平总书记关于城市更新的重要论述",
    10: "习近平总书记关于统筹发展和安全的重要论述",
    11: "习近平总书记关于保障和改善民生的重要论述",
    12: "中央经济工作会议精神，谋划来年工作",
}
WIDENED_MONTHS = {3, 6, 9, 12}  # 中心组（扩大）学习: the section heads sit in

# 杨房月末讲坛 by calendar month: topic module, title, who lectures.
LECTURES = {
    1: ("住房保障", "保障性租赁住房筹措建设与运营管理", "expert:住房保障科"),
    2: ("依法行政", "房屋管理行政执法程序规范与典型案例", "chief:法规科"),
    3: ("旧区改造", "旧区改造征收补偿安置政策解读与实务", "chief:旧区改造科"),
    4: ("物业管理", "住宅小区物业管理矛盾纠纷化解实务", "expert:物业管理科"),
    5: ("房产市场", "房地产市场运行监测与形势分析", "chief:房地产市场科"),
    6: ("党建理论", "深化人民城市理念 推动住房民生改善", "leader:1"),
    7: ("房屋安全", "老旧房屋安全隐患排查与应急处置", "chief:房屋安全科"),
    8: ("旧区改造", "城市更新背景下的“两旧”改造推进路径", "leader:2"),
    9: ("信访工作", "《信访工作条例》解读与信访矛盾化解技巧", "chief:信访办"),
    10: ("住房保障", "共有产权保障住房申请审核实务", "chief:住房保障科"),
    11: ("物业管理", "业主大会和业委会组建指导与监督", "chief:物业管理科"),
    12: ("房产市场", "商品房预售资金监管与交易风险防范", "expert:房地产市场科"),
}

LEAVE_REASONS = (
    "参加市房管局业务会议",
    "外出开展执法检查",
    "效能接待窗口值班",
    "信访接待值班",
    "旧改基地现场协调",
    "病假",
    "年休假",
    "公务出差",
    "参加区专项督查",
    "事假（家中有事）",
)
LEADER_LEAVE_REASONS = (
    "参加区委专题会议",
    "参加市局工作会议",
    "带队赴对口支援地区考察",
    "公务出差",
    "参加区人大常委会会议",
)
COMMENTS = (
    "案例贴近实际工作，很有收获。",
    "政策解读清晰，对日常审核工作帮助很大。",
    "讲解深入浅出，建议多安排此类课程。",
    "结合一线实例，很接地气。",
    "内容丰富，希望课件能共享到学习群。",
    "互动环节可以再多一些。",
    "时间略紧，部分内容没有展开。",
    "建议增加答疑时间。",
    "对新进干部很有帮助。",
    "形式新颖，直观了解了项目推进的难点。",
    "希望后续能安排专题深入讲解。",
)
REJECTIONS = (
    "学时证明截图与平台导出记录不一致，请补充平台学时证明后重新提交。",
    "该课程已在集中培训中计算学时，不重复计算。",
    "请补充社区出具的服务证明。",
    "自学内容与记录时间不符，请核实后重新填报。",
)


# --- the calendar --------------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def working_day(day: dt.date, step: int = 1) -> dt.date:
    """``day`` if it is a working day, else the nearest one after it (step 1) or before it (step -1)."""
    while not is_working_day(day):
        day += ONE * step
    return day


def last_working_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return working_day(following - ONE, -1)


def window_months(today: dt.date) -> list[tuple[int, int]]:
    """The twelve months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [(n // 12, n % 12 + 1) for n in range(index - 11, index + 1)]


def latest(today: dt.date, month: int, day: int, *, before: dt.date | None = None) -> dt.date:
    """The last working day on or after ``month``/``day`` that falls before ``before`` (default today)."""
    limit = before or today
    for year in (today.year, today.year - 1, today.year - 2):
        candidate = working_day(dt.date(year, month, day))
        if candidate < limit:
            return candidate
    raise ValueError((month, day))


def monday_of(day: dt.date) -> dt.date:
    return day - ONE * day.weekday()


@dataclasses.dataclass(frozen=True)
class Audience:
    """Who an activity is for; ``named`` is a selection the loader makes by hand (see Loader.named)."""

    everyone: bool = False
    groups: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    named: str = ""


@dataclasses.dataclass(frozen=True)
class Sitting:
    date: dt.date
    start: dt.time
    end: dt.time


@dataclasses.dataclass
class Plan:
    """One activity of the year, before anyone is resolved."""

    kind: str
    title: str
    sittings: list[Sitting]
    audience: Audience
    organiser: str
    place: str = ""
    topic: str = ""
    description: str = ""
    lecturers: tuple[str, ...] = ()  # "leader:N", "chief:科室", "expert:科室" or "outside:姓名|单位及职务"
    presence: float = 0.9  # the chance a cadre comes to a sitting
    evaluated: bool = False
    qr: bool = False  # checked in by QR code (else marked on the sheet)
    max_leaves: int = 1  # in a class: sittings one may miss (more only for the planned non-completions)
    non_completions: int = 0
    credit_lecturer: bool = False
    walk_in: bool = False

    @property
    def first_day(self) -> dt.date:
        return self.sittings[0].date


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _days(first: dt.date, count: int) -> list[dt.date]:
    """``count`` working days from ``first``."""
    days, day = [], working_day(first)
    while len(days) < count:
        days.append(day)
        day = working_day(day + ONE)
    return days


def _class_sittings(first: dt.date, days: int) -> list[Sitting]:
    """A class: a morning and an afternoon half-day on each of ``days`` working days."""
    morning, afternoon = (_time("09:00"), _time("11:30")), (_time("13:30"), _time("16:30"))
    return [Sitting(day, *half) for day in _days(first, days) for half in (morning, afternoon)]


def plan_year(today: dt.date, seed: int = SEED) -> list[Plan]:
    """The bureau's year of activities up to ``today`` and a few just ahead, the same on every run."""
    rng = random.Random(seed)
    plans: list[Plan] = []
    leaders = Audience(groups=(DerivedGroup.LEADER,))
    party = Audience(groups=(DerivedGroup.PARTY_MEMBER,))

    # 理论课堂: the committee learns at its meetings, the study group monthly.
    for year, month in window_months(today):
        day = working_day(dt.date(year, month, rng.randint(6, 12)))
        if day < today:
            plans.append(
                Plan(
                    "党委会学习",
                    f"党委会学习：{COMMITTEE_TOPICS[month]}",
                    [Sitting(day, _time("08:30"), _time("10:00"))],
                    leaders,
                    "办公室",
                    place="局机关二楼党委会议室",
                    topic="党建理论",
                    presence=0.94,
                )
            )
        day = working_day(dt.date(year, month, rng.randint(17, 23)))
        if day < today:
            widened = month in WIDENED_MONTHS
            plans.append(
                Plan(
                    "中心组学习",
                    f"理论学习中心组{'（扩大）' if widened else ''}学习：{CENTRE_TOPICS[month]}",
                    [Sitting(day, _time("14:00"), _time("16:30"))],
                    Audience(
                        groups=(DerivedGroup.LEADER, DerivedGroup.SECTION_HEAD) if widened else (DerivedGroup.LEADER,),
                        named="senior_researchers",
                    ),
                    "党群工作科",
                    place=HALL if widened else "局机关二楼党委会议室",
                    topic="党建理论",
                    presence=0.92,
                )
            )

    lesson_day = latest(today, 6, 24)
    plans.append(
        Plan(
            "党课",
            "滨江工业遗存精品党课：从“工业锈带”到“生活秀带”",
            [Sitting(lesson_day, _time("09:00"), _time("11:30"))],
            party,
            "党群工作科",
            place="杨浦滨江人民城市建设规划展示馆",
            topic="党建理论",
            description="沿杨浦滨江工业遗存步行现场授课，感悟人民城市重要理念的实践伟力。",
            lecturers=("leader:1",),
            evaluated=True,
            qr=True,
        )
    )
    lesson_day = latest(today, 11, 18)
    plans.append(
        Plan(
            "党课",
            "党委书记讲专题党课：弘扬“四敢精神”，在住房民生改善中勇当先锋",
            [Sitting(lesson_day, _time("14:00"), _time("16:00"))],
            party,
            "党群工作科",
            place=HALL,
            topic="党建理论",
            lecturers=("leader:1",),
            evaluated=True,
            qr=True,
        )
    )
    day = latest(today, 6, 29)
    plans.append(
        Plan(
            "座谈会",
            f"老党员、青年代表“庆祝建党{day.year - 1921}周年”座谈会",
            [Sitting(day, _time("14:30"), _time("16:30"))],
            Audience(named="symposium"),
            "党群工作科",
            place=HALL,
            topic="党建理论",
            description="老党员讲述房管工作发展历程，青年干部代表交流学习体会。",
            presence=0.96,
        )
    )
    day = latest(today, 5, 4)
    plans.append(
        Plan(
            "主题团日",
            "“青春建功新时代 房管青年勇担当”五四主题团日",
            [Sitting(day, _time("13:30"), _time("17:00"))],
            Audience(groups=(DerivedGroup.YOUNG, DerivedGroup.LEAGUE_MEMBER)),
            "党群工作科",
            place="杨浦滨江 · 杨树浦水厂栈桥",
            topic="党建理论",
            presence=0.92,
        )
    )
    party_days = (
        (3, 5, "学雷锋志愿服务进社区主题党日", "延吉新村街道社区党群服务中心"),
        (7, 1, "“七一”重温入党誓词主题党日", HALL),
        (9, 16, "参观国歌展示馆主题党日", "国歌展示馆"),
        (12, 4, "国家宪法日学法用法主题党日", HALL),
    )
    for month, dom, title, place in party_days:
        plans.append(
            Plan(
                "主题党日",
                title,
                [Sitting(latest(today, month, dom), _time("13:30"), _time("17:00"))],
                party,
                "党群工作科",
                place=place,
                topic="党建理论",
                presence=0.9,
            )
        )

    # 专业课堂: the yearly classes, the lecture series and on-site teaching.
    first = monday_of(latest(today, 3, 16, before=today - ONE * 10))
    plans.append(
        Plan(
            "全员培训班",
            f"{first.year}年度全局干部全员培训班",
            _class_sittings(first, 4),
            Audience(everyone=True),
            "组织人事科",
            place=PARTY_SCHOOL,
            description="围绕住房民生改善中心工作，开展政治理论、政策法规和业务能力全员轮训。",
            lecturers=(
                "outside:张建明|区委党校教授",
                "outside:刘芳|市住房城乡建设管理委政策法规处处长",
                "leader:0",
                "chief:法规科",
            ),
            presence=0.97,
            evaluated=True,
            qr=True,
            non_completions=2,
        )
    )
    for number, days_ago in (("第一期", 200), ("第二期", 45)):
        first = monday_of(today - ONE * days_ago)
        plans.append(
            Plan(
                "初任培训班",
                f"{first.year}年新录用人员入职培训班（{number}）",
                _class_sittings(first, 5),
                Audience(named="recruits"),
                "组织人事科",
                place="局机关三楼培训室",
                description="局情局史、机关规章制度、公文写作和各业务科室职能介绍，科室负责人逐一授课。",
                lecturers=("leader:0", "chief:办公室", "chief:旧区改造科", "chief:住房保障科", "chief:物业管理科"),
                presence=0.98,
                evaluated=True,
                qr=True,
            )
        )
    first = monday_of(latest(today, 9, 14, before=today - ONE * 7))
    plans.append(
        Plan(
            "党务干部培训班",
            f"{first.year}年党务干部业务能力提升培训班",
            _class_sittings(first, 2),
            Audience(tags=("党务干部",)),
            "党群工作科",
            place=PARTY_SCHOOL,
            description="党支部标准化规范化建设、发展党员工作规程和党费收缴管理实务。",
            lecturers=("outside:陈卫东|区委组织部组织科科长", "outside:周敏|区纪委监委案件审理室副主任"),
            presence=0.99,
            evaluated=True,
            qr=True,
            max_leaves=0,
            non_completions=1,
        )
    )

    lecture_months = [(y, m) for y, m in window_months(today)]
    if last_working_day(*lecture_months[-1]) < today:
        year, month = lecture_months[-1]
        lecture_months.append((year + month // 12, month % 12 + 1))
    for number, (year, month) in enumerate(lecture_months, start=FIRST_LECTURE):
        topic, title, lecturer = LECTURES[month]
        plans.append(
            Plan(
                "月末讲坛",
                f"杨房月末讲坛第{number}讲：{title}",
                [Sitting(last_working_day(year, month), _time("14:00"), _time("16:00"))],
                Audience(everyone=True),
                "组织人事科",
                place=HALL,
                topic=topic,
                lecturers=(lecturer,),
                presence=0.86,
                evaluated=True,
                qr=True,
                credit_lecturer=True,
            )
        )
    site_visits = (
        (70, "加装电梯民生实事项目现场教学", "长白新村街道 鞍山七村加装电梯项目现场", "chief:物业管理科"),
        (8, "“美丽家园”旧住房综合改造现场教学", "殷行街道 开鲁新村“美丽家园”改造现场", "chief:旧区改造科"),
    )
    for days_ago, title, place, lecturer in site_visits:
        plans.append(
            Plan(
                "现场教学",
                title,
                [Sitting(working_day(today - ONE * days_ago, -1), _time("13:30"), _time("17:00"))],
                Audience(groups=(DerivedGroup.NEW_RECRUIT,)),
                "组织人事科",
                place=place,
                topic="旧区改造" if "美丽家园" in title else "物业管理",
                description="新进干部走进民生实事项目现场，学习群众工作方法。",
                lecturers=(lecturer,),
                presence=1.0,
                evaluated=True,
            )
        )
    if is_working_day(today) and last_working_day(today.year, today.month) != today:
        plans.append(
            Plan(
                "专题培训班",
                "《上海市住宅物业管理规定》修订解读专题培训",
                [Sitting(today, _time("14:00"), _time("16:30"))],
                Audience(sections=("物业管理科", "房屋安全科", "旧区改造科")),
                "物业管理科",
                place=HALL,
                topic="物业管理",
                lecturers=("chief:物业管理科",),
                evaluated=True,
                qr=True,
            )
        )

    # 实践课堂: community reporting and the emergency support team.
    practice = (
        (4, 18, "党员到居住地社区报到 · 春季社区志愿服务", Audience(named="community"), "各居住地社区（居委会）"),
        (10, 17, "党员到居住地社区报到 · 秋季社区志愿服务", Audience(named="community"), "各居住地社区（居委会）"),
        (1, 21, "房管应急支援队寒潮期间老旧小区巡查保供", Audience(tags=("应急支援队",)), "殷行街道、长白新村街道"),
        (8, 4, "房管应急支援队防汛防台支援", Audience(tags=("应急支援队",)), "平凉路街道、大桥街道"),
    )
    for month, dom, title, audience, place in practice:
        plans.append(
            Plan(
                "实践活动",
                title,
                [Sitting(latest(today, month, dom), _time("08:30"), _time("12:00"))],
                audience,
                "党群工作科",
                place=place,
                presence=0.93,
            )
        )
    return sorted(plans, key=lambda plan: (plan.first_day, plan.sittings[0].start, plan.title))


# --- writing it ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class TrainingYear:
    """What load_training_year wrote."""

    activities: int = 0
    sessions: int = 0
    attendances: int = 0
    outside_classes: int = 0
    self_reports: int = 0
    entries: int = 0


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _half(value: float) -> Decimal:
    """A figure in half hours, as the online platform rounds them."""
    return Decimal(max(round(value * 2), 0)) / 2


class Loader:
    """Writes the planned year; one seeded generator decides who came, who taught and who reported what."""

    def __init__(self, today: dt.date, seed: int) -> None:
        self.today = today
        self.rng = random.Random(seed + 1)
        self.admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
        if self.admin is None:
            raise ValueError("load the demo bureau (with its training administrator) first")
        self.second_admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        self.accounts = {u.cadre_id: u for u in User.objects.filter(is_active=True).exclude(cadre=None)}
        self.heads = {
            u.cadre.section_id: u
            for u in User.objects.filter(role=Role.SECTION_HEAD, is_active=True)
            .exclude(cadre=None)
            .select_related("cadre")
        }
        self.cadres = list(Cadre.objects.active().select_related("section").prefetch_related("tags").order_by("pk"))
        self.tags_of = {c.pk: {t.name for t in c.tags.all()} for c in self.cadres}
        self.kinds = {k.name: k for k in ActivityKind.objects.all()}
        self.topics = {t.name: t for t in TopicModule.objects.all()}
        self.sections = {s.name: s for s in Section.objects.all()}
        self.tags = {t.name: t for t in Tag.objects.all()}
        ranks = {LeadershipLevel.DIVISION_CHIEF: 0, LeadershipLevel.DEPUTY_DIVISION_CHIEF: 1}
        self.leaders = sorted(
            (c for c in self.cadres if c.leadership_level in ranks),
            key=lambda c: (ranks[c.leadership_level], "党委书记" not in c.post, c.pk),
        )
        self.chiefs = {c.section.name: c for c in self.cadres if c.leadership_level == LeadershipLevel.SECTION_CHIEF}
        # Some people simply make it to fewer things (duty, field work, family): the same ones all year.
        self.reliability = {c.pk: 1.0 if self.rng.random() < 0.85 else self.rng.uniform(0.7, 0.9) for c in self.cadres}
        self.inducted: set[int] = set()
        self.result = TrainingYear()
        self.checked_in: list[tuple[Attendance, dt.datetime]] = []
        self.evaluations: list[tuple[Evaluation, dt.datetime]] = []

    # --- people --------------------------------------------------------------------------------------

    def in_post(self, cadre: Cadre, day: dt.date) -> bool:
        return cadre.hire_date is None or cadre.hire_date <= day

    def lecturer(self, spec: str) -> tuple[Cadre | None, str, str]:
        """(cadre, outside name, affiliation) of a lecturer spec."""
        what, _sep, which = spec.partition(":")
        if what == "outside":
            name, _sep, affiliation = which.partition("|")
            return None, name, affiliation
        if what == "leader":
            return self.leaders[int(which)], "", ""
        if what == "expert":
            experts = [
                c
                for c in self.cadres
                if c.section.name == which and {"内训师", "业务骨干"} & self.tags_of[c.pk] and not c.leadership_level
            ]
            if experts:
                return sorted(experts, key=lambda c: ("内训师" not in self.tags_of[c.pk], c.pk))[0], "", ""
        return self.chiefs[which], "", ""

    def named(self, selection: str, day: dt.date) -> list[Cadre]:
        """The hand-made selections of the plan, as they stood on ``day``."""
        people = [c for c in self.cadres if self.in_post(c, day)]
        rng = self.rng
        if selection == "senior_researchers":
            return [
                c
                for c in people
                if c.section.name == "局领导" and c.tier == Tier.COUNTY_DIVISION and not c.leadership_level
            ]
        if selection == "symposium":
            party = [c for c in people if DerivedGroup.PARTY_MEMBER in c.groups_on(day) and not c.leadership_level]
            old = [c for c in party if c.age_on(day) >= 52]
            young = [c for c in people if c.age_on(day) <= 30 and c.political_status in ("cpc_member", "cyl_member")]
            return [
                self.leaders[1],
                self.chiefs["党群工作科"],
                *rng.sample(old, min(6, len(old))),
                *rng.sample(young, min(6, len(young))),
            ]
        if selection == "recruits":
            chosen = [
                c
                for c in people
                if c.hire_date
                and c.pk not in self.inducted
                and dt.timedelta(days=3) <= day - c.hire_date < dt.timedelta(days=365)
            ]
            self.inducted.update(c.pk for c in chosen)
            return chosen
        if selection == "community":
            party = [
                c for c in people if DerivedGroup.PARTY_MEMBER in c.groups_on(day) and c.tier == Tier.TOWNSHIP_SECTION
            ]
            return rng.sample(party, len(party) * 3 // 5)
        raise ValueError(selection)

    def audience(self, plan: Plan, day: dt.date) -> list[tuple[str, list[Cadre]]]:
        """(the `via` label, the cadres it meant on ``day``), in the order enrol_audience lets labels win."""
        people = [c for c in self.cadres if self.in_post(c, day)]
        found: list[tuple[str, list[Cadre]]] = []
        audience = plan.audience
        with translation.override(settings.LANGUAGE_CODE):
            if audience.named:
                found.append((_("Named"), self.named(audience.named, day)))
            for name in audience.sections:
                found.append((_("Section: %(name)s") % {"name": name}, [c for c in people if c.section.name == name]))
            for group in audience.groups:
                found.append((str(DerivedGroup(group).label), [c for c in people if group in c.groups_on(day)]))
            for tag in audience.tags:
                found.append((tag, [c for c in people if tag in self.tags_of[c.pk]]))
            if audience.everyone:
                found.append((_("Everyone"), people))
        return found

    def audience_note(self, plan: Plan) -> str:
        audience = plan.audience
        with translation.override(settings.LANGUAGE_CODE):
            words = [*audience.sections, *(str(DerivedGroup(g).label) for g in audience.groups), *audience.tags]
            if audience.everyone:
                words.append(str(_("Everyone")))
        named = {
            "senior_researchers": "二级调研员",
            "symposium": "老党员代表、青年干部代表",
            "recruits": "新录用人员",
            "community": "在职党员（分批）",
        }
        if audience.named:
            words.append(named[audience.named])
        return "、".join(words)

    def enrol(self, activity: Activity, plan: Plan, exclude: Iterable[int]) -> list[Cadre]:
        """Enrol the plan's audience: through enrol_audience for what is still ahead, else as it stood then."""
        skip = set(exclude)
        if plan.first_day >= self.today and not plan.audience.named:
            services.enrol_audience(
                actor=self.admin,
                activity=activity,
                everyone=plan.audience.everyone,
                sections=[self.sections[n] for n in plan.audience.sections],
                groups=list(plan.audience.groups),
                tags=[self.tags[n] for n in plan.audience.tags],
            )
            return list(Cadre.objects.filter(enrolments__activity=activity).select_related("section"))
        chosen: dict[int, tuple[Cadre, str]] = {}
        for via, people in self.audience(plan, plan.first_day):
            for cadre in people:
                if cadre.pk not in skip:
                    chosen.setdefault(cadre.pk, (cadre, via))
        rows = [
            Enrolment(activity=activity, cadre=c, section_id=c.section_id, via=via[:100]) for c, via in chosen.values()
        ]
        Enrolment.objects.bulk_create(rows, batch_size=500)
        by_via: dict[str, int] = {}
        for _cadre, via in chosen.values():
            by_via[via] = by_via.get(via, 0) + 1
        # The audit row enrol_audience writes.
        with translation.override(settings.LANGUAGE_CODE):
            audit_record(
                actor=self.admin,
                action=Action.UPDATE,
                obj=activity,
                before={"enrolled": 0},
                after={"enrolled": len(rows)},
                summary=_("Enrolled %(count)s: %(audience)s")
                % {"count": len(rows), "audience": "、".join(f"{v} {n}" for v, n in by_via.items())},
            )
        return [c for c, _via in chosen.values()]

    # --- activities ----------------------------------------------------------------------------------

    def register(self, plan: Plan, absent: dict[int, str]) -> dict[str, str]:
        """The register of a study session: who chaired, led, spoke and recorded, and who made up for it."""
        secretary, *others = self.leaders[1:] or self.leaders
        speaker = others[plan.first_day.month % len(others)] if others else secretary
        speakers = [c.name for c in self.leaders if c not in (secretary, speaker)][:2]
        recorder = self.chiefs["办公室" if plan.kind == "党委会学习" else "党群工作科"]
        topic = plan.title.partition("：")[2]
        names = {c.pk: c.name for c in self.cadres}
        makeup = "\n".join(
            f"{names[pk]}因{reason}缺席，会后已补学会议内容并提交书面学习体会。" for pk, reason in absent.items()
        )
        return {
            "host": secretary.name,
            "speaker": speaker.name,
            "key_speakers": "、".join(speakers),
            "recorder": recorder.name,
            "makeup_note": makeup,
            "minutes": (
                f"{secretary.name}主持学习。{speaker.name}领学{topic}；{'、'.join(speakers)}结合分管工作作交流发言。"
                "会议强调，要把学习成果转化为推动住房民生改善、破解群众急难愁盼问题的实际成效。"
            ),
        }

    def attendance_plan(self, plan: Plan, people: list[Cadre]) -> dict[int, dict[int, str]]:
        """{sitting index: {cadre id: leave reason}} for those who did not come (present otherwise)."""
        rng = self.rng
        missed: dict[int, dict[int, str]] = {i: {} for i in range(len(plan.sittings))}
        is_class = self.kinds[plan.kind].is_class

        def reason(cadre: Cadre) -> str:
            return rng.choice(
                LEADER_LEAVE_REASONS
                if cadre.leadership_level in (LeadershipLevel.DIVISION_CHIEF, LeadershipLevel.DEPUTY_DIVISION_CHIEF)
                else LEAVE_REASONS
            )

        if is_class:
            failing = set(c.pk for c in rng.sample(people, min(plan.non_completions, len(people))))
            for cadre in people:
                leaves = plan.max_leaves + 1 if cadre.pk in failing else 0
                if (
                    not leaves
                    and plan.max_leaves
                    and rng.random() < (1 - plan.presence * self.reliability[cadre.pk]) * len(plan.sittings) / 2
                ):
                    leaves = 1
                for index in rng.sample(range(len(plan.sittings)), min(leaves, len(plan.sittings))):
                    missed[index][cadre.pk] = reason(cadre)
            return missed
        for index in missed:
            for cadre in people:
                if rng.random() >= plan.presence * self.reliability[cadre.pk]:
                    # One in eight who miss it never said so: absent, no reason.
                    missed[index][cadre.pk] = reason(cadre) if rng.random() < 0.88 else ""
        return missed

    def write(self, plan: Plan) -> None:
        rng = self.rng
        kind = self.kinds[plan.kind]
        activity = services.activity_create(
            actor=self.admin,
            title=plan.title,
            kind=kind,
            topic=self.topics.get(plan.topic),
            organiser=self.sections[plan.organiser],
            place=plan.place,
            description=plan.description,
            audience_note=self.audience_note(plan),
            allow_walk_in=plan.walk_in,
        )
        self.result.activities += 1
        teachers: list[Cadre] = []
        for spec in plan.lecturers:
            cadre, outside, affiliation = self.lecturer(spec)
            if cadre is not None and cadre in teachers:
                continue
            services.lecturer_add(
                actor=self.admin, activity=activity, cadre=cadre, outside_name=outside, affiliation=affiliation
            )
            if cadre is not None:
                teachers.append(cadre)
        # A lecturer of the series teaches rather than attends: not enrolled, credited for the lecture.
        people = self.enrol(activity, plan, exclude=[t.pk for t in teachers] if plan.credit_lecturer else [])
        missed = self.attendance_plan(plan, people)
        sessions = []
        # Every sitting first: a class's total (and so its 1/7 line) is settled before anyone's attendance.
        for index, sitting in enumerate(plan.sittings):
            fields = self.register(plan, missed[index]) if kind.is_study_session and sitting.date < self.today else {}
            closes = _aware(sitting.date + ONE * 14, dt.time(18)) if plan.evaluated else None
            session = services.session_create(
                actor=self.admin,
                activity=activity,
                date=sitting.date,
                start_time=sitting.start,
                end_time=sitting.end,
                evaluation_closes_at=closes,
                **fields,
            )
            sessions.append(session)
        self.result.sessions += len(sessions)
        # Through attendance_set: the study registers, the demo accounts, and everyone whose class record
        # has a leave in it (the 1/7 rule); the plain "came, counted" rows of the rest in bulk.
        missing = {pk for absent in missed.values() for pk in absent}
        by_service = {
            c.pk
            for c in people
            if kind.is_study_session or c.pk in self.accounts or (kind.is_class and c.pk in missing)
        }
        quality = rng.uniform(3.9, 4.7)
        for index, session in enumerate(sessions):
            if session.date >= self.today:
                continue
            plain = [c for c in people if c.pk not in by_service]
            self.attend_in_bulk(plan, activity, session, plain, missed[index])
            for cadre in people:
                if cadre.pk in by_service:
                    self.attend(plan, session, cadre, missed[index])
            if plan.evaluated:
                self.evaluate(session, people, missed[index], quality)
            if plan.credit_lecturer:
                for teacher in teachers:
                    self.credit(activity, session, teacher)

    def check_in_time(self, plan: Plan, session: Session) -> dt.datetime:
        """When the scan (or the sheet) would have said they came: before the start, not at loading time."""
        early = self.rng.randint(1, 25) if plan.qr else 0
        return _aware(session.date, session.start_time) - dt.timedelta(minutes=early)

    def attend(self, plan: Plan, session: Session, cadre: Cadre, missed: dict[int, str]) -> None:
        if cadre.pk in missed:
            reason = missed[cadre.pk]
            status = AttendanceStatus.LEAVE if reason else AttendanceStatus.ABSENT
            services.attendance_set(
                actor=self.admin,
                session=session,
                cadre=cadre,
                status=status,
                method=AttendanceMethod.MANUAL,
                reason=reason,
            )
        else:
            method = AttendanceMethod.QR if plan.qr else AttendanceMethod.MANUAL
            attendance = services.attendance_set(
                actor=self.admin, session=session, cadre=cadre, status=AttendanceStatus.PRESENT, method=method
            )
            self.checked_in.append((attendance, self.check_in_time(plan, session)))
        self.result.attendances += 1

    def attend_in_bulk(
        self, plan: Plan, activity: Activity, session: Session, people: list[Cadre], missed: dict[int, str]
    ) -> None:
        """What attendance_set writes for each of ``people``, in a few statements instead of a dozen each.

        Only for rows whose outcome does not depend on the cadre's other rows: outside a class, or in a
        class when the cadre came to every sitting.  Then attendance_set's sync_ledger records one confirmed
        entry for a cadre present (ledger_record) and nothing for one absent or on leave (there is no entry
        to withdraw).  The audit rows are the services' own, written through audit_record.
        """
        now = timezone.now()
        rows = []
        for cadre in people:
            reason = missed.get(cadre.pk, "")
            if cadre.pk not in missed:
                status, method = AttendanceStatus.PRESENT, AttendanceMethod.QR if plan.qr else AttendanceMethod.MANUAL
            else:
                status, method = (
                    (AttendanceStatus.LEAVE if reason else AttendanceStatus.ABSENT),
                    AttendanceMethod.MANUAL,
                )
            rows.append(
                Attendance(
                    session=session,
                    cadre=cadre,
                    status=status,
                    reason=reason,
                    method=method,
                    recorded_by=self.admin,
                    checked_in_at=now if status == AttendanceStatus.PRESENT else None,
                )
            )
        Attendance.objects.bulk_create(rows, batch_size=500)
        entries = []
        for row in rows:
            audit_record(
                actor=self.admin,
                action=Action.CREATE,
                obj=row,
                before=None,
                after={"status": str(row.get_status_display()), "reason": row.reason},
            )
            if row.status != AttendanceStatus.PRESENT:
                continue
            self.checked_in.append((row, self.check_in_time(plan, session)))
            entries.append(
                LedgerEntry(
                    cadre=row.cadre,
                    date=session.date,
                    hours=session.hours,
                    bucket=activity.kind.bucket,
                    source=Source.SESSION,
                    source_id=session.pk,
                    title=f"{activity.title}（{session.date:%Y-%m-%d}）"[:200],
                    status=EntryStatus.CONFIRMED,
                    created_by=self.admin,
                    decided_by=self.admin,
                    decided_at=now,
                )
            )
        LedgerEntry.objects.bulk_create(entries, batch_size=500)
        for entry in entries:
            audit_record(actor=self.admin, action=Action.CREATE, obj=entry, after=hours.entry_snapshot(entry))
        self.result.attendances += len(rows)

    def evaluate(self, session: Session, people: list[Cadre], missed: dict[int, str], quality: float) -> None:
        """Most of those who came fill in the questionnaire, a day or two after; the demo cadre through the service."""
        rng = self.rng
        end = _aware(session.date, session.end_time)
        now = timezone.now()
        still_open = session.evaluation_closes_at is not None and session.evaluation_closes_at > _aware(
            self.today, dt.time(0)
        )
        for cadre in people:
            if cadre.pk in missed or rng.random() > (0.45 if still_open else 0.7):
                continue
            user = self.accounts.get(cadre.pk)
            if user is not None and user.role == Role.CADRE and still_open:
                continue  # left for the demo: an evaluation to fill in on 我的学习
            scores = [min(5, max(1, round(rng.gauss(quality, 0.6)))) for _ in range(3)]
            comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
            anonymous = rng.random() < 0.8
            submitted = min(end + dt.timedelta(minutes=rng.randint(5, 2 * 24 * 60)), now)
            if session.evaluation_closes_at:
                submitted = min(submitted, session.evaluation_closes_at - dt.timedelta(minutes=1))
            if user is not None:
                evaluation = services.evaluation_submit(
                    user=user,
                    session=session,
                    content=scores[0],
                    delivery=scores[1],
                    usefulness=scores[2],
                    comment=comment,
                    anonymous=anonymous,
                    at=submitted,
                )
            else:
                # What evaluation_submit writes (it keeps no audit row: evaluations may be anonymous).
                evaluation = Evaluation(
                    session=session,
                    cadre=cadre,
                    content=scores[0],
                    delivery=scores[1],
                    usefulness=scores[2],
                    comment=comment,
                    anonymous=anonymous,
                )
                evaluation.full_clean(validate_unique=False, validate_constraints=False)
                evaluation.save()
            self.evaluations.append((evaluation, submitted))

    def credit(self, activity: Activity, session: Session, teacher: Cadre) -> None:
        """The lecturer's own 学时 for teaching (授课学时), counted once per session."""
        hours.ledger_record(
            actor=self.admin,
            cadre=teacher,
            date=session.date,
            hours=hours.convert_hours(year=session.date.year, unit=Unit.LECTURE_HOUR, quantity=session.length_hours),
            bucket=Bucket.CENTRALISED,
            source=Source.LECTURE,
            source_id=session.pk,
            title=f"授课：{activity.title}（{session.date:%Y-%m-%d}）",
        )

    def backdate(self) -> None:
        """Check-in and submission times as they would have been recorded on the day."""
        rows = []
        for attendance, moment in self.checked_in:
            attendance.checked_in_at = moment
            rows.append(attendance)
        Attendance.objects.bulk_update(rows, ["checked_in_at"], batch_size=500)
        evaluations = []
        for evaluation, moment in self.evaluations:
            evaluation.submitted_at = moment
            evaluations.append(evaluation)
        Evaluation.objects.bulk_update(evaluations, ["submitted_at"], batch_size=500)

    # --- outside classes -----------------------------------------------------------------------------

    def outside_class(
        self, title: str, organiser: str, start: dt.date, end: dt.date, hours_: int, people: list[Cadre], note: str = ""
    ) -> None:
        if not people:
            return
        outside = hours.outside_class_create(
            actor=self.admin,
            title=title,
            organiser=organiser,
            start_date=start,
            end_date=end,
            hours=Decimal(hours_),
            bucket=Bucket.CENTRALISED,
            note=note,
        )
        hours.outside_class_add_participants(
            actor=self.admin, outside_class=outside, cadres=people, evidence="结业证书"
        )
        self.result.outside_classes += 1

    def outside_classes(self) -> None:
        """调训 by the district: 中青班 and 青干班 this year; for the 县处级 the earlier years of their cycle."""
        rng, today = self.rng, self.today
        start = monday_of(latest(today, 3, 9, before=today - ONE * 70))
        deputies = [
            c
            for c in self.cadres
            if c.leadership_level == LeadershipLevel.DEPUTY_SECTION_CHIEF
            and 33 <= c.age_on(start) <= 45
            and self.in_post(c, start)
        ]
        self.outside_class(
            f"{start.year}年杨浦区中青年干部培训班（中青班）",
            "区委组织部、区委党校",
            start,
            start + ONE * 53,
            160,
            rng.sample(deputies, min(2, len(deputies))),
            note="脱产培训两个月，含赴外省市学习考察。",
        )
        start = monday_of(latest(today, 9, 7, before=today - ONE * 25))
        young = [
            c
            for c in self.cadres
            if not c.leadership_level
            and 27 <= c.age_on(start) <= 35
            and c.hire_date
            and start - c.hire_date > dt.timedelta(days=700)
        ]
        self.outside_class(
            f"{start.year}年杨浦区优秀青年干部培训班（青干班）",
            "区委组织部、团区委",
            start,
            start + ONE * 18,
            96,
            rng.sample(young, min(3, len(young))),
        )
        # The cycle this year falls in, if it began before it.
        cycle = (
            Requirement.objects.filter(tier=Tier.COUNTY_DIVISION, start_year__lt=today.year, end_year__gte=today.year)
            .order_by("start_year")
            .first()
        )
        if cycle is None:
            return
        county = [c for c in self.cadres if c.tier == Tier.COUNTY_DIVISION]
        years = list(range(cycle.start_year, today.year))
        for year in years:
            day = working_day(dt.date(year, 11, 18))
            self.outside_class(f"{year}年度区管干部集中轮训", "区委组织部", day, _days(day, 3)[-1], 24, county)
        # Each 县处级 cadre spent one to two months at the Party school in some year of the cycle (two did not).
        spells: dict[tuple[int, int], list[Cadre]] = {}
        for cadre in county:
            if rng.random() < 0.07:
                continue
            spells.setdefault((rng.choice(years), rng.choice((240, 320, 320))), []).append(cadre)
        for number, ((year, hours_), people) in enumerate(sorted(spells.items(), key=lambda kv: kv[0]), start=41):
            start = monday_of(working_day(dt.date(year, 4 if hours_ == 320 else 9, 6)))
            weeks = 8 if hours_ == 320 else 6
            self.outside_class(
                f"区委党校第{number}期处级干部进修班",
                "区委党校",
                start,
                start + ONE * (7 * (weeks - 1) + 4),
                hours_,
                people,
                note="脱产学习，结业考核合格。",
            )
        middle = years[len(years) // 2]
        start = monday_of(working_day(dt.date(middle, 6, 10)))
        self.outside_class(
            f"{middle}年人民城市建设与城市治理专题研修班",
            "中国浦东干部学院",
            start,
            start + ONE * 4,
            40,
            [c for c in county if rng.random() < 0.5],
        )

    # --- self-reports --------------------------------------------------------------------------------

    def submit(
        self, cadre: Cadre, *, date: dt.date, hours_: Decimal, bucket: str, title: str, evidence: str
    ) -> LedgerEntry:
        """A cadre's self-report: through the service for a cadre with an account, else as the service writes it."""
        witness = (self.chiefs.get(cadre.section.name) or self.leaders[0]).name
        if witness == cadre.name:
            witness = self.leaders[1].name
        user = self.accounts.get(cadre.pk)
        if user is not None:
            entry = hours.self_report_submit(
                actor=user,
                cadre=cadre,
                date=date,
                hours=hours_,
                bucket=bucket,
                title=title,
                evidence=evidence,
                witness=witness,
            )
        else:
            entry = LedgerEntry(
                cadre=cadre,
                date=date,
                hours=hours_,
                bucket=bucket,
                source=Source.SELF_REPORT,
                source_id=None,
                title=title,
                evidence=evidence,
                witness=witness,
                status=EntryStatus.PENDING,
            )
            entry.full_clean()
            entry.save()
            audit_record(
                actor=None,
                action=Action.CREATE,
                obj=entry,
                after={**hours.entry_snapshot(entry), "witness": witness, "evidence": evidence, "evidence_file": ""},
                summary=_("Self-report submitted"),
            )
        self.result.self_reports += 1
        return entry

    def settle(self, entry: LedgerEntry, status: str, reason: str = "") -> None:
        """Take a submitted report to ``status`` the way it goes: the section head first where there is one."""
        if status == EntryStatus.PENDING:
            return
        head = self.heads.get(entry.cadre.section_id)
        if head is not None and head.cadre_id != entry.cadre_id:
            approve = not (status == EntryStatus.REJECTED and reason.startswith("请补充"))
            entry = hours.self_report_review(actor=head, entry=entry, approve=approve, reason="" if approve else reason)
            if status == EntryStatus.SECTION_APPROVED or not approve:
                return
        if status == EntryStatus.SECTION_APPROVED:
            return  # no section head to approve it: it waits in the administrators' queue
        decider = self.admin if self.admin.cadre_id != entry.cadre_id else self.second_admin
        hours.self_report_decide(actor=decider, entry=entry, confirm=status == EntryStatus.CONFIRMED, reason=reason)

    def report(self, cadre: Cadre, status: str, **fields) -> None:
        reason = self.rng.choice(REJECTIONS) if status == EntryStatus.REJECTED else ""
        if status == EntryStatus.REJECTED and fields["bucket"] == Bucket.PRACTICE:
            reason = REJECTIONS[2]
        self.settle(self.submit(cadre, **fields), status, reason)

    def self_reports(self) -> None:
        """Online learning reported each quarter, leaders' self-study, a little practice: in every state."""
        rng, today = self.rng, self.today
        year = today.year
        demo_cadres = {pk for pk, user in self.accounts.items() if user.role == Role.CADRE}
        for cadre in self.cadres:
            pace = rng.choice((0.2, 0.55, 0.6)) if rng.random() < 0.1 else rng.uniform(1.0, 1.2)
            for quarter in range(1, 5):
                first = dt.date(year, quarter * 3 - 2, 1)
                last = dt.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - ONE
                begun = max(first, cadre.hire_date or first)
                if begun >= today or begun > last:
                    continue
                share = ((min(last, today) - begun).days + 1) / ((last - first).days + 1)
                amount = _half(17 * pace * share * rng.uniform(0.9, 1.1))
                if amount < 3:
                    continue
                if last < today:
                    title = f"干部在线学习：{year}年第{quarter}季度课程学习"
                    day = last
                    statuses = (
                        [EntryStatus.CONFIRMED]
                        if rng.random() > 0.02
                        else [EntryStatus.REJECTED, EntryStatus.CONFIRMED]
                    )
                elif (today - first).days >= 20 and (rng.random() < 0.45 or cadre.pk in demo_cadres):
                    title = f"干部在线学习：{year}年第{quarter}季度课程学习（截至{today.month}月{today.day}日）"
                    day = today - ONE * rng.randint(0, 5)
                    roll = rng.random()
                    statuses = [
                        EntryStatus.PENDING
                        if roll < 0.55 or cadre.pk in demo_cadres
                        else (EntryStatus.SECTION_APPROVED if roll < 0.8 else EntryStatus.CONFIRMED)
                    ]
                else:
                    continue
                for status in statuses:
                    self.report(
                        cadre,
                        status,
                        date=max(day, begun),
                        hours_=amount,
                        bucket=Bucket.ONLINE,
                        title=title,
                        evidence=f"干部在线学习平台学时证明截图（{max(int(amount // 2), 1)}门课程）",
                    )
            leader = cadre.leadership_level in (LeadershipLevel.DIVISION_CHIEF, LeadershipLevel.DEPUTY_DIVISION_CHIEF)
            if (leader or rng.random() < 0.25 or cadre.pk in demo_cadres) and (
                cadre.hire_date or today
            ) < today - ONE * 60:
                book = rng.choice(
                    (
                        "《习近平关于城市工作论述摘编》",
                        "《习近平新时代中国特色社会主义思想学习纲要》",
                        "《论党的自我革命》",
                        "《中国共产党党内法规汇编》",
                    )
                )
                status = EntryStatus.SECTION_APPROVED if cadre.pk in demo_cadres else EntryStatus.CONFIRMED
                if rng.random() < 0.05:
                    status = EntryStatus.REJECTED
                self.report(
                    cadre,
                    status,
                    date=today - ONE * rng.randint(15, 120),
                    hours_=Decimal(rng.choice((4, 6, 8, 10))),
                    bucket=Bucket.SELF_STUDY,
                    title=f"个人自学{book}",
                    evidence="读书笔记及学习心得一篇",
                )
            if (rng.random() < 0.06 or cadre.pk in demo_cadres) and (cadre.hire_date or today) < today - ONE * 30:
                status = (
                    EntryStatus.REJECTED
                    if cadre.pk in demo_cadres
                    else rng.choice((EntryStatus.CONFIRMED, EntryStatus.CONFIRMED, EntryStatus.PENDING))
                )
                self.report(
                    cadre,
                    status,
                    date=today - ONE * rng.randint(10, 40),
                    hours_=Decimal(4),
                    bucket=Bucket.PRACTICE,
                    title="参加居住地社区“美丽家园”改造居民议事协调",
                    evidence="社区志愿服务记录",
                )

    # --- the whole year ------------------------------------------------------------------------------

    def ensure_rules(self, plans: list[Plan]) -> None:
        """Conversion rules for every year a session falls in (copied from the nearest year, as an admin would)."""
        have = sorted(set(ConversionRule.objects.values_list("year", flat=True)))
        for year in sorted({s.date.year for plan in plans for s in plan.sittings} - set(have)):
            if have:
                source = max((y for y in have if y < year), default=have[0])
                hours.rules_copy(actor=self.admin, from_year=source, to_year=year)

    def load(self, plans: list[Plan]) -> TrainingYear:
        self.ensure_rules(plans)
        for plan in plans:
            self.write(plan)
        self.outside_classes()
        self.self_reports()
        self.backdate()
        self.result.entries = LedgerEntry.objects.count()
        return self.result


@transaction.atomic
def load_training_year(*, today: dt.date, seed: int = SEED) -> TrainingYear:
    """Write a year of the demo bureau's training up to ``today``; the bureau must be loaded already."""
    return Loader(today, seed).load(plan_year(today, seed))
