"""授课学时: a roster lecturer is credited for each session of theirs that was held."""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source, Unit
from ganxun.hours.services import convert_hours, ledger_record, ledger_withdraw
from ganxun.hours.services.ledger import entry_current

from ..models import Activity, AttendanceStatus, Session

PREFETCHED = ("sessions", "lecturers")


def with_sessions_and_lecturers(activity: Activity) -> Activity:
    """The activity with its sessions and lecturers read once, for the hour counts that consult them often.

    A copy, so that the caller's object keeps no cache that a later change of sessions would make stale.
    """
    cache = getattr(activity, "_prefetched_objects_cache", {})
    if all(name in cache for name in PREFETCHED):
        return activity
    activity = copy.copy(activity)
    activity._prefetched_objects_cache = {}
    prefetch_related_objects([activity], *PREFETCHED)
    return activity


def lecture_hours(session: Session) -> Decimal:
    """The year's lecture-hour rule applied to the session's length (teaching counts several times over)."""
    return convert_hours(year=session.date.year, unit=Unit.LECTURE_HOUR, quantity=session.length_hours)


def teaches_instead_of_attending(activity: Activity, cadre) -> bool:
    """A roster lecturer of a one-session activity: their time there is counted as teaching, not attending."""
    activity = with_sessions_and_lecturers(activity)
    return len(activity.sessions.all()) == 1 and any(
        lecturer.cadre_id == cadre.pk for lecturer in activity.lecturers.all()
    )


def _lecture_title(session: Session) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Lecture: %(title)s (%(date)s)") % {
            "title": session.activity.title,
            "date": f"{session.date:%Y-%m-%d}",
        }


def lecture_credit(*, actor, session: Session, cadre) -> LedgerEntry:
    """Count one session taught by one cadre; idempotent like every ledger write."""
    return ledger_record(
        actor=actor,
        cadre=cadre,
        date=session.date,
        hours=lecture_hours(session),
        bucket=Bucket.CENTRALISED,
        source=Source.LECTURE,
        source_id=session.pk,
        title=_lecture_title(session),
    )


def lecture_credit_sync(*, actor, session: Session, activity: Activity | None = None, held: bool | None = None) -> None:
    """Bring the session's lecture credits in line: held (someone attended) → each roster lecturer counted;
    not held, or no longer a lecturer → the credit withdrawn (the row stays, rejected with the reason).

    Only for an activity of one session (a lecture, a party lesson, a site visit): lecturers are recorded per
    activity, so in a class of several sittings nobody can tell who taught which, and nothing is guessed.
    ``activity`` is the session's, already read with ``with_sessions_and_lecturers``; ``held`` is whether
    someone attended, when the caller knows.  The common case, nothing to change, writes nothing.
    """
    activity = with_sessions_and_lecturers(activity or session.activity)
    if len(activity.sessions.all()) != 1:
        return
    teachers = {lecturer.cadre_id: lecturer for lecturer in activity.lecturers.all() if lecturer.cadre_id}
    if held and not teachers:
        # Someone came to a talk by an outside speaker (the usual check-in): nothing to credit, and a former
        # roster lecturer's credit was withdrawn when they were removed (lecturer_remove).
        return
    entries = {
        entry.cadre_id: entry for entry in LedgerEntry.objects.filter(source=Source.LECTURE, source_id=session.pk)
    }
    credited = [entry for entry in entries.values() if entry.status != EntryStatus.REJECTED]
    if not teachers and not credited:  # a lecture by an outside speaker: nothing to count
        return
    if held is None:
        held = session.attendances.filter(status=AttendanceStatus.PRESENT).exists()
    with transaction.atomic():
        if held:
            hours, title = lecture_hours(session), _lecture_title(session)
            for cadre_id, lecturer in teachers.items():
                current = entry_current(
                    entries.get(cadre_id), date=session.date, hours=hours, bucket=Bucket.CENTRALISED, title=title
                )
                if not current:  # else ledger_record would change nothing: spare its locked read
                    lecture_credit(actor=actor, session=session, cadre=lecturer.cadre)
        with translation.override(settings.LANGUAGE_CODE):
            not_held = _("Nobody attended the session: no lecture was given.")
            not_lecturer = _("No longer a lecturer of this activity.")
        for entry in credited:
            if not held or entry.cadre_id not in teachers:
                ledger_withdraw(
                    actor=actor,
                    cadre=entry.cadre,
                    source=Source.LECTURE,
                    source_id=session.pk,
                    reason=not_held if not held else not_lecturer,
                )
