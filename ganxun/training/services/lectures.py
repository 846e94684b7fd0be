"""授课学时: a roster lecturer is credited for each session of theirs that was held."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source, Unit
from ganxun.hours.services import convert_hours, ledger_record, ledger_withdraw

from ..models import AttendanceStatus, Session


def lecture_hours(session: Session) -> Decimal:
    """The year's lecture-hour rule applied to the session's length (teaching counts several times over)."""
    return convert_hours(year=session.date.year, unit=Unit.LECTURE_HOUR, quantity=session.length_hours)


def teaches_instead_of_attending(activity, cadre) -> bool:
    """A roster lecturer of a one-session activity: their time there is counted as teaching, not attending."""
    return activity.sessions.count() == 1 and activity.lecturers.filter(cadre=cadre).exists()


def lecture_credit(*, actor, session: Session, cadre) -> LedgerEntry:
    """Count one session taught by one cadre; idempotent like every ledger write."""
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Lecture: %(title)s (%(date)s)") % {
            "title": session.activity.title,
            "date": f"{session.date:%Y-%m-%d}",
        }
    return ledger_record(
        actor=actor,
        cadre=cadre,
        date=session.date,
        hours=lecture_hours(session),
        bucket=Bucket.CENTRALISED,
        source=Source.LECTURE,
        source_id=session.pk,
        title=title,
    )


@transaction.atomic
def lecture_credit_sync(*, actor, session: Session) -> None:
    """Bring the session's lecture credits in line: held (someone attended) → each roster lecturer counted;
    not held, or no longer a lecturer → the credit withdrawn (the row stays, rejected with the reason).

    Only for an activity of one session (a lecture, a party lesson, a site visit): lecturers are recorded per
    activity, so in a class of several sittings nobody can tell who taught which, and nothing is guessed.
    """
    if session.activity.sessions.count() != 1:
        return
    held = session.attendances.filter(status=AttendanceStatus.PRESENT).exists()
    teachers = {
        lecturer.cadre_id: lecturer.cadre
        for lecturer in session.activity.lecturers.filter(cadre__isnull=False).select_related("cadre")
    }
    if held:
        for cadre in teachers.values():
            lecture_credit(actor=actor, session=session, cadre=cadre)
    credited = (
        LedgerEntry.objects.filter(source=Source.LECTURE, source_id=session.pk)
        .exclude(status=EntryStatus.REJECTED)
        .select_related("cadre")
    )
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
