"""The heartbeat rules, with the server's time passed in: what counts, what does not, and completion exactly at
the share (89.9% of 1000 s is not complete, 90% is), written to the ledger once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase, override_settings
from django.utils import timezone

from ganxun.hours.models import Bucket, LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory

from ..models import LessonProgress, Viewing
from ..services import heartbeat, progress_count_hours, viewing_start
from .factories import AssignmentFactory, LessonFactory, lesson_rule

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@override_settings(MICROCLASS_HEARTBEAT_SECONDS=5, MICROCLASS_HEARTBEAT_GRACE_SECONDS=2)
class HeartbeatTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cadre = CadreFactory(name="王微课")
        cls.lesson = LessonFactory(length_seconds=1000)  # 90% of it: 900 s
        AssignmentFactory(course=cls.lesson.course, cadre=cls.cadre)
        lesson_rule(2026, "0.5")

    def setUp(self):
        self.viewing = viewing_start(cadre=self.cadre, lesson=self.lesson, now=T0)
        self.seq = 0

    def beat(
        self, seconds: float, state: str = "playing", position: float = 0.0, viewing: Viewing | None = None, seq=None
    ):
        if seq is None:
            self.seq += 1
            seq = self.seq
        token = (viewing or self.viewing).token
        return heartbeat(cadre=self.cadre, token=token, seq=seq, state=state, position=position, now=at(seconds))

    def credited(self) -> int:
        return LessonProgress.objects.get(cadre=self.cadre, lesson=self.lesson).credited_ms

    def test_the_first_heartbeat_only_opens_the_interval(self):
        self.assertEqual(self.beat(3).credited_ms, 0)  # the viewing had not reported playing before
        self.assertEqual(self.beat(8).credited_ms, 5000)

    def test_a_gap_longer_than_the_interval_credits_only_the_interval_and_the_grace(self):
        self.beat(0)
        self.assertEqual(self.beat(7).credited_ms, 7000)  # exactly the cap
        self.assertEqual(self.beat(67).credited_ms, 7000)  # a minute later: still the cap
        self.assertEqual(self.credited(), 14000)

    def test_a_position_jump_is_not_credit(self):
        self.beat(0, position=10)
        beat = self.beat(5, position=900)  # skipped to 90% of the video in five seconds
        self.assertEqual(beat.credited_ms, 5000)
        self.assertFalse(beat.completed)
        self.assertEqual(LessonProgress.objects.get().position_seconds, 900)

    def test_a_hidden_page_earns_nothing(self):
        self.beat(0)
        self.assertEqual(self.beat(5, "hidden").credited_ms, 5000)  # the five seconds before it was hidden
        self.assertEqual(self.beat(10, "hidden").credited_ms, 0)
        self.assertEqual(self.beat(40, "playing").credited_ms, 0)  # shown again: the hidden half-minute is lost
        self.assertEqual(self.beat(45, "playing").credited_ms, 5000)
        self.assertEqual(self.credited(), 10000)

    def test_a_paused_video_earns_nothing(self):
        self.beat(0)
        self.beat(5, "paused")
        self.assertEqual(self.beat(10, "paused").credited_ms, 0)
        self.assertEqual(self.beat(12, "playing").credited_ms, 0)
        self.assertEqual(self.credited(), 5000)

    def test_a_replayed_or_old_heartbeat_credits_nothing(self):
        self.beat(0)
        self.assertEqual(self.beat(5).credited_ms, 5000)  # seq 2
        replay = self.beat(10, seq=2)
        self.assertEqual((replay.status, replay.credited_ms), ("replayed", 0))
        self.assertEqual(self.beat(11, seq=1).status, "replayed")
        # The replays moved nothing: the next real heartbeat counts from second 5, capped.
        self.assertEqual(self.beat(12).credited_ms, 7000)
        self.assertEqual(self.credited(), 12000)

    def test_a_second_tab_takes_over_and_the_first_counts_nothing(self):
        self.beat(0)
        self.beat(5)
        second = viewing_start(cadre=self.cadre, lesson=self.lesson, now=at(6))
        first_tab = self.beat(10)
        self.assertEqual((first_tab.status, first_tab.credited_ms), ("superseded", 0))
        self.assertEqual(
            heartbeat(cadre=self.cadre, token=second.token, seq=1, state="playing", now=at(7)).credited_ms, 0
        )
        self.assertEqual(
            heartbeat(cadre=self.cadre, token=second.token, seq=2, state="playing", now=at(12)).credited_ms, 5000
        )
        self.assertEqual(self.beat(12).status, "superseded")
        self.assertEqual(self.credited(), 10000)
        self.assertEqual(Viewing.objects.filter(cadre=self.cadre, active=True).count(), 1)

    def test_two_lessons_in_two_tabs_do_not_count_twice(self):
        other = LessonFactory(course=self.lesson.course, length_seconds=1000)
        self.beat(0)
        viewing_start(cadre=self.cadre, lesson=other, now=at(1))
        self.assertEqual(self.beat(5).status, "superseded")

    def test_another_cadres_token_is_unknown(self):
        stranger = CadreFactory()
        beat = heartbeat(cadre=stranger, token=self.viewing.token, seq=1, state="playing", now=at(1))
        self.assertEqual(beat.status, "unknown")

    def test_a_cadre_not_assigned_cannot_open_a_viewing(self):
        with self.assertRaises(PermissionDenied):
            viewing_start(cadre=CadreFactory(), lesson=self.lesson, now=T0)

    def test_completion_exactly_at_the_share_and_the_ledger_entry_once(self):
        self.beat(0)
        for step in range(1, 180):  # 179 heartbeats of 5 s: 895 s
            self.beat(step * 5)
        self.assertEqual(self.credited(), 895_000)
        almost = self.beat(899.9)  # 899.9 s: 89.99%, not yet
        self.assertEqual(self.credited(), 899_900)
        self.assertFalse(almost.completed)
        self.assertFalse(LedgerEntry.objects.filter(source=Source.MICRO_LESSON).exists())
        done = self.beat(900)
        self.assertTrue(done.completed_now)
        self.assertEqual(self.credited(), 900_000)
        progress = LessonProgress.objects.get()
        self.assertEqual(progress.completed_at, at(900))
        entry = LedgerEntry.objects.get(source=Source.MICRO_LESSON)
        self.assertEqual(
            (entry.cadre_id, entry.hours, entry.bucket, entry.source_id, entry.date),
            (self.cadre.pk, Decimal("0.50"), Bucket.ONLINE, progress.pk, timezone.localdate(at(900))),
        )
        later = self.beat(905)
        self.assertTrue(later.completed)
        self.assertFalse(later.completed_now)
        progress_count_hours(progress=progress)  # counting again (a recount) changes nothing
        self.assertEqual(LedgerEntry.objects.filter(source=Source.MICRO_LESSON).count(), 1)
        self.assertEqual(LessonProgress.objects.get().completed_at, at(900))

    def test_a_lessons_own_share_wins_over_the_courses(self):
        self.lesson.completion_percent = Decimal("50")
        self.lesson.save()
        self.beat(0)
        for step in range(1, 100):
            self.beat(step * 5)  # 495 s
        self.assertFalse(self.beat(499.999).completed)
        self.assertTrue(self.beat(500).completed_now)

    def test_credit_stops_at_the_lessons_length(self):
        self.lesson.completion_percent = Decimal("100")
        self.lesson.save()
        self.beat(0)
        for step in range(1, 205):
            self.beat(step * 5)
        self.assertEqual(self.credited(), 1_000_000)

    def test_without_a_rule_the_lesson_completes_and_is_counted_once_the_rule_exists(self):
        from ganxun.hours.models import ConversionRule

        ConversionRule.objects.all().delete()
        self.lesson.completion_percent = Decimal("1")  # 10 s
        self.lesson.save()
        self.beat(0)
        self.beat(5)
        self.assertTrue(self.beat(10).completed_now)
        self.assertFalse(LedgerEntry.objects.filter(source=Source.MICRO_LESSON).exists())
        lesson_rule(2026, "1")
        progress_count_hours(progress=LessonProgress.objects.select_related("cadre").get())
        self.assertEqual(LedgerEntry.objects.get(source=Source.MICRO_LESSON).hours, Decimal("1.00"))


@pytest.mark.django_db
def test_an_unknown_state_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        heartbeat(cadre=CadreFactory(), token="x", seq=1, state="fast-forward")


@pytest.mark.django_db
def test_the_command_counts_completions_made_before_the_rule_once():
    from io import StringIO

    from django.core.management import call_command

    cadre = CadreFactory()
    lesson = LessonFactory()
    LessonProgress.objects.create(cadre=cadre, lesson=lesson, credited_ms=900_000, completed_at=at(900))
    out = StringIO()
    call_command("microclass_hours", "--year", "2026", stdout=out)
    assert out.getvalue().strip() == "counted=0 without_rule=1"
    lesson_rule(2026, "0.5")
    for _ in range(2):
        out = StringIO()
        call_command("microclass_hours", "--year", "2026", stdout=out)
        assert out.getvalue().strip() == "counted=1 without_rule=0"
    assert LedgerEntry.objects.filter(cadre=cadre, source=Source.MICRO_LESSON).count() == 1
