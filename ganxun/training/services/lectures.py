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

from ..models import Activity, AttendanceStatus, Lecturer, Session

PREFETCHED = ("sessions", "lecturers__session_links")


def with_sessions_and_lecturers(activity: Activity) -> Activity:
    """The activity with its sessions, lecturers and who taught which session read once, for the hour counts
    that consult them often (no query for the sittings taught when the activity has no lecturer).

    A copy, so that the caller's object keeps no cache that a later change of sessions would make stale.
    """
    cache = getattr(activity, "_prefetched_objects_cache", {})
    if (
        "sessions" in cache
        and "lecturers" in cache
        and all(
            "session_links" in getattr(lecturer, "_prefetched_objects_cache", {}) for lecturer in cache["lecturers"]
        )
    ):
        return activity
    activity = copy.copy(activity)
    activity._prefetched_objects_cache = {}
    prefetch_related_objects([activity], *PREFETCHED)
    return activity


def lecturer_session_ids(activity: Activity, lecturer: Lecturer) -> set[int]:
    """The sittings a lecturer teaches: those recorded for them; a lecturer with none recorded in an activity of
    one session teaches that one (a lecture, a party lesson), as lecturers added before it was scheduled do."""
    activity = with_sessions_and_lecturers(activity)
    recorded = {link.session_id for link in lecturer.session_links.all()}
    if recorded:
        return recorded
    sessions = activity.sessions.all()
    return {sessions[0].pk} if len(sessions) == 1 else set()


def taught_sessions(activity: Activity, cadre_id: int) -> set[int]:
    """The ids of the sessions of ``activity`` that this roster cadre teaches (their time there is teaching)."""
    activity = with_sessions_and_lecturers(activity)
    taught: set[int] = set()
    for lecturer in activity.lecturers.all():
        if lecturer.cadre_id == cadre_id:
            taught |= lecturer_session_ids(activity, lecturer)
    return taught


def session_teachers(activity: Activity, session_id: int) -> dict[int, Lecturer]:
    """{cadre id: lecturer} of the roster lecturers who teach this session."""
    activity = with_sessions_and_lecturers(activity)
    return {
        lecturer.cadre_id: lecturer
        for lecturer in activity.lecturers.all()
        if lecturer.cadre_id and session_id in lecturer_session_ids(activity, lecturer)
    }


def lecture_hours(session: Session) -> Decimal:
    """The year's lecture-hour rule applied to the session's length (teaching counts several times over)."""
    return convert_hours(
        year=session.date.year, unit=Unit.LECTURE_HOUR, quantity=session.length_hours, org_unit=session.activity.unit
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
    """Bring the session's lecture credits in line: held (someone attended) → each roster lecturer of this
    session counted; not held, or no longer teaching it → the credit withdrawn (the row stays, rejected with
    the reason).

    Lecturers are recorded per session (``Lecturer.sessions``), so a class of several sittings credits each
    sitting's own lecturers.  ``activity`` is the session's, already read with ``with_sessions_and_lecturers``;
    ``held`` is whether someone attended, when the caller knows.  The common case, nothing to change, writes
    nothing.
    """
    activity = with_sessions_and_lecturers(activity or session.activity)
    teachers = session_teachers(activity, session.pk)
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
            not_lecturer = _("No longer a lecturer of this session.")
        for entry in credited:
            if not held or entry.cadre_id not in teachers:
                ledger_withdraw(
                    actor=actor,
                    cadre=entry.cadre,
                    source=Source.LECTURE,
                    source_id=session.pk,
                    reason=not_held if not held else not_lecturer,
                )
