"""The demo bureau's professional classroom (专业课堂) beyond its activities: the year's 干教计划 with its items
linked to the activities (``ganxun.plans``), the lecturer pool and the year's 杨房课堂·月末讲坛 schedule
(``ganxun.lectures``), the 区委组织部's 中青班 and 青干班 with the bureau's nominations (``ganxun.nominations``),
and the rotation of the cadres recruited in the last two years
through the business 科室 (``ganxun.rotation``): the earlier ones completed and evaluated by the host 科室, the
latest in progress.  Written through the apps' services as the training administrator; idempotent."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError

from ganxun.accounts.models import Role, User
from ganxun.lectures.models import ScheduledLecture
from ganxun.lectures.services import demo_lectures
from ganxun.menu.demo import demo_menu
from ganxun.nominations.demo import demo_nominations
from ganxun.nominations.models import Nomination
from ganxun.plans.services import demo_plans
from ganxun.reception import services as reception_services
from ganxun.reception.models import DutySlot, PetitionCase
from ganxun.roster.models import Cadre, Section, Unit
from ganxun.rotation import services as rotation_services
from ganxun.rotation.models import Rotation

HOSTS = ("住房保障科", "物业管理科", "旧区改造科", "房屋安全科", "房地产市场科")


@dataclasses.dataclass
class ProfessionalYear:
    plan_items: int = 0
    lectures: int = 0
    nominations: int = 0
    rotations: int = 0
    evaluated: int = 0
    duty_turns: int = 0
    cases: int = 0


def load_professional(*, today: dt.date) -> ProfessionalYear:
    result = ProfessionalYear()
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    unit = admin.unit
    plan = demo_plans(unit=unit, year=today.year, today=today)
    result.plan_items = plan.items.count() if plan is not None else 0
    demo_lectures(unit=unit, year=today.year)
    demo_menu(today=today)
    org_admin = User.objects.filter(username="orgadmin", is_active=True).first()
    if org_admin is not None and org_admin.unit is not None and unit.parent_id == org_admin.unit_id:
        others = list(Unit.objects.filter(parent=org_admin.unit).exclude(pk=unit.pk).order_by("pk"))
        demo_nominations(
            org_admin=org_admin,
            bureau_admin=admin,
            org_unit=org_admin.unit,
            bureau=unit,
            other_units=others,
            today=today,
        )
    result.nominations = Nomination.objects.filter(unit=unit).count()
    result.lectures = ScheduledLecture.objects.filter(series__unit=unit, date__year=today.year).count()
    _rotations(admin, today)
    result.rotations = Rotation.objects.filter(cadre__unit=unit).count()
    result.evaluated = Rotation.objects.filter(cadre__unit=unit).exclude(rating="").count()
    _reception(admin, today)
    result.duty_turns = DutySlot.objects.filter(unit=unit).count()
    result.cases = PetitionCase.objects.filter(unit=unit).count()
    return result


CASES = (
    ("公租房申请条件咨询", "security", "answered", 0),
    ("小区加装电梯意见不一，请求协调", "renewal", "referred", 12),
    ("物业服务企业退出后无人管理", "property", "closed", 20),
    ("老公房外墙空鼓脱落隐患", "house_safety", "closed", 3),
    ("二手房交易网签流程咨询", "market", "answered", 0),
    ("廉租房租金补贴发放时间", "security", "closed", 5),
    ("业委会换届程序咨询", "property", "answered", 0),
    ("旧改征收补偿政策咨询", "renewal", "answered", 0),
)


def _reception(admin: User, today: dt.date) -> None:
    """效能接待: the business 科室 take weekly turns, two cadres a turn, from three months back to the end of this
    month; a case or two a week at the desk, handled by the cadres on duty.  Nothing when the year's working-day
    calendar is unknown."""
    unit = admin.unit
    if DutySlot.objects.filter(unit=unit).exists():
        return
    hosts = [s for name in HOSTS for s in Section.objects.filter(unit=unit, name=name)]
    if not hosts:
        return
    reception_services.rule_save(actor=admin, unit=unit, granularity="week", per_turn=2, sections=hosts)
    first = _month_start(today, -3)
    last = _month_start(today, 1) - dt.timedelta(days=1)
    try:
        reception_services.rota_generate(actor=admin, unit=unit, first=first, last=last)
    except ValidationError:
        return
    turns = list(
        DutySlot.objects.filter(unit=unit, first_day__lte=today).prefetch_related("cadres").order_by("first_day")
    )
    for n, turn in enumerate(turns):
        people = list(turn.cadres.all())
        if not people:
            continue
        matter, category, outcome, days = CASES[n % len(CASES)]
        received = turn.first_day
        closed = received + dt.timedelta(days=days) if outcome != "referred" or n % 2 else None
        reception_services.case_save(
            actor=admin,
            unit=unit,
            received_on=received,
            visitor=("王先生", "李女士", "张阿姨", "陈师傅")[n % 4],
            visitor_phone=f"139{n:04d}{(n * 37) % 10000:04d}",
            matter=matter,
            category=category,
            handled_by=people[n % len(people)],
            result=outcome,
            closed_on=closed if closed is None or closed <= today else None,
        )


def _rotations(admin: User, today: dt.date) -> None:
    """Each recruit of the last two years rotates through two host 科室 for three months each, from a month after
    they joined; what ended is completed and evaluated by the host 科室's head."""
    hosts = [s for name in HOSTS for s in Section.objects.filter(unit=admin.unit, name=name)]
    if not hosts:
        return
    recruits = (
        Cadre.objects.visible_to(admin)
        .active()
        .filter(hire_date__gte=dt.date(today.year - 1, 1, 1), hire_date__lte=today)
        .order_by("hire_date", "pk")
    )
    heads = {
        u.cadre.section_id: u
        for u in User.objects.filter(role=Role.SECTION_HEAD, is_active=True).select_related("cadre")
        if u.cadre_id
    }
    for n, cadre in enumerate(recruits):
        if Rotation.objects.filter(cadre=cadre).exists():
            continue
        start = _month_start(cadre.hire_date, 1)
        for turn in range(2):
            host = next((h for h in hosts[(n + turn) % len(hosts) :] + hosts if h.pk != cadre.section_id), None)
            if host is None or start > today:
                break
            end = _month_start(start, 3) - dt.timedelta(days=1)
            mentor = Cadre.objects.filter(section=host).active().exclude(pk=cadre.pk).order_by("pk").first()
            rotation = rotation_services.rotation_create(
                actor=admin,
                cadre=cadre,
                host_section=host,
                start_date=start,
                end_date=end,
                mentor=mentor,
                tasks=f"熟悉{host.name}业务流程，参与窗口接待和案卷整理。",
            )
            if end < today:
                rotation = rotation_services.rotation_complete(
                    actor=admin, rotation=rotation, completed_on=end, summary="按计划完成轮岗任务，熟悉了科室主要业务。"
                )
                evaluator = heads.get(host.pk, admin)
                if evaluator.cadre_id == cadre.pk:
                    evaluator = admin
                rotation_services.rotation_evaluate(
                    actor=evaluator,
                    rotation=rotation,
                    rating=("excellent", "good", "good", "pass")[n % 4],
                    evaluation="工作积极主动，虚心向带教人学习，能独立完成基础性工作。",
                )
            start = end + dt.timedelta(days=1)


def _month_start(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)
