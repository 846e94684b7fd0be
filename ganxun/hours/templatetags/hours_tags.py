"""Template helpers of the hours pages: 学时 figures without trailing zeros, standing colours."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

STANDING_CLASSES = {
    "met": "text-bg-success",
    "on_track": "text-bg-info",
    "behind": "text-bg-warning",
    "not_met": "text-bg-danger",
    "none": "text-bg-secondary",
}
STATUS_CLASSES = {
    "pending": "text-bg-warning",
    "section_approved": "text-bg-info",
    "confirmed": "text-bg-success",
    "rejected": "text-bg-danger",
    "returned": "text-bg-primary",
}


@register.filter
def hours(value) -> str:
    """12.50 -> 12.5, 8.00 -> 8; empty stays empty."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal("0.01"))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def standing_class(standing: str) -> str:
    return STANDING_CLASSES.get(standing, "text-bg-secondary")


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def result_for(row, requirement):
    """A cadre's result for one requirement (None when it does not apply to them)."""
    return row.result_for(requirement)
