"""The permission policy of 线上学习 (run by ``test_permissions_online``).

Everyone signed in reads the figures they may see (``/online/``) and a cadre's history of figures: a cadre their
own, a 科室负责人 their 科室's (another 科室's cadre is a 404), an administrator everyone in reach.  The platforms,
imports (and their stored files), the review of flagged figures and the outlier rules are the administrators'.
An empty POST to a form is the form again with its errors (400); the confirmation with nothing uploaded sends the
administrator back to the upload page.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile

from ganxun.core.tests.test_permissions import (
    FORBIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Rule,
    admins_only,
    roles,
)

GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
ADMIN_GET = Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=GET_ONLY)


def _admin_get(target: str) -> Rule:
    return Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=GET_ONLY, target=target)


def _admin_post(target: str, post: str = INVALID) -> Rule:
    return Rule(get=POST_ONLY, post=roles(FORBIDDEN, training_admin=post, system_admin=post), target=target)


POLICY: dict[str, list[Rule]] = {
    "online:index": [Rule(get=roles(OK), post=GET_ONLY)],
    "online:cadre_history": [
        Rule(get=roles(OK), post=GET_ONLY, target="own_cadre"),
        Rule(get=roles(OK, cadre=NOT_FOUND), post=GET_ONLY, target="peer"),
        Rule(get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY, target="elsewhere"),
    ],
    "online:credit_detail": [
        Rule(get=roles(REDIRECT), post=GET_ONLY, target="online_own_credit"),
        Rule(get=roles(REDIRECT, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY, target="online_other_credit"),
    ],
    "online:platform_list": [ADMIN_GET],
    "online:platform_create": [admins_only(post=INVALID)],
    "online:platform_update": [admins_only("online_platform", post=INVALID)],
    "online:platform_template": [_admin_get("online_platform")],
    "online:import_list": [ADMIN_GET],
    "online:import_detail": [_admin_get("online_import")],
    "online:import_file": [_admin_get("online_import")],
    "online:import_upload": [admins_only(post=INVALID)],
    "online:import_confirm": [_admin_post("", post=REDIRECT)],
    "online:review_list": [ADMIN_GET],
    "online:figure_decide": [_admin_post("online_flagged")],
    "online:recount": [_admin_post("", post=REDIRECT)],
    "online:rule_list": [ADMIN_GET],
    "online:rule_update": [_admin_post("online_rule")],
}


def add_targets(world) -> None:
    """A platform, an import of it (with its file) and a figure of the 科室's cadre held for review."""
    # The platforms the migration seeds (a transactional test before this one may have flushed them).
    import importlib

    from django.apps import apps

    from ganxun.online.models import FigureStatus, OnlineCredit, OnlineFigure, OnlineImport, OutlierRule, Platform
    from ganxun.roster.models import home_unit_id

    importlib.import_module("ganxun.online.migrations.0002_default_platforms_and_outlier_rules").create(apps, None)
    world.online_platform = Platform.objects.get(name="干部在线学习")
    record = OnlineImport.objects.create(
        platform=world.online_platform,
        year=2026,
        period_start="2026-01-01",
        period_end="2026-06-30",
        file_name="在线学习.xlsx",
        org_unit_id=home_unit_id(),
    )
    record.file.save("在线学习.xlsx", ContentFile(b"PK\x03\x04 stand-in"), save=True)
    world.online_import = record
    world.online_flagged = OnlineFigure.objects.create(
        online_import=record,
        platform=world.online_platform,
        year=2026,
        cadre=world.peer,
        row=3,
        name=world.peer.name,
        amount=Decimal("900"),
        hours=Decimal("900"),
        status=FigureStatus.FLAGGED,
        flags="900 学时",
    )
    world.online_rule = OutlierRule.objects.get(kind="per_day")
    world.online_own_credit = OnlineCredit.objects.create(
        cadre=world.own_cadre, platform=world.online_platform, year=2026, parts={"": "10"}, last_day="2026-06-30"
    )
    world.online_other_credit = OnlineCredit.objects.create(
        cadre=world.elsewhere, platform=world.online_platform, year=2026, parts={"": "10"}, last_day="2026-06-30"
    )
