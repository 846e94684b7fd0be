"""The roster file's columns: the headers personnel offices write, and how each cell becomes a value."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ganxun.core.excel import normalize_header, parse_date

from .. import idcard
from ..models import Cadre, Gender, LeadershipLevel, PoliticalStatus, Rank, Status


@dataclass(frozen=True)
class Column:
    """One column of the roster file: the Cadre field it fills and the headers that name it."""

    key: str
    label: Promise
    synonyms: tuple[str, ...]
    kind: str  # text, name, id_number, gender, date, choice, section, tags
    required: bool = False
    choices: type[models.TextChoices] | None = None

    @cached_property
    def field(self) -> models.Field:
        return Cadre._meta.get_field(self.key)


# In the order of the template and the export.  Synonyms are what real personnel files say.
COLUMNS: tuple[Column, ...] = (
    Column("name", pgettext_lazy("roster column", "Name"), ("姓名", "名字"), "name", required=True),
    Column(
        "id_number",
        pgettext_lazy("roster column", "ID number"),
        ("身份证号", "公民身份号码", "身份证号码"),
        "id_number",
        required=True,
    ),
    Column("gender", pgettext_lazy("roster column", "Gender"), ("性别",), "gender"),
    Column("birth_date", pgettext_lazy("roster column", "Birth date"), ("出生日期", "出生年月"), "date"),
    Column("section", pgettext_lazy("roster column", "Section"), ("科室", "部门", "处室"), "section", required=True),
    Column("post", pgettext_lazy("roster column", "Post"), ("职务", "现任职务"), "text"),
    Column("rank", pgettext_lazy("roster column", "Rank"), ("职级", "现职级"), "choice", choices=Rank),
    Column(
        "leadership_level",
        pgettext_lazy("roster column", "Leadership post level"),
        ("领导职务", "领导职务层次", "领导职务(层次)"),
        "choice",
        choices=LeadershipLevel,
    ),
    Column(
        "political_status",
        pgettext_lazy("roster column", "Political status"),
        ("政治面貌",),
        "choice",
        choices=PoliticalStatus,
    ),
    Column("party_branch", pgettext_lazy("roster column", "Party branch"), ("党支部", "所在党支部"), "text"),
    Column("phone", pgettext_lazy("roster column", "Mobile phone"), ("手机", "手机号", "手机号码", "联系电话"), "text"),
    Column(
        "work_start_date", pgettext_lazy("roster column", "Date started work"), ("参加工作时间", "参加工作日期"), "date"
    ),
    Column("hire_date", pgettext_lazy("roster column", "Date hired"), ("录用日期", "录用时间"), "date"),
    Column("probation_end", pgettext_lazy("roster column", "Probation ends"), ("试用期满", "试用期满日期"), "date"),
    Column(
        "rank_date",
        pgettext_lazy("roster column", "Date of current rank"),
        ("现职级任职时间", "现职级任职日期"),
        "date",
    ),
    Column("status", pgettext_lazy("roster column", "Status"), ("人员状态", "状态"), "choice", choices=Status),
    Column("tags", pgettext_lazy("roster column", "Tags"), ("标签",), "tags"),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)

# Words people write for a choice besides its label in the catalogue.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "gender": {"男": Gender.MALE, "男性": Gender.MALE, "女": Gender.FEMALE, "女性": Gender.FEMALE},
    "political_status": {
        "党员": PoliticalStatus.CPC_MEMBER,
        "中共党员": PoliticalStatus.CPC_MEMBER,
        "中国共产党党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.CYL_MEMBER,
        "共青团员": PoliticalStatus.CYL_MEMBER,
        "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
        "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
        "群众": PoliticalStatus.MASSES,
    },
    "leadership_level": {
        "正处": LeadershipLevel.DIVISION_CHIEF,
        "正处级": LeadershipLevel.DIVISION_CHIEF,
        "处级正职": LeadershipLevel.DIVISION_CHIEF,
        "副处": LeadershipLevel.DEPUTY_DIVISION_CHIEF,
        "副处级": LeadershipLevel.DEPUTY_DIVISION_CHIEF,
        "处级副职": LeadershipLevel.DEPUTY_DIVISION_CHIEF,
        "正科": LeadershipLevel.SECTION_CHIEF,
        "正科级": LeadershipLevel.SECTION_CHIEF,
        "科级正职": LeadershipLevel.SECTION_CHIEF,
        "副科": LeadershipLevel.DEPUTY_SECTION_CHIEF,
        "副科级": LeadershipLevel.DEPUTY_SECTION_CHIEF,
        "科级副职": LeadershipLevel.DEPUTY_SECTION_CHIEF,
    },
    "status": {"在职": Status.ACTIVE, "在岗": Status.ACTIVE, "调离": Status.TRANSFERRED, "退休": Status.RETIRED},
}


def header_matcher():
    """normalised header -> column key, from the synonyms and the labels in the active language."""
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (*column.synonyms, str(column.label)):
            index.setdefault(normalize_header(name), column.key)
    return index.get


def fold(text: str) -> str:
    """What two spellings of the same word share: NFKC, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


class CellError(Exception):
    """A cell that cannot be read; the message is the reason shown after 第N行 列名."""


def choice_index(column: Column) -> dict[str, str]:
    """folded label or synonym -> choice value, for one column."""
    assert column.choices is not None or column.kind == "gender"
    choices = column.choices or Gender
    index = {fold(value): value for value in choices.values}
    for value, label in choices.choices:
        index[fold(str(label))] = value
    for word, value in CHOICE_SYNONYMS.get(column.key, {}).items():
        index.setdefault(fold(word), value)
    return index


def allowed_labels(column: Column) -> str:
    choices = column.choices or Gender
    return "、".join(str(label) for label in choices.labels)


def text_of(value: Any) -> str:
    """Cell text: numbers without a trailing .0, dates as ISO, surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def name_of(value: Any) -> str:
    """Chinese names are often padded to line up (王　伟); the padding is not part of the name."""
    text = text_of(value)
    return text if text.isascii() else re.sub(r"\s+", "", text)


def id_number_of(value: Any) -> str:
    """The ID number as text, normalised; a number cell has already lost digits or the X."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_("The ID number must be stored as text: format the column as Text and enter it again."))
    return idcard.normalize(text_of(value))


def date_of(value: Any, epoch) -> dt.date | None:
    try:
        return parse_date(value, epoch)
    except (ValueError, OverflowError) as exc:
        raise CellError(
            _("“%(value)s” is not a date; write it like 1985-03-12, 1985.03 or 1985年3月.") % {"value": text_of(value)}
        ) from exc


def run_validators(field: models.Field, value: Any) -> None:
    """The field's own validators (length, ID check digit): the same rules and messages as full_clean."""
    if value in field.empty_values:
        return
    try:
        field.run_validators(value)
    except ValidationError as exc:
        raise CellError("；".join(exc.messages)) from exc


def blank_message(field: models.Field) -> str:
    return str(field.error_messages["blank"])


def split_tags(text: str) -> list[str]:
    return [t for t in re.split(r"[、,，;；/\s]+", text) if t]
