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


def get_session(request: HttpRequest, pk: int) -> Session:
    return get_object_or_404(visible_sessions(request.user), pk=pk)


def get_activity(request: HttpRequest, pk: int) -> Activity:
    return get_object_or_404(Activity.objects.visible_to(request.user).select_related("kind"), pk=pk)
