"""The demo's 领导干部 account, so that a leader's home (the dashboard of the unit and the units below) can be
opened: ``load(today)`` after ``load_demo``, or ``manage.py shell -c "from ganxun.demo.dashboard import load; load()"``.
It signs in as ``leader`` with the demo password and is the bureau's 局长 (the first 县处级 正职 of the bureau)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre, LeadershipLevel, Status

from .bureau import DEMO_PASSWORD

USERNAME = "leader"


@transaction.atomic
def load(today: dt.date | None = None, *, password: str = DEMO_PASSWORD) -> User | None:
    """The leader's account (once: a second call finds it); None when the demo bureau has no 局长."""
    found = User.objects.filter(username=USERNAME).first()
    if found is not None:
        return found
    director = (
        Cadre.objects.filter(
            leadership_level=LeadershipLevel.DIVISION_CHIEF, status=Status.ACTIVE, unit__parent__isnull=False
        )
        .order_by("unit__path", "pk")
        .first()
    )
    if director is None or User.objects.filter(cadre=director).exists():
        return None
    user = User(username=USERNAME, role=Role.CADRE, cadre=director)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=None, action=Action.CREATE, obj=user, after={"username": user.username, "role": Role.CADRE})
    return user
