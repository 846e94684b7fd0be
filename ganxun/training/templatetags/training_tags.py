"""Template helpers of the training pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """{% url_if_exists 'attendance:session_checkin_screen' session.pk as url %}: "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def hours(value: Decimal | int | float | None) -> str:
    """学时 without trailing zeros: 4, 2.5, 1.25."""
    if value is None:
        return "—"
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """{{ counts|lookup:session.pk }}"""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


# Calendar column heads (一 二 … 日) and day names in the day list (周一 … 周日), Monday first.
WEEKDAY_HEADS = (
    pgettext_lazy("calendar column", "Mon"),
    pgettext_lazy("calendar column", "Tue"),
    pgettext_lazy("calendar column", "Wed"),
    pgettext_lazy("calendar column", "Thu"),
    pgettext_lazy("calendar column", "Fri"),
    pgettext_lazy("calendar column", "Sat"),
    pgettext_lazy("calendar column", "Sun"),
)
WEEKDAY_NAMES = (
    pgettext_lazy("day of the week", "Monday"),
    pgettext_lazy("day of the week", "Tuesday"),
    pgettext_lazy("day of the week", "Wednesday"),
    pgettext_lazy("day of the week", "Thursday"),
    pgettext_lazy("day of the week", "Friday"),
    pgettext_lazy("day of the week", "Saturday"),
    pgettext_lazy("day of the week", "Sunday"),
)


@register.filter
def weekday_name(day) -> str:
    """周一 … 周日"""
    return str(WEEKDAY_NAMES[day.weekday()])
