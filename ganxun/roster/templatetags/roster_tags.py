"""Template filters for showing a cadre: age.  The page links of the lists are core's `lists` tags."""

from django import template
from django.utils import timezone

from ganxun.roster.models import Cadre

register = template.Library()


@register.filter
def age(cadre: Cadre) -> int | str:
    """Age in whole years today."""
    if not cadre.birth_date:
        return ""
    return cadre.age_on(timezone.localdate())
