"""现场教学's permission policy: every ``sites:`` URL, role by role, GET and an empty POST.

Everyone signed in reads their unit's sites (the list, its export, a site's page); administrators create, edit and
delete sites and link activities to them.  ``add_targets`` adds a site of the home unit with an activity held there
and a second site with none.  An empty POST to a form is the form with its errors (400); deleting the site with no
activity and unlinking: the training administrator does it, the system administrator after finds nothing (404)."""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Rule, roles


def admins(outcome: str) -> dict[str, str]:
    return roles(FORBIDDEN, training_admin=outcome, system_admin=outcome)


GET_ONLY = roles(NOT_ALLOWED)
POST_ONLY = roles(NOT_ALLOWED)
DONE_THEN_GONE = roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND)

POLICY: dict[str, list[Rule]] = {
    "sites:site_list": [Rule(get=roles(OK), post=GET_ONLY)],
    "sites:site_export": [Rule(get=roles(OK), post=GET_ONLY)],
    "sites:site_create": [Rule(get=admins(OK), post=admins(INVALID))],
    "sites:site_detail": [Rule(get=roles(OK), post=GET_ONLY, target="sites_site")],
    "sites:site_update": [Rule(get=admins(OK), post=admins(INVALID), target="sites_site")],
    "sites:site_delete": [Rule(get=POST_ONLY, post=DONE_THEN_GONE, target="sites_free_site")],
    "sites:activity_link": [Rule(get=POST_ONLY, post=admins(INVALID), target="sites_site")],
    "sites:activity_unlink": [Rule(get=POST_ONLY, post=DONE_THEN_GONE, target="sites_link")],
}


def add_targets(world) -> None:
    from ganxun.training.tests.factories import ActivityFactory, SessionFactory

    from ..models import Site, SiteActivity

    world.sites_site = Site.objects.create(
        unit=world.home_unit,
        name="鞍山七村加装电梯",
        normalised_name="鞍山七村加装电梯",
        kind="lift",
        section=world.head_section,
        contact_phone="13912345678",
    )
    world.sites_free_site = Site.objects.create(
        unit=world.home_unit, name="开鲁新村美丽家园", normalised_name="开鲁新村美丽家园", kind="homes"
    )
    activity = ActivityFactory(title="加装电梯现场教学", unit=world.home_unit)
    SessionFactory(activity=activity)
    world.sites_link = SiteActivity.objects.create(site=world.sites_site, activity=activity)
