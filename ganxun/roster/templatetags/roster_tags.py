"""Template filters for showing a cadre: age, and personal data masked unless the viewer may see it."""

from django import template
from django.core.paginator import Page
from django.utils import timezone

from ganxun.roster.models import Cadre
from ganxun.roster.permissions import can_see_full_personal_data

register = template.Library()


@register.filter
def full_data_visible_to(cadre: Cadre, user) -> bool:
    """{% if cadre|full_data_visible_to:user %}"""
    return can_see_full_personal_data(user, cadre)


@register.filter
def id_number_for(cadre: Cadre, user) -> str:
    """The ID number in full for those allowed, masked for everyone else."""
    return cadre.id_number if can_see_full_personal_data(user, cadre) else cadre.id_number_masked


@register.filter
def phone_for(cadre: Cadre, user) -> str:
    return cadre.phone if can_see_full_personal_data(user, cadre) else cadre.phone_masked


@register.filter
def age(cadre: Cadre) -> int | str:
    """Age in whole years today."""
    if not cadre.birth_date:
        return ""
    return cadre.age_on(timezone.localdate())


@register.filter
def elided_pages(page: Page) -> list:
    """Page numbers around the current one, with ellipses: 1 2 … 7 8 9 … 20 21."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def page_url(querystring: str, number: int) -> str:
    """?<the current filters>&page=N"""
    return f"?{querystring}&page={number}" if querystring else f"?page={number}"
