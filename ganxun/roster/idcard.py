"""Resident ID numbers (公民身份号码, GB 11643-1999): check digit, birth date, gender, masking."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII digits only: \d would also match other scripts' digits


def check_digit(first17: str) -> str:
    """The 18th character GB 11643 prescribes for these 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    """Upper-case, full-width digits folded, spaces dropped."""
    value = value.translate(str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX"))
    return re.sub(r"\s+", "", value).upper()


def birth_date_of(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    """Reject anything that is not a well-formed 18-character ID number."""
    if not _SHAPE.match(value):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a final digit or X."), code="id_shape")
    born = birth_date_of(value)
    if born is None or not (dt.date(1900, 1, 1) <= born <= dt.date.today()):
        raise ValidationError(_("The birth date inside the ID number is not a real date."), code="id_birth")
    if check_digit(value[:17]) != value[17]:
        raise ValidationError(_("The check digit of the ID number is wrong; please check each digit."), code="id_check")


def mask_id_number(value: str) -> str:
    """Region kept, birth date and sequence hidden, last four kept: 310110********123X."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def contact_phone(value: str) -> tuple[str, str | None]:
    """A contact's phone as kept (spaces taken out) and the error to show when it is not 7 to 12 digits (a landline
    with or without its area code, a mobile); an empty one is allowed."""
    phone = "".join(value.split())
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        return phone, _("A phone number is 7 to 12 digits.")
    return phone, None


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
