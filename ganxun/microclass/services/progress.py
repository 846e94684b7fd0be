"""Progress measured by the server.

The player page opens a viewing (a token) and sends a heartbeat every few seconds while the lesson is visible and
playing, and one more when it pauses or is hidden.  The server credits, for each heartbeat, the time since the
previous one of the same viewing, by its own clock, when the previous heartbeat said "playing"; at most the
heartbeat interval plus a little grace.  So a position jump is no credit (the position is only kept to resume), a
hidden page is no credit, a replayed or duplicated heartbeat (a sequence number not above the last) is no credit,
and a cadre has one active viewing: opening the player in a second tab takes over, and the first tab's heartbeats
credit nothing.  A lesson completes when the credited time reaches its share of the length, once, and its 学时
are written then through hours.services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.hours.models import Bucket, LedgerEntry, Source, Unit
from ganxun.hours.services import conversion_rules, ledger_record
from ganxun.roster.models import Cadre

from ..models import Assignment, Lesson, LessonProgress, Viewing, ViewingState

BEAT_STATES = (ViewingState.PLAYING, ViewingState.PAUSED, ViewingState.HIDDEN)


def heartbeat_settings() -> tuple[int, int]:
    """(seconds between heartbeats, seconds of grace): a heartbeat credits at most their sum."""
    return (
        int(getattr(settings, "MICROCLASS_HEARTBEAT_SECONDS", 5)),
        int(getattr(settings, "MICROCLASS_HEARTBEAT_GRACE_SECONDS", 2)),
    )


@dataclasses.dataclass
class Beat:
    """What one heartbeat did, as the page is told."""

    status: str  # "ok", "superseded" (another tab took over), "replayed" (seq not new), "unknown" (no such viewing)
    credited_ms: int = 0
    total_ms: int = 0
    percent: int = 0
    completed: bool = False
    completed_now: bool = False

    def as_json(self) -> dict:
        return dataclasses.asdict(self)


def _may_view(cadre: Cadre, lesson: Lesson) -> bool:
    return lesson.course.published and Assignment.objects.filter(course_id=lesson.course_id, cadre=cadre).exists()


def viewing_start(*, cadre: Cadre, lesson: Lesson, now: dt.datetime | None = None) -> Viewing:
    """Open a viewing of a lesson assigned to the cadre; any other viewing of theirs stops counting."""
    if not _may_view(cadre, lesson):
        raise PermissionDenied
    now = now or timezone.now()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                progress, _created = LessonProgress.objects.get_or_create(cadre=cadre, lesson=lesson)
                Viewing.objects.filter(cadre=cadre, active=True).update(active=False)
                # Yesterday's closed viewings have nothing left to answer: the table keeps about a day per cadre.
                Viewing.objects.filter(cadre=cadre, active=False, last_beat_at__lt=now - dt.timedelta(days=1)).delete()
                return Viewing.objects.create(
                    token=secrets.token_urlsafe(24),
                    cadre=cadre,
                    progress=progress,
                    started_at=now,
                    last_beat_at=now,
                )
        except IntegrityError:
            if attempt == 2:  # two tabs opened at the same instant twice over: let the page retry
                raise
    raise AssertionError("unreachable")


def heartbeat(
    *,
    cadre: Cadre,
    token: str,
    seq: int,
    state: str,
    position: float = 0.0,
    now: dt.datetime | None = None,
) -> Beat:
    """Credit one heartbeat of the cadre's viewing ``token`` (see the module's rules); ``now`` is the server's
    time, passed in by tests.

    Everything is read before the write: the write is a compare-and-set on the viewing (its sequence number and
    last heartbeat as read, still active), so that two heartbeats of one viewing racing each other credit once,
    and the write lock (SQLite's one lock, while hundreds of viewers beat) is held for two short UPDATEs."""
    if state not in BEAT_STATES:
        raise ValidationError(_("Unknown player state."))
    now = now or timezone.now()
    interval, grace = heartbeat_settings()
    viewing = Viewing.objects.select_related("progress__lesson__course").filter(token=token, cadre=cadre).first()
    if viewing is None:
        return Beat(status="unknown")
    progress = viewing.progress
    lesson = progress.lesson
    beat = Beat(status="ok", total_ms=progress.credited_ms, completed=progress.completed_at is not None)
    beat.percent = progress.percent()
    if not viewing.active:
        beat.status = "superseded"
        return beat
    if seq <= viewing.seq:
        beat.status = "replayed"
        return beat
    credit = 0
    if viewing.state == ViewingState.PLAYING:
        elapsed = max(0, int((now - viewing.last_beat_at).total_seconds() * 1000))
        credit = min(elapsed, (interval + grace) * 1000)
    length_ms = lesson.length_seconds * 1000
    fields: dict = {"updated_at": now}
    if 0 <= position <= lesson.length_seconds * 2:
        fields["position_seconds"] = float(position)
    with transaction.atomic():
        claimed = Viewing.objects.filter(
            pk=viewing.pk, active=True, seq=viewing.seq, last_beat_at=viewing.last_beat_at
        ).update(seq=seq, state=state, last_beat_at=now)
        if not claimed:  # another heartbeat of this viewing, or another tab, came first: nothing to credit
            current = Viewing.objects.filter(pk=viewing.pk).values_list("active", flat=True).first()
            beat.status = "replayed" if current else "superseded"
            return beat
        if credit:
            fields["credited_ms"] = Least(F("credited_ms") + credit, Value(length_ms))
        LessonProgress.objects.filter(pk=progress.pk).update(**fields)
        before = progress.credited_ms
        # The claimed viewing is the cadre's one active viewing, so no other heartbeat wrote this row since it was
        # read: the figure the UPDATE wrote is this one.
        progress.credited_ms = min(before + credit, length_ms)
        completes = progress.completed_at is None and Fraction(progress.credited_ms) >= lesson.needed_ms
        if completes:
            # Once: only the heartbeat that sets it finds it empty.
            completes = bool(
                LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=now)
            )
        if completes:
            progress.completed_at = now
            progress.cadre = cadre
            progress_count_hours(progress=progress)
    beat.credited_ms = progress.credited_ms - before
    beat.total_ms = progress.credited_ms
    beat.percent = progress.percent()
    beat.completed = progress.completed_at is not None
    beat.completed_now = completes
    return beat


def lesson_hours(*, year: int, cadre: Cadre):
    """学时 of one lesson completed in ``year`` by the cadre, by the conversion rule of their unit (None: the year
    has no rule for 微课堂 lessons yet)."""
    rule = conversion_rules(year, cadre.unit).get(Unit.MICRO_LESSON)
    return None if rule is None else rule.convert(1)


@transaction.atomic
def progress_count_hours(*, progress: LessonProgress, actor=None) -> LedgerEntry | None:
    """The ledger entry of a completed lesson: counted once (the ledger's (cadre, source, source id) constraint),
    dated on the day of completion, in the online bucket, at the completion year's rule for a lesson.  Without a
    rule yet, nothing is written (``manage.py microclass_hours --year Y`` counts it once the rule is set)."""
    if progress.completed_at is None:
        return None
    completed = timezone.localdate(progress.completed_at)
    hours = lesson_hours(year=completed.year, cadre=progress.cadre)
    if hours is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        return ledger_record(
            actor=actor,
            cadre=progress.cadre,
            date=completed,
            hours=hours,
            bucket=Bucket.ONLINE,
            source=Source.MICRO_LESSON,
            source_id=progress.pk,
            title=progress.ledger_title,
            source_object=progress,
        )
