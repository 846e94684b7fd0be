"""The roster file's columns: the headers personnel offices write, and how each cell becomes a value."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ganxun.core.excel import CellDate, normalize_header, parse_date

from .. import idcard
from ..models import Cadre


@dataclass(frozen=True)
class Column:
    """One column of the roster file: the Cadre field it fills and the headers that name it.

    ``synonyms`` are Chinese and never go through gettext: the first is the standard header (the
    template's and the export's, and the name used when a message is about a column the file lacks).
    """

    key: str
    label: Promise
    synonyms: tuple[str, ...]
    kind: str  # text, name, id_number, phone, gender, date, choice, section, tags
    required: bool = False

    @property
    def header(self) -> str:
        return self.synonyms[0]

    @cached_property
    def field(self) -> models.Field:
        return Cadre._meta.get_field(self.key)


# In the order of the template and the export.  Synonyms are what real personnel files say.
COLUMNS: tuple[Column, ...] = (
    Column("name", pgettext_lazy("roster column", "Name"), ("姓名", "名字"), "name", required=True),
    Column(
        "id_number",
        pgettext_lazy("roster column", "ID number"),
        ("身份证号", "公民身份号码", "身份证号码", "身份证", "居民身份证号码"),
        "id_number",
        required=True,
    ),
    Column("gender", pgettext_lazy("roster column", "Gender"), ("性别",), "gender"),
    Column(
        "birth_date",
        pgettext_lazy("roster column", "Birth date"),
        ("出生日期", "出生年月", "出生年月日", "出生时间"),
        "date",
    ),
    Column(
        "section",
        pgettext_lazy("roster column", "Section"),
        ("科室", "部门", "处室", "所在科室", "所在部门", "工作部门"),
        "section",
        required=True,
    ),
    Column("post", pgettext_lazy("roster column", "Post"), ("职务", "现任职务", "现职务"), "text"),
    Column("rank", pgettext_lazy("roster column", "Rank"), ("职级", "现职级"), "choice"),
    Column(
        "leadership_level",
        pgettext_lazy("roster column", "Leadership post level"),
        ("领导职务", "领导职务层次", "领导职务(层次)", "职务层次"),
        "choice",
    ),
    Column("political_status", pgettext_lazy("roster column", "Political status"), ("政治面貌",), "choice"),
    Column(
        "democratic_party",
        pgettext_lazy("roster column", "Democratic party"),
        ("民主党派", "所属党派", "党派", "所在党派"),
        "choice",
    ),
    Column("party_branch", pgettext_lazy("roster column", "Party branch"), ("党支部", "所在党支部"), "text"),
    Column(
        "phone",
        pgettext_lazy("roster column", "Mobile phone"),
        ("手机", "手机号", "手机号码", "联系电话", "移动电话"),
        "phone",
    ),
    Column(
        "work_start_date",
        pgettext_lazy("roster column", "Date started work"),
        ("参加工作时间", "参加工作日期", "参加工作年月"),
        "date",
    ),
    Column("hire_date", pgettext_lazy("roster column", "Date hired"), ("录用日期", "录用时间"), "date"),
    Column("probation_end", pgettext_lazy("roster column", "Probation ends"), ("试用期满", "试用期满日期"), "date"),
    Column(
        "rank_date",
        pgettext_lazy("roster column", "Date of current rank"),
        ("现职级任职时间", "现职级任职日期", "任现职级时间", "任现职级日期"),
        "date",
    ),
    Column("status", pgettext_lazy("roster column", "Status"), ("人员状态", "状态"), "choice"),
    Column("tags", pgettext_lazy("roster column", "Tags"), ("标签",), "tags"),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c for c in COLUMNS if c.required)
DATE_KEYS = tuple(c.key for c in COLUMNS if c.kind == "date")


def header_matcher():
    """normalised header -> column key: the Chinese synonyms and the English headers, never a catalogue."""
    index: dict[str, str] = {}
    with translation.override(None):
        for column in COLUMNS:
            for name in (*column.synonyms, str(column.label)):
                index.setdefault(normalize_header(name), column.key)
    return index.get


def fold(text: str) -> str:
    """What two spellings of the same word share: NFKC, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


class CellError(Exception):
    """A cell that cannot be read; the message is the reason shown after 第N行 列名."""


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


_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")  # as the cadre form accepts it
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－＋", "0123456789-+")


def phone_of(value: Any) -> str:
    """A phone number as the cadre form takes it: digits (a leading +, dashes and spaces allowed)."""
    text = text_of(value).translate(_FULL_WIDTH).strip()
    if text and not _PHONE.match(text):
        raise CellError(_("Enter a phone number of digits only, e.g. 13912345678."))
    return text


def date_of(value: Any, epoch) -> CellDate | None:
    """The cell's date with its precision (to the day or to the month)."""
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
