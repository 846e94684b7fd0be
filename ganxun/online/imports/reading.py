"""Reading a platform's export as it comes: the header (below title rows, merged cells over two rows), the
period a title row states, and each cell into a value or the reason it cannot be read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ganxun.core.excel import CellDate, _sheet_rows, normalize_header, parse_date
from ganxun.roster import idcard
from ganxun.roster.imports.columns import CellError, text_of

HEADER_SCAN_ROWS = 10


@dataclass
class Layout:
    """Where the header is (its last row), which column each key is in, and the title rows above it."""

    row: int
    positions: dict[str, int]  # key -> position
    headers: dict[str, str]  # key -> header as written
    titles: list[str]  # the texts of the rows above the header
    ignored: list[str]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _index(synonyms: dict[str, list[str]]) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for key, names in synonyms.items():
        for rank, name in enumerate(names):
            index.setdefault(normalize_header(name), (key, rank))
    return index


def _positions(values: list[Any], index: dict[str, tuple[str, int]]) -> tuple[dict[str, int], dict[str, str]]:
    """key -> position of the cell naming it, the platform's preferred header winning (年度积分 over 总积分)."""
    best: dict[str, tuple[int, int]] = {}
    written: dict[str, str] = {}
    for position, value in enumerate(values):
        found = index.get(normalize_header(value))
        if found is None:
            continue
        key, rank = found
        if key not in best or rank < best[key][0]:
            best[key] = (rank, position)
            written[key] = str(value).strip()
    return {key: position for key, (_rank, position) in best.items()}, written


def find_layout(worksheet, synonyms: dict[str, list[str]], width: int) -> Layout | None:
    """The header among the first rows: the row (with the one above it, for header cells merged over two rows)
    naming most columns."""
    index = _index(synonyms)
    rows = [list(values) for _n, values in _sheet_rows(worksheet, first=1, last=HEADER_SCAN_ROWS, width=width)]
    best: Layout | None = None
    best_count = 0
    for number, values in enumerate(rows, start=1):
        above = rows[number - 2] if number >= 2 else [None] * len(values)
        # A cell merged down over two header rows holds its text in the upper one; a group header merged across
        # (学时统计 over 必修/选修) sits above the cells that name the columns.
        combined = [v if not _blank(v) else (above[i] if i < len(above) else None) for i, v in enumerate(values)]
        for candidate, label_row in ((values, number), (combined, number)):
            positions, headers = _positions(candidate, index)
            if len(positions) > best_count:
                best_count = len(positions)
                titles = [" ".join(text_of(v) for v in row if not _blank(v)) for row in rows[: label_row - 1]]
                ignored = [
                    str(v).strip() for p, v in enumerate(candidate) if p not in positions.values() and not _blank(v)
                ]
                best = Layout(label_row, positions, headers, [t for t in titles if t], ignored)
    return best


_DAY = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_RANGE = re.compile(rf"({_DAY})\s*(?:至|到|~|～|—|–|-|－)+\s*({_DAY})")


def period_of_text(text: str) -> tuple[dt.date, dt.date] | None:
    """The period written as 2026-01-01至2026-06-30, 2026.1.1-2026.6.30 or 2026年1月1日—2026年6月30日."""
    text = unicodedata.normalize("NFKC", text)
    match = _RANGE.search(text)
    if not match:
        return None
    try:
        start, end = (parse_date(part.strip()) for part in match.groups())
    except ValueError:
        return None
    if start is None or end is None or start.to_month or end.to_month:
        return None
    return start.first(), end.first()


_MANGLED = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


def mangled_message(value: Any) -> str:
    shown = f"{value:.5E}" if isinstance(value, float) else text_of(value)
    return _(
        "The ID number was stored as a number by Excel (%(value)s) and its last digits are lost: format the column "
        "as Text in the platform's export, or export it again, and do not open and save it in Excel first."
    ) % {"value": shown.replace("E+", "E+")}


def id_number_cell(value: Any) -> str:
    """An ID number as text, or CellError: one Excel turned into a number has lost its digits for good."""
    if isinstance(value, bool):
        raise CellError(_("This is not an ID number."))
    if isinstance(value, int | float):
        raise CellError(mangled_message(value))
    text = idcard.normalize(text_of(value))
    if _MANGLED.match(text):
        raise CellError(mangled_message(text))
    if text and not re.fullmatch(r"[0-9]{17}[0-9X]|[0-9]{15}", text):
        raise CellError(_("An ID number has 18 characters: 17 digits and a final digit or X."))
    return text


_PHONE = re.compile(r"^1[0-9]{10}$")


def phone_digits(value: Any) -> str:
    """A mobile number's digits (a number cell, +86, spaces and dashes allowed)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text_of(value)))
    if text.startswith("+86"):
        text = text[3:]
    return text


def phone_cell(value: Any) -> str:
    text = phone_digits(value)
    if text and not _PHONE.match(text):
        raise CellError(_("A mobile number has 11 digits, e.g. 13912345678."))
    return text


def username_cell(value: Any) -> tuple[str, str]:
    """(ID number, phone) a platform user name stands for: many platforms use one or the other as the login."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError(mangled_message(value))
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) >= 15:
            raise CellError(mangled_message(value))
        return "", digits if _PHONE.match(digits) else ""
    text = idcard.normalize(text_of(value))
    if _MANGLED.match(text):
        raise CellError(mangled_message(text))
    if re.fullmatch(r"[0-9]{17}[0-9X]", text):
        return text, ""
    digits = phone_digits(text)
    if _PHONE.match(digits):
        return "", digits
    return "", ""


_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(?:学时|分钟|分|积分|小时)?$")


def amount_cell(value: Any, *, allow_blank: bool = False) -> Decimal | None:
    """A non-negative figure with at most two decimals (12.5, "12.5", "12.5学时", "1,200")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_blank:
            return None
        raise CellError(_("This cell is empty."))
    if isinstance(value, bool):
        raise CellError(_("Write a number."))
    if isinstance(value, int | float):
        if value < 0:
            raise CellError(_("A figure cannot be negative."))
        amount = Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).replace(",", "").strip()
        match = _NUMBER.match(text)
        if not match:
            if text.startswith("-"):
                raise CellError(_("A figure cannot be negative."))
            raise CellError(_("“%(value)s” is not a number.") % {"value": text_of(value)})
        amount = Decimal(match.group(1))
    try:
        rounded = amount.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise CellError(_("The figure is too large.")) from exc
    if rounded != amount:
        raise CellError(_("Write the figure with at most two decimals."))
    if rounded > Decimal("9999999.99"):
        raise CellError(_("The figure is too large."))
    return rounded


def count_cell(value: Any) -> int | None:
    amount = amount_cell(value, allow_blank=True)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise CellError(_("Write a whole number."))
    return int(amount)


def year_cell(value: Any) -> int | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFKC", text_of(value)).removesuffix("年度").removesuffix("年").strip()
    if not re.fullmatch(r"(19|20|21)[0-9]{2}", text):
        raise CellError(_("Write the year like 2026."))
    return int(text)


def period_cell(value: Any) -> tuple[dt.date, dt.date] | None:
    if _blank(value):
        return None
    period = period_of_text(text_of(value))
    if period is None or period[1] < period[0]:
        raise CellError(_("Write the period like 2026-01-01至2026-06-30."))
    return period


def date_cell(value: Any, epoch) -> dt.date | None:
    try:
        day: CellDate | None = parse_date(value, epoch)
    except (ValueError, OverflowError) as exc:
        raise CellError(_("“%(value)s” is not a date; write it like 2026-06-30.") % {"value": text_of(value)}) from exc
    if day is not None and day.to_month:
        raise CellError(_("Write the day too, like 2026-06-30."))
    return day.first() if day is not None else None
