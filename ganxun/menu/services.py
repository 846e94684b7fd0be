"""The writes of 培训菜单, each audited: post families and their posts, the topics they need, and the one-step
enrolment of the cadres with a gap into an activity that closes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre, Unit
from ganxun.training.models import Activity
from ganxun.training.services.activities import EnrolmentResult, enrol_audience

from .models import Need, PostFamily, PostName, normalise_post
from .queries import gap_rows


def family_snapshot(family: PostFamily) -> dict[str, Any]:
    posts = sorted(family.posts.values_list("name", flat=True)) if family.pk else []
    return {"name": family.name, "sort_order": family.sort_order, "note": family.note, "posts": "、".join(posts)}


def need_snapshot(need: Need) -> dict[str, Any]:
    return {
        "family": str(need.family),
        "topic": str(need.topic),
        "requirement": str(need.get_requirement_display()),
        "every_years": need.every_years,
        "note": need.note,
    }


def clean_post_names(names: Iterable[str]) -> list[str]:
    """The names normalised, empty ones dropped, each once, in the order given."""
    seen: dict[str, None] = {}
    for name in names:
        if key := normalise_post(name):
            seen.setdefault(key, None)
    return list(seen)


@transaction.atomic
def family_save(*, actor, family: PostFamily, post_names: Iterable[str]) -> PostFamily:
    """Create or change a post family and the post names it holds; a post already in another family is refused,
    by name."""
    creating = family.pk is None
    before = family_snapshot(PostFamily.objects.get(pk=family.pk)) if not creating else {}
    names = clean_post_names(post_names)
    too_long = [name for name in names if len(name) > PostName._meta.get_field("name").max_length]
    if too_long:
        raise ValidationError(
            {"posts": _("The post %(name)s is too long (50 characters at most).") % {"name": too_long[0]}}
        )
    taken = PostName.objects.filter(name__in=names).select_related("family")
    if not creating:
        taken = taken.exclude(family=family)
    clash = taken.first()
    if clash is not None:
        raise ValidationError(
            {
                "posts": _("The post %(post)s already belongs to the post family %(family)s.")
                % {"post": clash.name, "family": clash.family.name}
            }
        )
    family.full_clean()
    family.save()
    family.posts.exclude(name__in=names).delete()
    have = set(family.posts.values_list("name", flat=True))
    PostName.objects.bulk_create([PostName(family=family, name=name) for name in names if name not in have])
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(
            actor=actor,
            action=Action.CREATE if creating else Action.UPDATE,
            obj=family,
            before=before,
            after=family_snapshot(family),
        )
    return family


@transaction.atomic
def need_save(*, actor, need: Need) -> Need:
    """Create or change a topic a post family needs."""
    creating = need.pk is None
    before = need_snapshot(Need.objects.select_related("family", "topic").get(pk=need.pk)) if not creating else {}
    need.full_clean()
    need.save()
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(
            actor=actor,
            action=Action.CREATE if creating else Action.UPDATE,
            obj=need,
            before=before,
            after=need_snapshot(need),
        )
    return need


@transaction.atomic
def need_delete(*, actor, need: Need) -> None:
    """Take a topic off a family's menu."""
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(actor=actor, action=Action.DELETE, obj=need, before=need_snapshot(need), after={})
    need.delete()


def closing_activities(*, actor, need: Need, on: dt.date | None = None):
    """The activities an administrator may enrol into to close a need's gap: of the need's topic, run by a unit
    their role reaches, with a session still to come."""
    on = on or timezone.localdate()
    return (
        Activity.objects.editable_by(actor)
        .filter(topic_id=need.topic_id, sessions__date__gte=on)
        .annotate(next_date=Min("sessions__date", filter=Q(sessions__date__gte=on)))
        .select_related("unit")
        .order_by("next_date", "pk")
    )


def gap_cadres(*, actor, need: Need, on: dt.date | None = None, unit: Unit | None = None) -> list[Cadre]:
    """The active cadres the actor sees (of ``unit``'s subtree when given) with this need as a gap."""
    on = on or timezone.localdate()
    cadres = Cadre.objects.visible_to(actor).active()
    if unit is not None:
        cadres = cadres.filter(unit_id__in=Unit.objects.subtree(unit).values("pk"))
    ids = [row[0] for row in gap_rows(cadres, on, [need])]
    return list(Cadre.objects.filter(pk__in=ids))


@transaction.atomic
def enrol_gaps(*, actor, need: Need, activity: Activity) -> EnrolmentResult:
    """Enrol, in one step, every cadre the actor sees who lacks the need's topic into ``activity`` (of that
    topic, still to come, run by a unit the actor reaches); the enrolment is training's, audited there, and this
    step is audited on the need.  Cadres outside the activity's unit and below are not enrolled (``outside``)."""
    on = timezone.localdate()
    if not closing_activities(actor=actor, need=need, on=on).filter(pk=activity.pk).exists():
        raise ValidationError(
            _("Choose an activity of the topic %(topic)s with a session still to come, run by your unit.")
            % {"topic": need.topic.name}
        )
    cadres = gap_cadres(actor=actor, need=need, on=on)
    result = enrol_audience(actor=actor, activity=activity, cadres=cadres)
    with translation.override(settings.LANGUAGE_CODE):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=need,
            after={"activity": activity.title, "gaps": len(cadres), "enrolled": result.added},
            summary=_("Cadres lacking %(topic)s enrolled into %(activity)s: %(added)s added, %(already)s already")
            % {"topic": need.topic.name, "activity": activity.title, "added": result.added, "already": result.already},
        )
    return result
