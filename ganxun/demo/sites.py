"""The demo bureau's 现场教学 sites (``ganxun.sites``): the 加装电梯 project at 鞍山七村 and the 美丽家园 renewal at
开鲁新村, each with the demo year's 现场教学 activity held there linked, and a 保障房 site with none yet.  Written
through the app's services as the training administrator; idempotent (a site found by its normalised name is kept,
an activity already linked is left).  Call ``load_sites(today=...)`` after ``load_training_year``."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ganxun.accounts.models import Role, User
from ganxun.practice.services.places import normalise
from ganxun.roster.models import Section
from ganxun.sites import services
from ganxun.sites.models import Site, SiteActivity
from ganxun.training.models import Activity

# name, kind, address, 科室, contact, phone, note, the words the titles of the activities held there contain
SITES = (
    (
        "鞍山七村加装电梯项目",
        "lift",
        "长白新村街道 鞍山七村",
        "物业管理科",
        "陈经理",
        "13816620731",
        "2024年列入区民生实事项目，已完成加装电梯12台。",
        "加装电梯",
    ),
    (
        "开鲁新村“美丽家园”改造项目",
        "homes",
        "殷行街道 开鲁新村",
        "旧区改造科",
        "周主任",
        "13917735206",
        "旧住房综合改造：屋面、立面、雨污分流和非机动车棚。",
        "美丽家园",
    ),
    ("市光路公共租赁住房", "security", "殷行街道 市光路", "住房保障科", "", "", "", ""),
)


@dataclasses.dataclass
class SitesYear:
    sites: int = 0
    links: int = 0


def load_sites(*, today: dt.date) -> SitesYear:
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None or admin.unit is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    unit = admin.unit
    result = SitesYear()
    for name, kind, address, section_name, contact, phone, note, words in SITES:
        site = Site.objects.filter(unit=unit, normalised_name=normalise(name)).first()
        if site is None:
            site = services.site_save(
                actor=admin,
                unit=unit,
                name=name,
                kind=kind,
                address=address,
                section=Section.objects.filter(unit=unit, name=section_name).first(),
                contact=contact,
                contact_phone=phone,
                note=note,
            )
        result.sites += 1
        if not words:
            continue
        held = Activity.objects.filter(
            unit=unit, kind__name="现场教学", title__contains=words, site_link__isnull=True
        ).order_by("pk")
        for activity in held:
            services.activity_link(actor=admin, site=site, activity=activity)
        result.links += SiteActivity.objects.filter(site=site).count()
    return result
