"""The permission policy of 培训菜单 (run by ``test_permissions_menu``).

The gaps (summed per topic, unit and 科室), the drill-down to the cadres and the export are read by the
administrators (the units their role reaches) and the 科室负责人 (their 科室); a cadre is refused them and reads
their own menu (``menu:my_menu``; an account without a cadre record gets a page saying so).  A cadre's menu by
primary key follows the roster's visibility: another 科室's cadre is a 404 for a head, anyone else's for a cadre.
The menu editor and the one-step enrolment are the administrators'; an empty POST to a form is the form again
with its errors (400).  Taking a topic off the menu: the first administrator does (a redirect), the next finds it
gone (404).
"""

from __future__ import annotations

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
READERS = Rule(get=roles(OK, cadre=FORBIDDEN), post=GET_ONLY)

POLICY: dict[str, list[Rule]] = {
    "menu:gaps": [READERS],
    "menu:gap_cadres": [READERS],
    "menu:gap_export": [READERS],
    "menu:my_menu": [Rule(get=roles(OK), post=GET_ONLY)],
    "menu:cadre_detail": [
        Rule(get=roles(OK), post=GET_ONLY, target="own_cadre"),
        Rule(get=roles(OK, cadre=NOT_FOUND), post=GET_ONLY, target="peer"),
        Rule(get=roles(OK, cadre=NOT_FOUND, section_head=NOT_FOUND), post=GET_ONLY, target="elsewhere"),
    ],
    "menu:menu_list": [Rule(get=roles(FORBIDDEN, training_admin=OK, system_admin=OK), post=GET_ONLY)],
    "menu:family_create": [admins_only(post=INVALID)],
    "menu:family_update": [admins_only("menu_family", post=INVALID)],
    "menu:need_create": [admins_only("menu_family", post=INVALID)],
    "menu:need_update": [admins_only("menu_need", post=INVALID)],
    "menu:need_delete": [
        Rule(
            get=POST_ONLY,
            post=roles(FORBIDDEN, training_admin=REDIRECT, system_admin=NOT_FOUND),
            target="menu_deletable_need",
        )
    ],
    "menu:enrol": [admins_only("menu_need", post=INVALID)],
}


def add_targets(world) -> None:
    """A post family holding the cadres' post, two topics it needs (one to be deleted), an activity to come."""
    import datetime as dt

    from django.utils import timezone

    from ganxun.menu.models import Need, PostFamily, PostName
    from ganxun.roster.models import Cadre
    from ganxun.training.tests.factories import ActivityFactory, SessionFactory, TopicModuleFactory

    world.menu_family = PostFamily.objects.create(name="业务科员")
    PostName.objects.create(family=world.menu_family, name="科员")
    Cadre.objects.filter(pk__in=[world.own_cadre.pk, world.peer.pk, world.elsewhere.pk]).update(post="科员")
    topic = TopicModuleFactory(name="住房保障")
    world.menu_need = Need.objects.create(family=world.menu_family, topic=topic, every_years=2)
    world.menu_deletable_need = Need.objects.create(
        family=world.menu_family, topic=TopicModuleFactory(name="物业管理"), requirement="elective", every_years=3
    )
    activity = ActivityFactory(topic=topic, title="住房保障专题班", unit=world.home_unit)
    SessionFactory(activity=activity, date=timezone.localdate() + dt.timedelta(days=7))
