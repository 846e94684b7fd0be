"""The year-end report's figures: each one computed from the records of a unit (and the units below it) in a
year, with its label, its definition (for the document's appendix) and the page listing the records it counts.

``CATALOGUE`` names every figure; its keys are the JSON keys of ``manage.py yearend_report --figures`` and the
placeholders of the draft's prose (``{key}``), so a key, once here, is never renamed.  The practice classroom's
figures keep the keys ``manage.py practice_figures`` prints (``ganxun.practice.figures.KEYS``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    FilteredRelation,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.hours.models import Bucket, HourTotal, LedgerEntry, Source
from ganxun.hours.queries import BUCKETS, CENTS, ComplianceReport, Standing, compliance
from ganxun.microclass.models import LessonProgress
from ganxun.nominations.models import ClassKind, Nomination, NominationStatus
from ganxun.plans.models import PlanItem, PlanLink, PlanStatus
from ganxun.practice import figures as practice_figures
from ganxun.reception.models import DutySlot, PetitionCase
from ganxun.roster.models import (
    COUNTY_DIVISION_LEADERSHIP,
    COUNTY_DIVISION_RANKS,
    Cadre,
    CadrePeriod,
    Status,
    Tier,
    Unit,
)
from ganxun.rotation.models import Rotation
from ganxun.study.models import SelfStudy
from ganxun.training.models import (
    Activity,
    AttendanceStatus,
    Classroom,
    Lecturer,
    Session,
    TopicModule,
    TrainingType,
    attendance_rows,
)

# The report's parts, in the seed's order: the overview, the three classrooms, then the results.
SECTIONS = (
    ("overview", _("Overview")),
    ("theory", _("Theory classroom")),
    ("professional", _("Professional classroom")),
    ("practice", _("Practice classroom")),
    ("results", _("Results")),
)


@dataclasses.dataclass(frozen=True)
class Spec:
    """One figure of the catalogue: what it is called and how it is counted."""

    key: str
    section: str
    label: str
    definition: str
    unit: str = "人"  # 人, 次, 场, 学时, %, 个 … as the document writes it after the number


@dataclasses.dataclass(frozen=True)
class Figure:
    """A figure computed: its spec and its value (an int, a Decimal, or for ``team_members`` a dict of team →
    members), and the address of the page listing the records it counts (None when it is not a count of records)."""

    spec: Spec
    value: int | Decimal | dict
    records_url: str | None

    @property
    def key(self) -> str:
        return self.spec.key


# The figures the draft's default prose uses.  The builder of ``compute`` fills in each value and may add more
# (compliance per tier, people trained per kind of class …); the keys below stay.
CATALOGUE: tuple[Spec, ...] = (
    # Overview: the unit's cadres and their 学时.
    Spec(
        "cadres_total", "overview", "在册干部", "12月31日（当年为今日）在本单位及下级单位在职的干部人数，按任职时段计。"
    ),
    Spec("cadres_trained", "overview", "参训干部", "年内至少有一条记入本单位及下级单位的已确认学时记录的干部人数。"),
    Spec(
        "hours_total",
        "overview",
        "学时总数",
        "年内记入本单位及下级单位的已确认学时合计（按记录日期所在单位计，不计类别上限）。",
        "学时",
    ),
    Spec("hours_per_cadre", "overview", "人均学时", "学时总数除以在册干部人数，四舍五入保留一位小数。", "学时"),
    Spec("hours_centralised", "overview", "集中培训学时", "年内已确认的集中培训学时合计。", "学时"),
    Spec("hours_online", "overview", "网络培训学时", "年内已确认的网络培训学时合计。", "学时"),
    Spec("hours_study_group", "overview", "中心组学习学时", "年内已确认的中心组学习学时合计。", "学时"),
    Spec("hours_self_study", "overview", "自学学时", "年内已确认的自学学时合计。", "学时"),
    Spec("hours_practice_bucket", "overview", "实践锻炼学时", "年内已确认的实践锻炼学时合计。", "学时"),
    # Theory classroom.
    Spec(
        "party_committee_study_sessions",
        "theory",
        "党委会学习",
        "年内（截至今日）本单位及下级单位举行的党委会学习场次。",
        "次",
    ),
    Spec(
        "central_group_sessions", "theory", "中心组学习", "年内（截至今日）本单位及下级单位举行的中心组学习场次。", "次"
    ),
    Spec("party_lectures", "theory", "党课", "年内（截至今日）本单位及下级单位举办的党课场次。", "场"),
    Spec(
        "themed_days",
        "theory",
        "主题党日、团日",
        "年内（截至今日）本单位及下级单位举办的主题党日、主题团日场次。",
        "次",
    ),
    Spec("symposiums", "theory", "座谈会", "年内（截至今日）本单位及下级单位举办的座谈会场次。", "次"),
    Spec("online_learners", "theory", "线上学习人数", "年内有网络培训学时（已确认）的干部人数。"),
    Spec("online_hours", "theory", "线上学习学时", "年内已确认的网络培训学时合计。", "学时"),
    Spec(
        "microclass_lessons_completed",
        "theory",
        "微课堂完成课次",
        "年内学完的微课堂课时（人次），按干部现所在单位计。",
        "人次",
    ),
    Spec(
        "leader_self_study_records",
        "theory",
        "领导干部自学记录",
        "年内开始的领导干部平时自学记录条数，按干部现所在单位计。",
        "条",
    ),
    # Professional classroom.
    Spec(
        "classes_held",
        "professional",
        "举办培训班",
        "年内（截至今日）有课次举行的本单位及下级单位培训班（全员、初任、党务、专题等，不含外出调训）个数。",
        "个",
    ),
    Spec(
        "class_trainees",
        "professional",
        "培训班参训人次",
        "上述培训班年内课次中出勤（到课）的人次，每班每人计一次。",
        "人次",
    ),
    Spec("plan_items", "professional", "年度计划项目", "本单位及下级单位本年度已批准干教计划的项目数。", "项"),
    Spec(
        "plan_items_done",
        "professional",
        "已执行计划项目",
        "其中年内（截至今日）至少有一项关联活动已举行课次的项目数。",
        "项",
    ),
    Spec("lectures_held", "professional", "月末讲坛", "年内（截至今日）本单位及下级单位举办的月末讲坛场次。", "场"),
    Spec("lecturers", "professional", "授课讲师", "上述月末讲坛场次的授课讲师人数（同一人计一次）。"),
    Spec("topic_modules", "professional", "专题版块", "上述月末讲坛场次所属的专题版块个数。", "个"),
    Spec("nominations", "professional", "推荐调训", "年内开班的调训班次中本单位及下级单位获上级确认参训的人次。"),
    Spec("nominations_zhongqing", "professional", "中青班", "其中中青班的人次。"),
    Spec("nominations_qinggan", "professional", "青干班", "其中青干班的人次。"),
    Spec("rotations", "professional", "新进干部轮岗", "年内有一天在岗的轮岗人次（按接收科室所在单位计）。", "人次"),
    Spec("onsite_teaching", "professional", "现场教学", "年内（截至今日）本单位及下级单位举办的现场教学场次。", "次"),
    Spec(
        "onsite_sites",
        "professional",
        "现场教学点",
        "上述现场教学场次所在的现场教学点个数：活动已关联现场教学点的按教学点计，未关联的按地点名称计。",
        "个",
    ),
    Spec("reception_turns", "professional", "效能接待值班", "年内开始的效能接待值班班次。", "班次"),
    Spec("petition_cases", "professional", "接待信访", "年内受理的信访件数。", "件"),
    # Practice classroom: the keys of ``manage.py practice_figures`` (ganxun.practice.figures.KEYS).
    Spec("community_reporting_party_members", "practice", "到社区报到党员", "年内到社区报到的党员人数。"),
    Spec("frontline_people", "practice", "投身社区一线", "年内下沉社区一线的人数。"),
    Spec("key_site_people", "practice", "参加重点点位", "年内在机场、隔离点、医学观察点等重点点位工作的人数。"),
    Spec("committees_supported", "practice", "支援居委", "年内下沉支援的居委个数。", "个"),
    Spec("estates_supported", "practice", "支援小区", "年内下沉支援的小区个数。", "个"),
    Spec("team_members", "practice", "应急支援队队员", "12月31日各支援队的在队人数。"),
    Spec("secondment_people", "practice", "援派干部", "年内在援藏、援滇等援派岗位的人数。"),
    Spec("competition_entries", "practice", "立功竞赛参赛", "年内立功竞赛的参赛项数。", "项"),
    Spec("awards", "practice", "获奖", "年内立功竞赛的获奖数。", "项"),
    Spec("hours", "practice", "实践学时", "年内记入本单位及下级单位的已确认实践锻炼学时合计。", "学时"),
    # Results: compliance.
    Spec(
        "cadres_compliant",
        "results",
        "学时达标干部",
        "年末在册干部中学时达标的人数（截至12月31日，当年为今日）：年度学时要求均已完成，且五年周期要求未滞后、未到期未完成（与统计报表、首页图表同一口径）。",
    ),
    Spec(
        "compliance_rate",
        "results",
        "学时达标率",
        "学时达标干部占年末在册且有学时要求干部的百分比，保留一位小数（舍去）。",
        "%",
    ),
    # Added with the figures: people trained per kind of training, 学时 and compliance per tier, lectures per module.
    Spec(
        "trained_induction",
        "professional",
        "初任培训",
        "年内出勤初任培训类活动（按活动类别的培训类型）课次并获确认学时、记入本单位及下级单位的干部人数。",
    ),
    Spec(
        "trained_appointment",
        "professional",
        "任职培训",
        "年内出勤任职培训类活动（按活动类别的培训类型）课次并获确认学时、记入本单位及下级单位的干部人数。",
    ),
    Spec(
        "trained_specialised",
        "professional",
        "专门业务培训",
        "年内出勤专门业务培训类活动（按活动类别的培训类型）课次并获确认学时、记入本单位及下级单位的干部人数。",
    ),
    Spec(
        "trained_in_service",
        "professional",
        "在职培训",
        "年内出勤在职培训类活动（按活动类别的培训类型）课次并获确认学时、记入本单位及下级单位的干部人数。",
    ),
    Spec(
        "hours_county_division",
        "overview",
        "县处级学时",
        "学时总数中县处级及以上干部的学时（层级按12月31日、当年为今日的任职时段）。",
        "学时",
    ),
    Spec(
        "hours_township_section",
        "overview",
        "乡科级学时",
        "学时总数中乡科级及以下干部的学时（层级按12月31日、当年为今日的任职时段）。",
        "学时",
    ),
    Spec("cadres_compliant_county_division", "results", "县处级达标干部", "学时达标干部中县处级及以上干部人数。"),
    Spec(
        "compliance_rate_county_division",
        "results",
        "县处级达标率",
        "县处级及以上干部的学时达标率，保留一位小数（舍去）。",
        "%",
    ),
    Spec("cadres_compliant_township_section", "results", "乡科级达标干部", "学时达标干部中乡科级及以下干部人数。"),
    Spec(
        "compliance_rate_township_section",
        "results",
        "乡科级达标率",
        "乡科级及以下干部的学时达标率，保留一位小数（舍去）。",
        "%",
    ),
    Spec(
        "lectures_by_topic",
        "professional",
        "各专题版块讲坛场次",
        "月末讲坛场次按专题版块计（版块名 → 场次；无版块的记为“未定版块”）。",
        "场",
    ),
)
SPECS = {spec.key: spec for spec in CATALOGUE}


# --- How the figures are counted ---------------------------------------------------------------------------------
#
# A unit's figures count its subtree (``Unit.objects.subtree``, one inline subquery).  Each record counts where it
# is attributed: a ledger entry by its own unit (the cadre's unit on the entry's date), an activity by its
# organising unit, a nomination by its unit, a rotation by the host 科室's unit, a duty slot or a petition by their
# unit, practice records as ``ganxun.practice.figures`` counts them.  Micro-classroom lessons and self-study carry
# no unit: they count by the cadre's present unit.  "Held" sessions are those dated in the year up to ``as_of``
# (31 December, or today while the year runs).

OUTSIDE_CLASS_KIND = "外出调训"  # a class held elsewhere: recorded as a kind, not a class the unit holds
SESSION_KINDS = {
    "party_committee_study_sessions": ("党委会学习",),
    "central_group_sessions": ("中心组学习",),
    "party_lectures": ("党课",),
    "themed_days": ("主题党日", "主题团日"),
    "symposiums": ("座谈会",),
    "lectures_held": ("月末讲坛",),
    "onsite_teaching": ("现场教学",),
}
LECTURE_KIND = "月末讲坛"
ONSITE_KIND = "现场教学"
NO_TOPIC = "未定版块"
TIERS = tuple(Tier.values)
TYPES = tuple(TrainingType.values)
BUCKET_KEYS = {
    "hours_centralised": Bucket.CENTRALISED,
    "hours_online": Bucket.ONLINE,
    "hours_study_group": Bucket.STUDY_GROUP,
    "hours_self_study": Bucket.SELF_STUDY,
    "hours_practice_bucket": Bucket.PRACTICE,
    "online_hours": Bucket.ONLINE,
}
TENTH = Decimal("0.1")


def as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The day the year is counted to: 31 December, or today while the year runs."""
    today = today or timezone.localdate()
    return min(today, dt.date(year, 12, 31))


def rate(part: int, whole: int) -> Decimal:
    """A percentage with one decimal, rounded down (99.96 % is not 100 %); 0.0 without a whole."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part * 100) / Decimal(whole)).quantize(TENTH, rounding=ROUND_DOWN)


@dataclasses.dataclass(frozen=True)
class Context:
    """What every records query of one figure needs: the year, the unit and the day the year is counted to."""

    year: int
    unit: Unit
    day: dt.date

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def units(self) -> QuerySet:
        return Unit.objects.subtree(self.unit).values("pk")


# --- The records behind each figure ----------------------------------------------------------------------------


def entries(ctx: Context) -> QuerySet[LedgerEntry]:
    """Confirmed ledger entries of the year attributed to the subtree."""
    return LedgerEntry.objects.confirmed().in_year(ctx.year).filter(unit__in=ctx.units)


def serving(ctx: Context) -> QuerySet[CadrePeriod]:
    """The periods in force on the year's last counted day, in post, in the subtree."""
    return CadrePeriod.objects.on(ctx.last if ctx.day >= ctx.last else ctx.day).filter(
        unit__in=ctx.units, status=Status.ACTIVE
    )


def held_sessions(ctx: Context) -> QuerySet[Session]:
    """Sessions dated in the year up to ``as_of`` of activities organised in the subtree."""
    return Session.objects.filter(date__gte=ctx.first, date__lte=ctx.day, activity__unit__in=ctx.units)


def kind_sessions(ctx: Context, names: tuple[str, ...]) -> QuerySet[Session]:
    return held_sessions(ctx).filter(activity__kind__name__in=names)


def class_sessions(ctx: Context) -> QuerySet[Session]:
    """Held sessions of the professional classroom's classes (not 外出调训)."""
    return (
        held_sessions(ctx)
        .filter(activity__kind__is_class=True, activity__kind__classroom=Classroom.PROFESSIONAL)
        .exclude(activity__kind__name=OUTSIDE_CLASS_KIND)
    )


def classes(ctx: Context) -> QuerySet[Activity]:
    return Activity.objects.filter(pk__in=class_sessions(ctx).values("activity_id"))


def class_attendances(ctx: Context) -> QuerySet:
    """Present attendances at the classes' sessions."""
    return attendance_rows().filter(session__in=class_sessions(ctx), status=AttendanceStatus.PRESENT)


def class_trainees(ctx: Context) -> QuerySet:
    """One present attendance per class and cadre (the first): the figure counts each class and cadre once."""
    first = (
        class_attendances(ctx).order_by().values("session__activity_id", "cadre_id").annotate(first=Min("pk"))
    ).values("first")
    return attendance_rows().filter(pk__in=first)


def lecturer_rows(ctx: Context) -> QuerySet[Lecturer]:
    """The lecturers of the year's lectures: those recorded for a sitting, and those of a lecture without sittings
    recorded, who teach every sitting of it (as ``training`` credits them)."""
    sessions = kind_sessions(ctx, (LECTURE_KIND,))
    return Lecturer.objects.filter(
        Q(session_links__session__in=sessions.values("pk"))
        | Q(session_links__isnull=True, activity__in=sessions.values("activity_id"))
    )


# A lecturer as a person: a cadre by their id, an outside lecturer by name (one Lecturer row per activity).
LECTURER_PERSON = Case(
    When(cadre__isnull=False, then=Concat(Value("c"), Cast("cadre_id", CharField()))),
    default=Concat(Value("o"), "outside_name"),
    output_field=CharField(),
)
ONSITE_PLACE = Coalesce(NullIf("place", Value("")), "activity__place", output_field=CharField())
# Where an on-site session was held: the 现场教学点 its activity is linked to (ganxun.sites), else the place's name.
ONSITE_SITE = Case(
    When(
        activity__site_link__isnull=False,
        then=Concat(Value("site:"), Cast("activity__site_link__site_id", CharField())),
    ),
    default=Concat(Value("place:"), ONSITE_PLACE),
    output_field=CharField(),
)


def typed_entries(ctx: Context, training_type: str) -> QuerySet[LedgerEntry]:
    """Confirmed entries of the year counted from sessions of activities of one training type."""
    sessions = Session.objects.filter(activity__kind__training_type=training_type).values("pk")
    return entries(ctx).filter(source__in=SESSION_SOURCES, source_id__in=sessions)


SESSION_SOURCES = (Source.SESSION,)  # attended; a lecture given (Source.LECTURE) is teaching, not training


def lecturers(ctx: Context) -> QuerySet[Lecturer]:
    """One lecturer row per person (the first) of the year's lectures."""
    first = lecturer_rows(ctx).order_by().values(person=LECTURER_PERSON).annotate(first=Min("pk"))
    return Lecturer.objects.filter(pk__in=first.values("first"))


def topic_modules(ctx: Context) -> QuerySet[TopicModule]:
    return TopicModule.objects.filter(pk__in=kind_sessions(ctx, (LECTURE_KIND,)).values("activity__topic"))


def plan_items(ctx: Context) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(plan__unit__in=ctx.units, plan__year=ctx.year, plan__status=PlanStatus.APPROVED)


def items_done(ctx: Context) -> QuerySet[PlanItem]:
    held = Session.objects.filter(date__gte=ctx.first, date__lte=ctx.day).values("activity_id")
    return plan_items(ctx).filter(pk__in=PlanLink.objects.filter(activity_id__in=held).values("item_id"))


def nominations(ctx: Context, kind: str = "") -> QuerySet[Nomination]:
    found = Nomination.objects.filter(
        programme__start_date__year=ctx.year, unit__in=ctx.units, status=NominationStatus.CONFIRMED
    )
    return found.filter(programme__kind=kind) if kind else found


def micro_lessons(ctx: Context) -> QuerySet[LessonProgress]:
    start = timezone.make_aware(dt.datetime(ctx.year, 1, 1))
    end = timezone.make_aware(dt.datetime(ctx.year + 1, 1, 1))
    return LessonProgress.objects.filter(completed_at__gte=start, completed_at__lt=end, cadre__unit__in=ctx.units)


def self_studies(ctx: Context) -> QuerySet[SelfStudy]:
    return SelfStudy.objects.filter(start_date__gte=ctx.first, start_date__lte=ctx.last, cadre__unit__in=ctx.units)


def rotations(ctx: Context) -> QuerySet[Rotation]:
    return Rotation.objects.overlapping(ctx.first, ctx.last).filter(host_section__unit__in=ctx.units)


def duty_slots(ctx: Context) -> QuerySet[DutySlot]:
    return DutySlot.objects.filter(first_day__gte=ctx.first, first_day__lte=ctx.last, unit__in=ctx.units)


def petitions(ctx: Context) -> QuerySet[PetitionCase]:
    return PetitionCase.objects.filter(received_on__gte=ctx.first, received_on__lte=ctx.last, unit__in=ctx.units)


def judged(ctx: Context) -> ComplianceReport:
    """Every cadre who served in the subtree during the year, judged as of ``as_of`` (four queries)."""
    return compliance(year=ctx.year, cadres=Cadre.objects.all(), as_of=ctx.day, unit=ctx.unit)


def _cadres(ids) -> QuerySet[Cadre]:
    return Cadre.objects.filter(pk__in=ids)


def _compliant(ctx: Context, tier: str = "") -> QuerySet[Cadre]:
    return _cadres(
        [
            row.cadre_id
            for row in judged(ctx).rows
            if row.standing != Standing.NONE and row.meets_the_year and tier in ("", row.tier)
        ]
    ).filter(pk__in=serving(ctx).values("cadre_id"))


def with_tier(queryset: QuerySet, day: dt.date) -> QuerySet:
    """Rows with a ``cadre`` annotated with the cadre's ``tier`` on ``day`` (the period of service in force then,
    joined; without one, township/section)."""
    in_force = Q(cadre__periods__valid_from__lte=day) & (
        Q(cadre__periods__valid_to__isnull=True) | Q(cadre__periods__valid_to__gt=day)
    )
    return queryset.annotate(period_then=FilteredRelation("cadre__periods", condition=in_force)).annotate(
        tier=Case(
            When(
                Q(period_then__rank__in=COUNTY_DIVISION_RANKS)
                | Q(period_then__leadership_level__in=COUNTY_DIVISION_LEADERSHIP),
                then=Value(Tier.COUNTY_DIVISION),
            ),
            default=Value(Tier.TOWNSHIP_SECTION),
            output_field=CharField(),
        )
    )


def _tier_entries(ctx: Context, tier: str) -> QuerySet[LedgerEntry]:
    return with_tier(entries(ctx), ctx.day).filter(tier=tier)


def _practice(key: str):
    return lambda ctx: practice_figures.records(key, ctx.year, practice_figures.Scope(unit=ctx.unit))


# Figure key → the records it counts (a queryset).  A figure not here is not a count of records (per cadre, rates).
RECORDS: dict[str, Callable[[Context], QuerySet]] = {
    "cadres_total": lambda ctx: _cadres(serving(ctx).values("cadre_id")),
    "cadres_trained": lambda ctx: _cadres(entries(ctx).values("cadre_id")),
    "hours_total": entries,
    **{key: (lambda ctx, b=bucket: entries(ctx).filter(bucket=b)) for key, bucket in BUCKET_KEYS.items()},
    **{key: (lambda ctx, n=names: kind_sessions(ctx, n)) for key, names in SESSION_KINDS.items()},
    "online_learners": lambda ctx: _cadres(entries(ctx).filter(bucket=Bucket.ONLINE).values("cadre_id")),
    "microclass_lessons_completed": micro_lessons,
    "leader_self_study_records": self_studies,
    "classes_held": classes,
    "class_trainees": class_trainees,
    "plan_items": plan_items,
    "plan_items_done": items_done,
    "lecturers": lecturers,
    "topic_modules": topic_modules,
    "lectures_by_topic": lambda ctx: kind_sessions(ctx, (LECTURE_KIND,)),
    "nominations": nominations,
    "nominations_zhongqing": lambda ctx: nominations(ctx, ClassKind.MID_YOUNG),
    "nominations_qinggan": lambda ctx: nominations(ctx, ClassKind.YOUNG),
    "rotations": rotations,
    "onsite_sites": lambda ctx: kind_sessions(ctx, (ONSITE_KIND,)),
    "reception_turns": duty_slots,
    "petition_cases": petitions,
    **{key: _practice(key) for key in practice_figures.KEYS},
    "cadres_compliant": _compliant,
    **{f"trained_{t}": (lambda ctx, t=t: _cadres(typed_entries(ctx, t).values("cadre_id"))) for t in TYPES},
    **{f"hours_{tier}": (lambda ctx, tier=tier: _tier_entries(ctx, tier)) for tier in TIERS},
    **{f"cadres_compliant_{tier}": (lambda ctx, tier=tier: _compliant(ctx, tier)) for tier in TIERS},
}


def records(key: str, *, year: int, unit: Unit, today: dt.date | None = None) -> QuerySet:
    """The records behind one figure (a key of RECORDS)."""
    return RECORDS[key](Context(year, unit, as_of(year, today)))


def records_url(key: str, year: int, unit: Unit) -> str | None:
    if key not in RECORDS:
        return None
    return f"{reverse('yearend:figure_records')}?{urlencode({'year': year, 'key': key, 'unit': unit.pk})}"


# --- The figures -------------------------------------------------------------------------------------------------


def _hours(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENTS)


def values(*, year: int, unit: Unit, today: dt.date | None = None) -> dict:
    """Every figure's value, keyed and ordered as the catalogue.  A fixed number of queries (about thirty)."""
    ctx = Context(year, unit, as_of(year, today))
    found: dict = {}
    on_register = set(serving(ctx).values_list("cadre_id", flat=True))
    found["cadres_total"] = len(on_register)
    # 学时 by tier and category from the maintained totals (one row per cadre, year, unit and 科室), in cents.
    by_tier = {
        row["tier"]: row
        for row in with_tier(HourTotal.objects.filter(year=year, unit__in=ctx.units), ctx.day)
        .values("tier")
        .annotate(**{bucket: Coalesce(Sum(bucket), 0) for bucket in BUCKETS})
        .order_by()
    }
    sums = {bucket: sum(row[bucket] for row in by_tier.values()) for bucket in BUCKETS}
    total = sum(sums.values())
    for tier in TIERS:
        found[f"hours_{tier}"] = _hours(sum(by_tier[tier][b] for b in BUCKETS) if tier in by_tier else 0)
    found["hours_total"] = _hours(total)
    for key, bucket in BUCKET_KEYS.items():
        found[key] = _hours(sums[bucket])
    found["hours_per_cadre"] = (
        (Decimal(total) / 100 / found["cadres_total"]).quantize(TENTH, rounding=ROUND_HALF_UP)
        if found["cadres_total"]
        else Decimal("0.0")
    )
    # People: trained, online, and per training type (entries counted from sessions of that type's activities).
    people = entries(ctx).aggregate(
        trained=Count("cadre", distinct=True),
        online=Count("cadre", distinct=True, filter=Q(bucket=Bucket.ONLINE)),
        **{
            t: Count(
                "cadre",
                distinct=True,
                filter=Q(
                    source__in=SESSION_SOURCES,
                    source_id__in=Session.objects.filter(activity__kind__training_type=t).values("pk"),
                ),
            )
            for t in TYPES
        },
    )
    found["cadres_trained"], found["online_learners"] = people["trained"], people["online"]
    for t in TYPES:
        found[f"trained_{t}"] = people[t]
    # Sessions of the theory classroom's kinds, the lectures and the on-site teaching: one aggregate.
    sessions = held_sessions(ctx).aggregate(
        **{key: Count("pk", filter=Q(activity__kind__name__in=names)) for key, names in SESSION_KINDS.items()},
        onsite_sites=Count(ONSITE_SITE, distinct=True, filter=Q(activity__kind__name=ONSITE_KIND)),
        topic_modules=Count("activity__topic", distinct=True, filter=Q(activity__kind__name=LECTURE_KIND)),
    )
    found.update(sessions)
    by_topic = (
        kind_sessions(ctx, (LECTURE_KIND,))
        .values("activity__topic__name", "activity__topic__sort_order")
        .annotate(n=Count("pk"))
        .order_by("activity__topic__sort_order", "activity__topic__name")
    )
    found["lectures_by_topic"] = {row["activity__topic__name"] or NO_TOPIC: row["n"] for row in by_topic}
    found["lecturers"] = lecturer_rows(ctx).aggregate(n=Count(LECTURER_PERSON, distinct=True))["n"]
    found["classes_held"] = class_sessions(ctx).values("activity_id").distinct().count()
    found["class_trainees"] = (
        class_attendances(ctx).values_list("session__activity_id", "cadre_id").distinct().order_by().count()
    )
    found["online_hours"] = found["hours_online"]
    found["microclass_lessons_completed"] = micro_lessons(ctx).count()
    found["leader_self_study_records"] = self_studies(ctx).count()
    items = plan_items(ctx).aggregate(
        n=Count("pk"),
        done=Count("pk", filter=Q(pk__in=items_done(ctx).values("pk"))),
    )
    found["plan_items"], found["plan_items_done"] = items["n"], items["done"]
    picked = nominations(ctx).aggregate(
        n=Count("pk"),
        zhongqing=Count("pk", filter=Q(programme__kind=ClassKind.MID_YOUNG)),
        qinggan=Count("pk", filter=Q(programme__kind=ClassKind.YOUNG)),
    )
    found["nominations"] = picked["n"]
    found["nominations_zhongqing"], found["nominations_qinggan"] = picked["zhongqing"], picked["qinggan"]
    found["rotations"] = rotations(ctx).count()
    found["reception_turns"] = duty_slots(ctx).count()
    found["petition_cases"] = petitions(ctx).count()
    found.update(practice_figures.figures(year, practice_figures.Scope(unit=unit)))
    # Compliance and the tiers: the compliance report of the subtree (four queries), and 学时 per cadre.
    report = judged(ctx)
    # Judged: the cadres on the register (as cadres_total counts them) with a requirement.
    judged_rows = [row for row in report.rows if row.standing != Standing.NONE and row.cadre_id in on_register]
    met = [row for row in judged_rows if row.meets_the_year]
    found["cadres_compliant"] = len(met)
    found["compliance_rate"] = rate(len(met), len(judged_rows))
    for tier in TIERS:
        tier_met = sum(1 for row in met if row.tier == tier)
        found[f"cadres_compliant_{tier}"] = tier_met
        found[f"compliance_rate_{tier}"] = rate(tier_met, sum(1 for row in judged_rows if row.tier == tier))
    return {spec.key: found[spec.key] for spec in CATALOGUE}


def compute(*, year: int, unit, today: dt.date | None = None) -> dict[str, Figure]:
    """Every figure of ``unit`` (a ``roster.Unit``; its subtree counts) in ``year``, keyed as the catalogue, in
    its order.  A fixed number of queries whatever the number of records."""
    found = values(year=year, unit=unit, today=today)
    return {spec.key: Figure(spec, found[spec.key], records_url(spec.key, year, unit)) for spec in CATALOGUE}


def figure(key: str, *, year: int, unit: Unit, today: dt.date | None = None) -> Figure:
    """One figure (a records page's heading): the same as ``compute(…)[key]``."""
    return compute(year=year, unit=unit, today=today)[key]
