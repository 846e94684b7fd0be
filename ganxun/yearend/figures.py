"""The year-end report's figures: each one computed from the records of a unit (and the units below it) in a
year, with its label, its definition (for the document's appendix) and the page listing the records it counts.

``CATALOGUE`` names every figure; its keys are the JSON keys of ``manage.py yearend_report --figures`` and the
placeholders of the draft's prose (``{key}``), so a key, once here, is never renamed.  The practice classroom's
figures keep the keys ``manage.py practice_figures`` prints (``ganxun.practice.figures.KEYS``).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

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
    Spec("cadres_total", "overview", "在册干部", "年末（12月31日）在本单位及下级单位在册的干部人数，按任职时段计。"),
    Spec("cadres_trained", "overview", "参训干部", "年内至少有一条已确认学时记录的干部人数。"),
    Spec("hours_total", "overview", "学时总数", "年内已确认的学时合计（各类别计入上限后）。", "学时"),
    Spec("hours_per_cadre", "overview", "人均学时", "学时总数除以在册干部人数，保留一位小数。", "学时"),
    Spec("hours_centralised", "overview", "集中培训学时", "年内已确认的集中培训学时合计。", "学时"),
    Spec("hours_online", "overview", "网络培训学时", "年内已确认的网络培训学时合计。", "学时"),
    Spec("hours_study_group", "overview", "中心组学习学时", "年内已确认的中心组学习学时合计。", "学时"),
    Spec("hours_self_study", "overview", "自学学时", "年内已确认的自学学时合计。", "学时"),
    Spec("hours_practice_bucket", "overview", "实践锻炼学时", "年内已确认的实践锻炼学时合计。", "学时"),
    # Theory classroom.
    Spec("party_committee_study_sessions", "theory", "党委会学习", "年内举行的党委会学习场次。", "次"),
    Spec("central_group_sessions", "theory", "中心组学习", "年内举行的中心组学习场次。", "次"),
    Spec("party_lectures", "theory", "党课", "年内举办的党课场次。", "场"),
    Spec("themed_days", "theory", "主题党日、团日", "年内举办的主题党日、主题团日活动次数。", "次"),
    Spec("symposiums", "theory", "座谈会", "年内举办的座谈会次数。", "次"),
    Spec("online_learners", "theory", "线上学习人数", "年内有网络培训学时（已确认）的干部人数。"),
    Spec("online_hours", "theory", "线上学习学时", "年内已确认的网络培训学时合计。", "学时"),
    Spec("microclass_lessons_completed", "theory", "微课堂完成课次", "年内学完的微课堂课程（人次）。", "人次"),
    Spec("leader_self_study_records", "theory", "领导干部自学记录", "年内领导干部平时自学的记录条数。", "条"),
    # Professional classroom.
    Spec(
        "classes_held", "professional", "举办培训班", "年内举办的本单位培训班（全员、初任、党务、专题等）个数。", "个"
    ),
    Spec("class_trainees", "professional", "培训班参训人次", "年内本单位培训班的参训人次（有出勤记录）。", "人次"),
    Spec("plan_items", "professional", "年度计划项目", "本年度干教计划（已批准的最新版本）的项目数。", "项"),
    Spec("plan_items_done", "professional", "已执行计划项目", "年内至少有一项关联活动已举办的计划项目数。", "项"),
    Spec("lectures_held", "professional", "月末讲坛", "年内举办的月末讲坛场次。", "场"),
    Spec("lecturers", "professional", "授课讲师", "年内在月末讲坛授课的讲师人数。"),
    Spec("topic_modules", "professional", "专题版块", "年内有月末讲坛授课的专题版块个数。", "个"),
    Spec("nominations", "professional", "推荐调训", "年内开班的调训班次中本单位获确认参训的人数。"),
    Spec("nominations_zhongqing", "professional", "中青班", "其中参加中青班的人数。"),
    Spec("nominations_qinggan", "professional", "青干班", "其中参加青干班的人数。"),
    Spec("rotations", "professional", "新进干部轮岗", "年内开始或进行中的轮岗人次。", "人次"),
    Spec("onsite_teaching", "professional", "现场教学", "年内举办的现场教学活动次数。", "次"),
    Spec("onsite_sites", "professional", "现场教学点", "年内举办过现场教学的现场教学点个数。", "个"),
    Spec("reception_turns", "professional", "效能接待值班", "年内效能接待的值班班次。", "班次"),
    Spec("petition_cases", "professional", "接待信访", "年内在效能接待中受理的信访件数。", "件"),
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
    Spec("hours", "practice", "实践学时", "年内已确认的实践课堂学时合计。", "学时"),
    # Results: compliance.
    Spec("cadres_compliant", "results", "学时达标干部", "年末学时达到年度要求（各类别）的干部人数。"),
    Spec("compliance_rate", "results", "学时达标率", "学时达标干部占应达标干部的百分比，保留一位小数。", "%"),
)
SPECS = {spec.key: spec for spec in CATALOGUE}


def compute(*, year: int, unit) -> dict[str, Figure]:
    """Every figure of ``unit`` (a ``roster.Unit``; its subtree counts) in ``year``, keyed as the catalogue, in
    its order.  A fixed number of queries whatever the number of records."""
    # PROVISIONAL (the yearend-report branch): the practice figures as ``practice_figures`` computes them, the
    # cadres on the roster, 0 for the rest; the figures' builder replaces this body.
    from django.urls import reverse

    from ganxun.practice.figures import Scope, figures
    from ganxun.roster.models import Cadre, Unit

    practice = figures(year, Scope(unit=unit))
    cadres = Cadre.objects.filter(unit__in=Unit.objects.subtree(unit).values("pk")).count()
    urls = {"cadres_compliant": f"{reverse('hours:compliance')}?year={year}"}
    values = {**practice, "cadres_total": cadres}
    return {
        spec.key: Figure(
            spec, values.get(spec.key, Decimal(0) if spec.unit in ("学时", "%") else 0), urls.get(spec.key)
        )
        for spec in CATALOGUE
    }
