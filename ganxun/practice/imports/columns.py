"""The columns of the four practice lists: the headers bureaus write, per kind of list.

Synonyms are Chinese and never go through gettext: the first is the standard header (the template's, and the
name used when a message is about a column the file lacks).  The English label is accepted too, so that a file
made under an English interface reads back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from ganxun.core.excel import normalize_header

DEPLOYMENT = "deployment"
COMMUNITY = "community"
TEAM = "team"
SECONDMENT = "secondment"
KINDS = (DEPLOYMENT, COMMUNITY, TEAM, SECONDMENT)


@dataclass(frozen=True)
class Column:
    """One column of a practice list: its key, the label the pages show and the headers files write."""

    key: str
    label: Promise
    synonyms: tuple[str, ...]
    required: bool = False
    sample: object = ""  # the template's sample row

    @property
    def header(self) -> str:
        return self.synonyms[0]


NAME = Column("name", pgettext_lazy("practice column", "Name"), ("姓名", "名字", "干部姓名"), sample="张伟")
ID_NUMBER = Column(
    "id_number",
    pgettext_lazy("practice column", "ID number"),
    ("身份证号", "公民身份号码", "身份证号码", "身份证", "居民身份证号码", "证件号码"),
    sample="310110198503120017",
)
SECTION = Column(
    "section",
    pgettext_lazy("practice column", "Section"),
    ("科室", "部门", "处室", "所在科室", "所在部门", "工作部门"),
    sample="旧区改造科",
)
STREET = Column(
    "street",
    pgettext_lazy("practice column", "Street"),
    ("所属街道", "街道", "街镇", "所在街道", "街道(镇)", "街道名称"),
    sample="长白新村街道",
)
COMMITTEE = Column(
    "committee",
    pgettext_lazy("practice column", "Residents' committee"),
    ("居委", "居委会", "居民委员会", "支援居委", "下沉居委", "所在居委", "社区", "下沉社区", "支援社区"),
)
ESTATE = Column(
    "estate",
    pgettext_lazy("practice column", "Housing estate"),
    ("小区", "支援小区", "下沉小区", "所在小区", "小区名称"),
)

DEPLOYMENT_COLUMNS: tuple[Column, ...] = (
    NAME,
    ID_NUMBER,
    SECTION,
    Column(
        "place",
        pgettext_lazy("practice column", "Place"),
        ("支援地点", "地点", "下沉地点", "派驻地点", "服务地点", "支援点位", "点位", "工作地点", "支援单位"),
        sample="长白一村居委",
    ),
    COMMITTEE,
    ESTATE,
    Column(
        "place_kind",
        pgettext_lazy("practice column", "Place type"),
        ("地点类型", "地点类别", "点位类型", "类型", "类别"),
        sample="居委",
    ),
    STREET,
    Column(
        "start",
        pgettext_lazy("practice column", "Start date"),
        ("开始日期", "开始时间", "起始日期", "起始时间", "下沉日期", "派驻日期", "支援开始日期", "开始"),
        required=True,
        sample="2022.4.1",
    ),
    Column(
        "end",
        pgettext_lazy("practice column", "End date"),
        ("结束日期", "结束时间", "截止日期", "终止日期", "撤离日期", "返回日期", "支援结束日期", "结束"),
        required=True,
        sample="2022年5月31日",
    ),
    Column(
        "task",
        pgettext_lazy("practice column", "Task"),
        ("任务", "工作任务", "主要任务", "具体任务", "承担任务", "工作内容", "任务分工", "职责", "岗位"),
        sample="核酸检测秩序维护",
    ),
)

COMMUNITY_COLUMNS: tuple[Column, ...] = (
    NAME,
    ID_NUMBER,
    SECTION,
    Column(
        "branch",
        pgettext_lazy("practice column", "Party branch"),
        ("党支部", "所在党支部", "所在支部", "支部"),
        sample="机关第一党支部",
    ),
    Column(
        "committee",
        pgettext_lazy("practice column", "Residents' committee reported to"),
        ("报到居委", "报到社区", "居住地居委", "报到居委会", "居委", "居委会", "社区", "居民委员会"),
        required=True,
        sample="长白一村居委",
    ),
    Column(STREET.key, STREET.label, STREET.synonyms, sample=STREET.sample),
    Column(
        "date",
        pgettext_lazy("practice column", "Date reported"),
        ("报到日期", "报到时间", "日期"),
        required=True,
        sample="2022.3.15",
    ),
    Column(
        "service",
        pgettext_lazy("practice column", "Service"),
        ("服务内容", "服务事项", "志愿服务内容", "报到服务内容", "服务项目", "认领项目", "认领岗位"),
        sample="楼组防疫宣传",
    ),
)

TEAM_COLUMNS: tuple[Column, ...] = (
    NAME,
    ID_NUMBER,
    SECTION,
    Column(
        "role",
        pgettext_lazy("practice column", "Role in the team"),
        ("队内职务", "队内职责", "队内分工", "队伍职务", "担任", "角色"),
        sample="队员",
    ),
    Column(
        "joined",
        pgettext_lazy("practice column", "Date joined"),
        ("加入日期", "入队日期", "加入时间", "入队时间", "加入"),
        required=True,
        sample="2022-03-01",
    ),
    Column(
        "left",
        pgettext_lazy("practice column", "Date left"),
        ("退出日期", "离队日期", "退出时间", "离队时间", "退出"),
    ),
)

SECONDMENT_COLUMNS: tuple[Column, ...] = (
    NAME,
    ID_NUMBER,
    SECTION,
    Column(
        "destination",
        pgettext_lazy("practice column", "Destination"),
        ("派往地区", "派往地", "挂职地区", "援派地区", "援建地区", "前往地区", "目的地", "派往地点"),
        required=True,
        sample="云南省红河州",
    ),
    Column(
        "host",
        pgettext_lazy("practice column", "Host unit"),
        ("挂职单位", "接收单位", "派驻单位", "援派单位", "挂职单位名称"),
        sample="红河州住房和城乡建设局",
    ),
    Column(
        "post",
        pgettext_lazy("practice column", "Post held"),
        ("挂职职务", "挂任职务", "担任职务", "职务"),
        sample="副局长",
    ),
    Column(
        "secondment_kind",
        pgettext_lazy("practice column", "Kind of secondment"),
        ("挂职类型", "援派类型", "类型", "类别"),
    ),
    Column(
        "start",
        pgettext_lazy("practice column", "Start date"),
        ("开始日期", "开始时间", "起始日期", "派出日期", "挂职开始日期", "挂职开始时间"),
        required=True,
        sample="2023.7",
    ),
    Column(
        "end",
        pgettext_lazy("practice column", "End date"),
        ("结束日期", "结束时间", "期满日期", "计划结束日期", "挂职结束日期", "挂职结束时间", "截止日期"),
        required=True,
        sample="2025.7",
    ),
    Column(
        "actual_end",
        pgettext_lazy("practice column", "Actual end date"),
        ("实际结束日期", "实际返回日期", "返回日期", "实际结束时间"),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    DEPLOYMENT: DEPLOYMENT_COLUMNS,
    COMMUNITY: COMMUNITY_COLUMNS,
    TEAM: TEAM_COLUMNS,
    SECONDMENT: SECONDMENT_COLUMNS,
}

# The columns a template carries (the optional ones a bureau rarely fills are left out of it).
TEMPLATE_KEYS: dict[str, tuple[str, ...]] = {
    DEPLOYMENT: ("name", "id_number", "section", "place", "place_kind", "street", "start", "end", "task"),
    COMMUNITY: ("name", "id_number", "branch", "committee", "street", "date", "service"),
    TEAM: ("name", "id_number", "role", "joined", "left"),
    SECONDMENT: ("name", "id_number", "destination", "host", "post", "start", "end"),
}


def columns_by_key(kind: str) -> dict[str, Column]:
    return {c.key: c for c in COLUMNS[kind]}


def header_matcher(kind: str):
    """normalised header -> column key for one kind: the Chinese synonyms and the English labels."""
    index: dict[str, str] = {}
    with translation.override(None):
        for column in COLUMNS[kind]:
            for name in column.synonyms:
                index.setdefault(normalize_header(name), column.key)
        # Offices write a date column's header as …日期 or …时间 alike (截止时间, 入队日期): each synonym of one is
        # also the other, unless another column already has that spelling.
        for column in COLUMNS[kind]:
            for name in column.synonyms:
                for written, alike in (("日期", "时间"), ("时间", "日期")):
                    if name.endswith(written):
                        index.setdefault(normalize_header(name.removesuffix(written) + alike), column.key)
        for column in COLUMNS[kind]:
            index.setdefault(normalize_header(str(column.label)), column.key)
    return index.get
