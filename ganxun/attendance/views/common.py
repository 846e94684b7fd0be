"""What the attendance pages share: finding a session the user may see, and who may change attendance."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ganxun.training.models import Activity, Session


def visible_sessions(user) -> QuerySet[Session]:
    """Sessions of the activities the user may see (the one chokepoint: Activity.visible_to)."""
    return Session.objects.filter(activity__in=Activity.objects.visible_to(user).values("pk")).select_related(
        "activity", "activity__kind"
    )


def get_session(request: HttpRequest, pk: int, *, edit: bool = False) -> Session:
    """A session the user may see; with ``edit``, one of an activity organised by a unit their role reaches."""
    sessions = visible_sessions(request.user)
    if edit:
        sessions = sessions.filter(activity__in=Activity.objects.editable_by(request.user).values("pk"))
    return get_object_or_404(sessions, pk=pk)


def get_activity(request: HttpRequest, pk: int, *, edit: bool = False) -> Activity:
    activities = Activity.objects.editable_by(request.user) if edit else Activity.objects.visible_to(request.user)
    return get_object_or_404(activities.select_related("kind"), pk=pk)
