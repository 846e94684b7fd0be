"""Periods of service (任职经历): dated changes, their chain, the cadre's columns, the audit and the signal."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from ganxun.audit.models import Action, AuditEvent
from ganxun.roster import history, services
from ganxun.roster.models import (
    EARLIEST_DATE,
    PERIOD_FIELDS,
    Cadre,
    CadrePeriod,
    Rank,
    Section,
    Status,
    Unit,
)
from ganxun.roster.signals import periods_changed

from .factories import CadreFactory, SectionFactory, UserFactory

HIRED = dt.date(2018, 7, 1)
D = dt.date


def chain(cadre: Cadre) -> list[tuple]:
    """(valid_from, valid_to, post, rank, status) of each period, oldest first."""
    return list(
        CadrePeriod.objects.filter(cadre=cadre)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "post", "rank", "status")
    )


def assert_consistent(test: TestCase, cadre: Cadre) -> None:
    """No gap, no overlap, the latest open, and the cadre's columns equal to the latest period."""
    periods = list(CadrePeriod.objects.filter(cadre=cadre).order_by("valid_from"))
    test.assertTrue(periods)
    for earlier, later in itertools.pairwise(periods):
        test.assertEqual(earlier.valid_to, later.valid_from)
        test.assertNotEqual([getattr(earlier, f) for f in PERIOD_FIELDS], [getattr(later, f) for f in PERIOD_FIELDS])
    test.assertIsNone(periods[-1].valid_to)
    stored = Cadre.objects.get(pk=cadre.pk)
    test.assertEqual(stored.period_facts(), {f: getattr(periods[-1], f) for f in PERIOD_FIELDS})


class Signals:
    """Records periods_changed, and whether it came inside a transaction."""

    def __init__(self) -> None:
        self.sent: list[tuple[list[int], dt.date | None, bool]] = []

    def __call__(self, sender, cadre_ids, since, **kwargs) -> None:
        self.sent.append((cadre_ids, since, connection.in_atomic_block))

    def __enter__(self):
        periods_changed.connect(self, dispatch_uid="test-history")
        return self

    def __exit__(self, *exc):
        periods_changed.disconnect(dispatch_uid="test-history")


class CadreChangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role="training_admin", cadre=None)
        cls.office = SectionFactory(name="办公室")
        cls.law = SectionFactory(name="法规科")

    def setUp(self):
        self.cadre = CadreFactory(section=self.office, post="科员", rank=Rank.CLERK_1, hire_date=HIRED)

    def change(self, effective, note="", **changes):
        return history.cadre_change(actor=self.admin, cadre=self.cadre, effective=effective, note=note, **changes)

    def test_a_new_cadre_has_one_open_period_from_the_hire_date(self):
        self.assertEqual(chain(self.cadre), [(HIRED, None, "科员", Rank.CLERK_1, Status.ACTIVE)])

    def test_a_change_splits_the_period_in_force_audits_and_announces(self):
        with Signals() as signals:
            self.change(D(2024, 3, 1), note="晋升", rank=Rank.PRINCIPAL_CLERK_4)
        self.assertEqual(
            chain(self.cadre),
            [
                (HIRED, D(2024, 3, 1), "科员", Rank.CLERK_1, Status.ACTIVE),
                (D(2024, 3, 1), None, "科员", Rank.PRINCIPAL_CLERK_4, Status.ACTIVE),
            ],
        )
        self.assertEqual(CadrePeriod.objects.get(cadre=self.cadre, valid_from=D(2024, 3, 1)).note, "晋升")
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).rank, Rank.PRINCIPAL_CLERK_4)
        self.assertEqual(self.cadre.rank, Rank.PRINCIPAL_CLERK_4)
        event = AuditEvent.objects.get(object_type="cadre", object_id=str(self.cadre.pk), action=Action.UPDATE)
        self.assertEqual(event.changes, {"rank": ["一级科员", "四级主任科员"]})
        self.assertEqual(event.summary, "2024-03-01 起生效；晋升")
        self.assertEqual(signals.sent, [([self.cadre.pk], D(2024, 3, 1), True)])
        assert_consistent(self, self.cadre)

    def test_a_change_on_the_day_a_period_starts_rewrites_it(self):
        self.change(D(2024, 3, 1), rank=Rank.PRINCIPAL_CLERK_4)
        self.change(D(2024, 3, 1), post="副科长")
        self.assertEqual(
            chain(self.cadre),
            [
                (HIRED, D(2024, 3, 1), "科员", Rank.CLERK_1, Status.ACTIVE),
                (D(2024, 3, 1), None, "副科长", Rank.PRINCIPAL_CLERK_4, Status.ACTIVE),
            ],
        )
        assert_consistent(self, self.cadre)

    def test_a_retroactive_correction_stops_at_a_later_promotion(self):
        self.change(D(2023, 1, 1), rank=Rank.PRINCIPAL_CLERK_4)  # the promotion
        self.change(D(2021, 6, 1), rank=Rank.CLERK_2)  # the rank held before it, corrected from mid-2021
        self.assertEqual(
            chain(self.cadre),
            [
                (HIRED, D(2021, 6, 1), "科员", Rank.CLERK_1, Status.ACTIVE),
                (D(2021, 6, 1), D(2023, 1, 1), "科员", Rank.CLERK_2, Status.ACTIVE),
                (D(2023, 1, 1), None, "科员", Rank.PRINCIPAL_CLERK_4, Status.ACTIVE),
            ],
        )
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).rank, Rank.PRINCIPAL_CLERK_4)
        assert_consistent(self, self.cadre)

    def test_a_retroactive_change_carries_through_later_periods_that_held_the_same_value(self):
        self.change(D(2022, 1, 1), section=self.law)  # a later period that changed the 科室 only
        self.change(D(2020, 1, 1), rank=Rank.CLERK_2)
        self.assertEqual([row[3] for row in chain(self.cadre)], [Rank.CLERK_1, Rank.CLERK_2, Rank.CLERK_2])
        stored = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual((stored.rank, stored.section), (Rank.CLERK_2, self.law))
        assert_consistent(self, self.cadre)

    def test_a_change_back_merges_the_periods_again(self):
        self.change(D(2024, 3, 1), post="副科长")
        self.change(D(2024, 3, 1), post="科员")
        self.assertEqual(chain(self.cadre), [(HIRED, None, "科员", Rank.CLERK_1, Status.ACTIVE)])
        assert_consistent(self, self.cadre)

    def test_a_change_that_changes_nothing_writes_nothing(self):
        with Signals() as signals:
            plan = self.change(D(2024, 3, 1), post="科员", rank=Rank.CLERK_1)
        self.assertFalse(plan.changed)
        self.assertEqual(len(chain(self.cadre)), 1)
        self.assertFalse(AuditEvent.objects.filter(object_type="cadre", object_id=str(self.cadre.pk)).exists())
        self.assertEqual(signals.sent, [])

    def test_a_change_dated_before_the_first_period_applies_from_its_start(self):
        self.change(D(2010, 1, 1), post="办事员")
        self.assertEqual(chain(self.cadre), [(HIRED, None, "办事员", Rank.CLERK_1, Status.ACTIVE)])
        self.assertEqual(AuditEvent.objects.get(object_id=str(self.cadre.pk)).summary, "2018-07-01 起生效")

    def test_the_unit_follows_the_section(self):
        district = Unit.objects.create(name="区住建委", code="ZJW", path="/99/")
        other = Section.objects.create(name="综合科", unit=district)
        self.change(D(2025, 1, 1), section=other)
        period = CadrePeriod.objects.get(cadre=self.cadre, valid_from=D(2025, 1, 1))
        self.assertEqual((period.section, period.unit), (other, district))
        stored = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual((stored.section, stored.unit), (other, district))
        self.assertEqual(
            AuditEvent.objects.get(object_id=str(self.cadre.pk)).changes, {"section": ["办公室", "综合科"]}
        )

    def test_the_effective_date_is_bounded_by_today_and_1900(self):
        today = timezone.localdate()
        self.change(today, post="副科长")  # today is the latest day
        with self.assertRaises(ValidationError) as caught:
            self.change(today + dt.timedelta(days=1), post="科长")
        self.assertEqual(
            caught.exception.message_dict["effective"],
            [f"生效日期应在 1900-01-01 至 {today.isoformat()} 之间。"],
        )
        self.change(EARLIEST_DATE, post="办事员")  # the earliest day (applies from the hire date)
        with self.assertRaises(ValidationError):
            self.change(EARLIEST_DATE - dt.timedelta(days=1), post="科长")
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).post, "副科长")

    def test_bad_values_are_refused_by_field(self):
        with self.assertRaises(ValidationError) as caught:
            self.change(D(2024, 1, 1), rank="general")
        self.assertIn("rank", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.change(D(2024, 1, 1), status="fired")
        self.assertIn("status", caught.exception.message_dict)
        with self.assertRaises(TypeError):
            self.change(D(2024, 1, 1), name="李四")
        self.assertEqual(len(chain(self.cadre)), 1)

    def test_any_sequence_of_changes_keeps_the_chain_and_the_facts_of_earlier_days(self):
        rng = random.Random(7)
        days = [HIRED + dt.timedelta(days=rng.randrange(3000)) for _ in range(30)]
        values = {
            "post": ["科员", "副科长", "科长"],
            "rank": [Rank.CLERK_1, Rank.CLERK_2, Rank.PRINCIPAL_CLERK_4],
            "status": [Status.ACTIVE, Status.TRANSFERRED],
            "section": [self.office, self.law],
        }
        for day in days:
            name = rng.choice(list(values))
            value = rng.choice(values[name])
            before = {p.valid_from: p for p in CadrePeriod.objects.filter(cadre=self.cadre)}
            earlier = [
                (p.valid_from, min(p.valid_to or day, day), [getattr(p, f) for f in PERIOD_FIELDS])
                for p in before.values()
                if p.valid_from < day
            ]
            self.change(day, **{name: value})
            assert_consistent(self, self.cadre)
            on_day = CadrePeriod.objects.on(day).get(cadre=self.cadre)
            key = "section_id" if name == "section" else name
            self.assertEqual(getattr(on_day, key), value.pk if name == "section" else value)
            for start, end, facts in earlier:  # the days before the change keep their facts
                for probe in (start, end - dt.timedelta(days=1)):
                    period = CadrePeriod.objects.on(probe).get(cadre=self.cadre)
                    self.assertEqual([getattr(period, f) for f in PERIOD_FIELDS], facts)


class ServiceDatesTests(TestCase):
    """cadre_update and cadre_set_status date the period fields and leave the others undated."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role="training_admin", cadre=None)
        cls.office = SectionFactory(name="办公室")

    def setUp(self):
        self.cadre = CadreFactory(section=self.office, post="科员", hire_date=HIRED)

    def test_update_dates_the_post_and_not_the_name_in_one_audited_event(self):
        with Signals() as signals:
            services.cadre_update(
                actor=self.admin, cadre=self.cadre, effective=D(2025, 5, 1), note="提拔", name="李新", post="副科长"
            )
        self.assertEqual(
            chain(self.cadre),
            [(HIRED, D(2025, 5, 1), "科员", "", Status.ACTIVE), (D(2025, 5, 1), None, "副科长", "", Status.ACTIVE)],
        )
        stored = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual((stored.name, stored.post), ("李新", "副科长"))
        event = AuditEvent.objects.get(object_id=str(self.cadre.pk), action=Action.UPDATE)
        self.assertEqual(event.changes["post"], ["科员", "副科长"])
        self.assertEqual(event.changes["name"][1], "李新")
        self.assertEqual(event.summary, "2025-05-01 起生效；提拔")
        self.assertEqual(signals.sent, [([self.cadre.pk], D(2025, 5, 1), True)])

    def test_update_of_undated_fields_writes_no_period_and_sends_nothing(self):
        with Signals() as signals:
            services.cadre_update(actor=self.admin, cadre=self.cadre, phone="13800000000")
        self.assertEqual(len(chain(self.cadre)), 1)
        self.assertEqual(signals.sent, [])
        self.assertEqual(AuditEvent.objects.get(object_id=str(self.cadre.pk)).summary, "")

    def test_update_defaults_to_today(self):
        services.cadre_update(actor=self.admin, cadre=self.cadre, post="副科长")
        self.assertEqual(chain(self.cadre)[-1][:3], (timezone.localdate(), None, "副科长"))

    def test_a_retroactive_update_keeps_a_later_change_on_the_cadre(self):
        services.cadre_update(actor=self.admin, cadre=self.cadre, effective=D(2024, 1, 1), post="科长")
        self.cadre.refresh_from_db()
        services.cadre_update(actor=self.admin, cadre=self.cadre, effective=D(2022, 1, 1), post="副科长")
        self.assertEqual([row[2] for row in chain(self.cadre)], ["科员", "副科长", "科长"])
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).post, "科长")
        assert_consistent(self, self.cadre)

    def test_set_status_is_dated(self):
        services.cadre_set_status(
            actor=self.admin, cadre=self.cadre, status=Status.RETIRED, note="到龄退休", effective=D(2025, 6, 30)
        )
        self.assertEqual(chain(self.cadre)[-1], (D(2025, 6, 30), None, "科员", "", Status.RETIRED))
        event = AuditEvent.objects.get(object_id=str(self.cadre.pk))
        self.assertEqual((event.action, event.changes), (Action.STATUS, {"status": ["在职", "退休"]}))
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).status, Status.RETIRED)


class CorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role="training_admin", cadre=None)
        cls.office = SectionFactory(name="办公室")

    def setUp(self):
        self.cadre = CadreFactory(section=self.office, post="科员", hire_date=HIRED)
        history.cadre_change(actor=self.admin, cadre=self.cadre, effective=D(2022, 1, 1), post="副科长")
        history.cadre_change(actor=self.admin, cadre=self.cadre, effective=D(2024, 1, 1), post="科长")
        self.periods = list(CadrePeriod.objects.filter(cadre=self.cadre).order_by("valid_from"))

    def test_moving_a_start_moves_the_previous_end_within_its_neighbours(self):
        middle = self.periods[1]
        with Signals() as signals:
            history.period_correct(actor=self.admin, period=middle, valid_from=D(2021, 7, 1), note="更正")
        self.assertEqual(
            [row[:2] for row in chain(self.cadre)][:2], [(HIRED, D(2021, 7, 1)), (D(2021, 7, 1), D(2024, 1, 1))]
        )
        self.assertEqual(signals.sent, [([self.cadre.pk], D(2021, 7, 1), True)])
        event = AuditEvent.objects.filter(object_id=str(self.cadre.pk)).latest("pk")
        self.assertEqual(event.changes["valid_from"], ["2022-01-01", "2021-07-01"])
        # The neighbours' starts are the bounds: the day after the previous start, the day before the next one.
        history.period_correct(actor=self.admin, period=middle, valid_from=D(2023, 12, 31))
        history.period_correct(actor=self.admin, period=middle, valid_from=HIRED + dt.timedelta(days=1))
        for day in (HIRED, D(2024, 1, 1)):
            with self.assertRaises(ValidationError) as caught:
                history.period_correct(actor=self.admin, period=middle, valid_from=day)
            self.assertEqual(caught.exception.message_dict["valid_from"], ["日期应在 2018-07-02 至 2023-12-31 之间。"])
        assert_consistent(self, self.cadre)

    def test_correcting_the_latest_values_keeps_the_cadre_equal_to_it(self):
        history.period_correct(actor=self.admin, period=self.periods[2], post="处长", rank=Rank.RESEARCHER_4)
        stored = Cadre.objects.get(pk=self.cadre.pk)
        self.assertEqual((stored.post, stored.rank), ("处长", Rank.RESEARCHER_4))
        self.assertEqual([row[2] for row in chain(self.cadre)], ["科员", "副科长", "处长"])  # that period alone

    def test_deleting_a_period_lets_the_previous_one_run_on_but_never_the_first(self):
        with self.assertRaises(ValidationError):
            history.period_delete(actor=self.admin, period=self.periods[0])
        history.period_delete(actor=self.admin, period=self.periods[2])
        self.assertEqual(chain(self.cadre)[-1][:3], (D(2022, 1, 1), None, "副科长"))
        self.assertEqual(Cadre.objects.get(pk=self.cadre.pk).post, "副科长")
        event = AuditEvent.objects.filter(object_id=str(self.cadre.pk)).latest("pk")
        self.assertEqual(event.action, Action.DELETE)
        assert_consistent(self, self.cadre)

    def test_only_an_administrator_corrects(self):
        head = UserFactory(username="head", role="section_head", cadre=self.cadre)
        with self.assertRaises(ValidationError):
            history.period_correct(actor=head, period=self.periods[1], post="科长")
        with self.assertRaises(ValidationError):
            history.period_delete(actor=head, period=self.periods[1])
        self.assertEqual(len(chain(self.cadre)), 3)
