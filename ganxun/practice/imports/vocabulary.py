"""The words bureaus write for the choices a practice list holds: kinds of place, team roles, secondments.

As in the roster's vocabulary, these are the Chinese words themselves (reading a file must not depend on the
interface language); the English labels and the stored values are accepted too.
"""

from __future__ import annotations

from django.utils import translation

from ganxun.roster.imports.columns import fold

from ..models import PlaceKind, SecondmentKind, TeamRole

PLACE_KIND: dict[str, tuple[str, ...]] = {
    PlaceKind.STREET: ("街道", "街镇", "镇", "街道办事处"),
    PlaceKind.COMMITTEE: ("居委", "居委会", "居民委员会", "社区", "社区居委会"),
    PlaceKind.ESTATE: ("小区", "住宅小区", "居住小区"),
    PlaceKind.AIRPORT: ("机场", "航站楼", "国际机场"),
    PlaceKind.QUARANTINE: ("隔离点", "集中隔离点", "隔离酒店", "健康驿站"),
    PlaceKind.OBSERVATION: ("医学观察点", "集中医学观察点", "大型集中医学观察点", "方舱", "方舱医院"),
    PlaceKind.AID_SITE: ("援建地", "援建点", "对口支援地"),
    PlaceKind.OTHER: ("其他", "其它"),
}

TEAM_ROLE: dict[str, tuple[str, ...]] = {
    TeamRole.LEADER: ("队长", "组长", "负责人"),
    TeamRole.DEPUTY: ("副队长", "副组长"),
    TeamRole.MEMBER: ("队员", "成员", "组员", "普通队员"),
}

SECONDMENT_KIND: dict[str, tuple[str, ...]] = {
    SecondmentKind.TIBET: ("援藏", "援藏干部", "对口援藏"),
    SecondmentKind.YUNNAN: ("援滇", "援滇干部", "对口援滇"),
    SecondmentKind.XINJIANG: ("援疆", "援疆干部", "对口援疆"),
    SecondmentKind.ATTACHMENT: ("挂职", "挂职锻炼", "交流挂职"),
}

# Words in a place's name that tell its kind when the file has no 地点类型 (checked in this order).
PLACE_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("医学观察", PlaceKind.OBSERVATION),
    ("方舱", PlaceKind.OBSERVATION),
    ("隔离", PlaceKind.QUARANTINE),
    ("健康驿站", PlaceKind.QUARANTINE),
    ("机场", PlaceKind.AIRPORT),
    ("航站楼", PlaceKind.AIRPORT),
    ("居委会", PlaceKind.COMMITTEE),
    ("居委", PlaceKind.COMMITTEE),
    ("居民委员会", PlaceKind.COMMITTEE),
    ("小区", PlaceKind.ESTATE),
    ("街道", PlaceKind.STREET),
)
# Where a destination lies tells the kind of secondment when the file does not say it.
REGION_HINTS: tuple[tuple[str, str], ...] = (
    ("西藏", SecondmentKind.TIBET),
    ("新疆", SecondmentKind.XINJIANG),
    ("云南", SecondmentKind.YUNNAN),
)


def index(words: dict[str, tuple[str, ...]], choices) -> dict[str, str]:
    """folded word -> stored value: the Chinese words, the English labels, the values."""
    found: dict[str, str] = {}
    for value, forms in words.items():
        for form in forms:
            found.setdefault(fold(form), value)
    with translation.override(None):
        for value, label in choices.choices:
            found.setdefault(fold(str(label)), value)
            found.setdefault(fold(value), value)
    return found


def standard(words: dict[str, tuple[str, ...]]) -> list[str]:
    """The standard word of each choice, for the message about a word not understood."""
    return [forms[0] for forms in words.values()]


def place_kind_of_name(name: str) -> str:
    """The kind a place's name suggests (其他 when it says nothing)."""
    for hint, kind in PLACE_NAME_HINTS:
        if hint in name:
            return kind
    return PlaceKind.OTHER


def secondment_kind_of_region(region: str) -> str:
    for hint, kind in REGION_HINTS:
        if hint in region:
            return kind
    return SecondmentKind.ATTACHMENT
