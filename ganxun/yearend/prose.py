"""The draft's prose: the default text in the seed's voice, the ``{key}`` placeholders (checked, and filled with
the figures as text or as links), and the figures as stored in a draft (a snapshot in JSON)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .figures import SPECS, Figure

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MISSING = "—"

# (kind, text): 【单位】 and 【年度】 are replaced by the unit's name and the year when a draft is written.  Every key
# of the catalogue appears at least once (tests check it).
DEFAULT_PROSE: tuple[tuple[str, str], ...] = (
    (
        "body",
        "【年度】年，在上级党委的坚强领导和组织部门的关心指导下，【单位】坚持好干部标准，突出讲政治、勇担当、重实干的"
        "工作导向，以理论课、专业课、实践课为抓手，持续加大干部教育培训力度，全力打造信念坚、本领强、作风硬的干部队伍。"
        "年末在册干部{cadres_total}人，全年参训干部{cadres_trained}人，累计完成学时{hours_total}学时，人均"
        "{hours_per_cadre}学时，其中集中培训{hours_centralised}学时、网络培训{hours_online}学时、中心组学习"
        "{hours_study_group}学时、自学{hours_self_study}学时、实践锻炼{hours_practice_bucket}学时；县处级干部完成"
        "{hours_county_division}学时，乡科级及以下干部完成{hours_township_section}学时。",
    ),
    ("heading", "一、抓好理论课堂“铸魂补钙”，把“旗帜鲜明讲政治”的弦紧起来"),
    (
        "body",
        "思想建党、理论强党，是我们党的鲜明特色和光荣传统。抓干部队伍建设，首先要抓思想，抓思想关键在于抓理论。"
        "我们坚持把政治建设摆在首位，全方位全覆盖抓实理论武装，持续夯实干部队伍思想根基。",
    ),
    (
        "body",
        "一是抓关键少数。狠抓领导干部领学促学作用，通过党委会及时学、中心组深入学、领导干部平时自觉学，以“关键少数”"
        "带动“绝大多数”。全年开展党委会学习{party_committee_study_sessions}次、中心组学习{central_group_sessions}次，"
        "领导干部登记平时自学{leader_self_study_records}条。",
    ),
    (
        "body",
        "二是抓活动牵引。身入与心入是最好的教育方式。用好红色资源，全年举办党课{party_lectures}场、主题党日和主题团日"
        "{themed_days}次、座谈会{symposiums}次，引导干部在接受党性教育和精神洗礼中激发干事创业热情。",
    ),
    (
        "body",
        "三是抓常态融入。注重把教育培训融入日常、抓在平常，通过“线下集中+线上拓展”拓宽培训渠道，打造大课堂与微课堂"
        "对接互补的学习模式。全年{online_learners}名干部参加网络培训，完成线上学习{online_hours}学时；微课堂学完课程"
        "{microclass_lessons_completed}人次。",
    ),
    ("heading", "二、抓好专业课堂“充电蓄能”，把“立足本职强内功”的力聚起来"),
    (
        "body",
        "我们着眼“干什么学什么，缺什么补什么”的原则，制定干部专属的“培训菜单”，帮助干部强能补弱，实现教育培训与"
        "中心工作同频共振。",
    ),
    (
        "body",
        "一是练好基础的。精心制定干教工作年度计划，全年计划项目{plan_items}项，已执行{plan_items_done}项；注重分层"
        "分类，举办各类培训班{classes_held}个，参训{class_trainees}人次。注重培优选优，推荐{nominations}名优秀干部参加"
        "上级调训，其中中青班{nominations_zhongqing}人、青干班{nominations_qinggan}人。按培训类型，参加初任培训"
        "{trained_induction}人、任职培训{trained_appointment}人、专门业务培训{trained_specialised}人、在职培训"
        "{trained_in_service}人。",
    ),
    (
        "body",
        "二是练好必备的。深化月末讲坛品牌，打造领导干部、科室负责人、业务骨干上讲台培训模式，全年举办月末讲坛"
        "{lectures_held}场，{lecturers}名讲师授课，形成{topic_modules}个专题版块（各版块授课合计{lectures_by_topic}场，"
        "分版块场次见附件），让教育培训更接地气、管用实用。",
    ),
    (
        "body",
        "三是练好紧缺的。注重实战实练，开展新进干部轮岗{rotations}人次，到民生实事项目现场教学{onsite_teaching}次，"
        "涉及现场教学点{onsite_sites}个；完善由业务科室轮流承接的效能接待制度，全年值班{reception_turns}班次，接待信访"
        "{petition_cases}件，锻炼干部直面复杂难题和处理各类矛盾的能力。",
    ),
    ("heading", "三、抓好实践课堂“强筋壮骨”，把“勇于负责敢担当”的劲实起来"),
    (
        "body",
        "实战是最好的训练，实践是最好的课堂。我们引导干部在攻坚主战场、民生工程第一线练胆魄、磨意志、长才干，全年"
        "完成实践课堂学时{hours}学时。",
    ),
    (
        "body",
        "一是在攻坚克难中锤炼过硬本领。开展“五比五赛”立功竞赛，参赛{competition_entries}项，获奖{awards}项；选派"
        "{secondment_people}名优秀干部参加援派工作，压担子、交任务、促成长。",
    ),
    (
        "body",
        "二是在急难险重上激发担当之力。{community_reporting_party_members}名党员到社区报到，累计{frontline_people}人"
        "投身社区一线，{key_site_people}人参加重点点位工作；应急支援队在队队员{team_members}人，共支援"
        "{committees_supported}个居委和{estates_supported}个小区。",
    ),
    ("heading", "四、工作成效和下一步打算"),
    ("subheading", "（一）主要成效"),
    (
        "body",
        "通过持之以恒的干部教育培训，干部队伍综合素质得到提高，工作作风得到改进，一大批年轻干部迅速成长。全年"
        "{cadres_compliant}名干部学时达到年度要求，达标率{compliance_rate}%；其中县处级干部达标"
        "{cadres_compliant_county_division}人、达标率{compliance_rate_county_division}%，乡科级及以下干部达标"
        "{cadres_compliant_township_section}人、达标率{compliance_rate_township_section}%。",
    ),
    ("subheading", "（二）下一步打算"),
    (
        "body",
        "下一步，【单位】将立足当前、着眼长远，引导广大干部立足岗位、建功立业，以脚踏实地的干劲、久久为功的韧劲，"
        "推动干部教育培训工作再上新台阶。",
    ),
)


def default_paragraphs(unit_name: str, year: int) -> list[tuple[str, str]]:
    """The default prose for a unit and year, as (kind, text)."""
    return [(kind, text.replace("【单位】", unit_name).replace("【年度】", str(year))) for kind, text in DEFAULT_PROSE]


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def check_placeholders(text: str, known: set[str] | None = None) -> None:
    """Refuse a placeholder that names no figure, and a brace that opens or closes none."""
    known = set(SPECS) if known is None else known
    unknown = [name for name in dict.fromkeys(placeholders(text)) if name not in known]
    if unknown:
        raise ValidationError(
            _("Unknown figure placeholder: %(names)s. Use only the placeholders the figures list names.")
            % {"names": "、".join(f"{{{name}}}" for name in unknown)},
            code="unknown_placeholder",
        )
    if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        raise ValidationError(
            _("Braces { } are only for figure placeholders such as {central_group_sessions}; remove the stray one."),
            code="stray_brace",
        )


# ---- values


def plain(value: Any) -> Any:
    """A figure's value as a JSON number (a Decimal as an int when whole, else a float); a dict as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def total(value: Any) -> Any:
    """A dict's total (team_members: the members of every team), or the value."""
    if isinstance(value, dict):
        return sum(plain(v) for v in value.values())
    return value


def shown(value: Any) -> str:
    """A value as the document writes it: 12, 12.5 (no trailing zeros); a dict as its total."""
    if value is None:
        return MISSING
    value = total(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def breakdown(value: Any, unit: str) -> str:
    """A dict's parts as the appendix writes them: 合计25人：应急支援队20人、青年突击队5人."""
    if not isinstance(value, dict):
        return shown(value)
    parts = "、".join(f"{name}{shown(v)}{unit}" for name, v in value.items())
    return f"合计{shown(value)}{unit}" + (f"：{parts}" if parts else "")


@dataclasses.dataclass(frozen=True)
class Row:
    """One figure as the draft stores it."""

    key: str
    label: str
    definition: str
    unit: str
    section: str
    value: Any
    url: str | None


def snapshot(figures: dict[str, Figure]) -> dict[str, dict]:
    """Computed figures as the draft stores them (JSON)."""
    return {
        key: {
            "label": str(f.spec.label),
            "definition": str(f.spec.definition),
            "unit": str(f.spec.unit),
            "section": f.spec.section,
            "value": plain(f.value),
            "url": f.records_url,
        }
        for key, f in figures.items()
    }


def rows(stored: dict[str, dict]) -> list[Row]:
    """The stored figures in the catalogue's order, any others after (PostgreSQL's jsonb keeps no key order)."""
    order = {key: n for n, key in enumerate(SPECS)}
    keys = sorted(stored, key=lambda key: (order.get(key, len(order)), key))
    return [
        Row(
            key,
            stored[key].get("label", key),
            stored[key].get("definition", ""),
            stored[key].get("unit", ""),
            stored[key].get("section", ""),
            stored[key].get("value"),
            stored[key].get("url"),
        )
        for key in keys
    ]


def fill(text: str, stored: dict[str, dict]) -> str:
    """The text with every placeholder replaced by its value."""
    return PLACEHOLDER.sub(lambda m: shown(stored.get(m.group(1), {}).get("value")), text)


def fill_html(text: str, stored: dict[str, dict]) -> SafeString:
    """The text for the page: each value marked, and a link to the records it counts when there is a page."""
    parts: list[str] = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(conditional_escape(text[last : match.start()]))
        key = match.group(1)
        figure = stored.get(key)
        if figure is None:
            parts.append(
                format_html('<mark class="report-figure report-figure-missing" title="{}">{}</mark>', key, MISSING)
            )
        else:
            title = f"{figure.get('label', key)}（{{{key}}}）"
            value = shown(figure.get("value"))
            if figure.get("url"):
                parts.append(
                    format_html(
                        '<a class="report-figure fw-semibold" data-figure="{}" href="{}" title="{}">{}</a>',
                        key,
                        figure["url"],
                        title,
                        value,
                    )
                )
            else:
                parts.append(
                    format_html(
                        '<span class="report-figure fw-semibold" data-figure="{}" title="{}">{}</span>',
                        key,
                        title,
                        value,
                    )
                )
        last = match.end()
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # every part escaped above
