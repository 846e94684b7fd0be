"""The sites part of an activity's page (``training.hooks.activity_parts``): the 现场教学 site it was held at, for
those who may read the site; nothing for an activity held at no site."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Site, SiteActivity


def activity_part(user, activity) -> list[dict]:
    link = SiteActivity.objects.filter(activity=activity, site__in=Site.objects.visible_to(user)).select_related("site")
    link = link.first()
    if link is None:
        return []
    site = link.site
    text = f"{site.name}（{site.get_kind_display()}）"
    if site.address:
        text += f" · {site.address}"
    return [
        {
            "key": "site",
            "title": _("Field teaching site"),
            "text": text,
            "url": reverse("sites:site_detail", args=[site.pk]),
            "label": _("Open the site"),
            "icon": "geo-alt",
        }
    ]
