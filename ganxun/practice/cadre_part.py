"""The practice classroom's part of a cadre's page in the roster (``roster.hooks.cadre_parts``): a link to the
cadre's practice records (``practice:cadre_practice``), which reads them with the user's own scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def cadre_part(user, cadre) -> list[dict]:
    return [
        {
            "title": _("Practice classroom"),
            "text": _("Deployments, community reports, teams, secondments and visits of the cadre."),
            "url": reverse("practice:cadre_practice", args=[cadre.pk]),
            "label": _("Open the practice records"),
            "icon": "flag",
        }
    ]
