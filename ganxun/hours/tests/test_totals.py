"""The maintained 学时 totals: every ledger write moves them in its transaction, entries count toward the unit and
科室 of their date, a change of periods re-derives both, and the check after every test can fail."""

import datetime as dt
import io
import threading
import unittest
from decimal import Decimal as D
from unittest import skipUnless

from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import TestCase, TransactionTestCase

from ganxun.accounts.models import Role
from ganxun.hours import totals
from ganxun.hours.models import Bucket, EntryStatus, HourTotal, LedgerEntry, Source
from ganxun.hours.queries import hour_sums, section_hours, unit_hours
from ganxun.hours.services import ledger_record, ledger_withdraw
from ganxun.roster.models import Cadre, CadrePeriod, Section, Unit
from ganxun.roster.signals import periods_changed
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import LedgerEntryFactory


def unit(name: str, code: str, parent: Unit | None = None) -> Unit:
    made = Unit.objects.create(name=name, code=code, parent=parent)
    made.path = (parent.path if parent else "/") + f"{made.pk}/"
    made.save(update_fields=["path"])
    return made


def rows() -> dict[tuple, tuple]:
    """{(cadre, year, unit, 科室): (cents per category …, entries)} of the non-empty totals."""
    return {
        (t.cadre_id, t.year, t.unit_id, t.section_id): tuple(getattr(t, c) for c in totals.VALUE_COLUMNS)
        for t in HourTotal.objects.all()
        if any(getattr(t, c) for c in totals.VALUE_COLUMNS)
    }


def vector(**cents: int) -> tuple:
    entries = cents.pop("entries")
    return (*(cents.get(b, 0) for b in totals.BUCKET_COLUMNS), entries)


class HistoryMixin:
    """A cadre hired in 2020 in 办公室 of 区房管局 who moves to 规划科 of 区建管委 on 2025-07-01."""

    @classmethod
    def setUpTestData(cls):
        cls.district = unit("区委组织部", "QZZB")
        cls.housing = unit("区房管局", "QFGJ", cls.district)
        cls.building = unit("区建管委", "QJGW", cls.district)
        cls.office = SectionFactory(name="办公室", unit=cls.housing)
        cls.planning = SectionFactory(name="规划科", unit=cls.building)
        cls.cadre = CadreFactory(section=cls.office, hire_date=dt.date(2020, 1, 1))
        cls.admin = UserFactory(username="totals-admin", role=Role.TRAINING_ADMIN, cadre=None)

    def move(self, day: dt.date, section: Section) -> None:
        """What the history's services do: end the period in force, start the new one, say so."""
        CadrePeriod.objects.filter(cadre=self.cadre, valid_to__isnull=True).update(valid_to=day)
        CadrePeriod.objects.create(
            cadre=self.cadre, valid_from=day, unit=section.unit, section=section, rank=self.cadre.rank
        )
        Cadre.objects.filter(pk=self.cadre.pk).update(section=section, unit=section.unit)
        periods_changed.send(sender=Cadre, cadre_ids=[self.cadre.pk], since=day)


class AttributionTests(HistoryMixin, TestCase):
    def test_an_entry_counts_toward_the_unit_and_section_of_its_date(self):
        self.move(dt.date(2025, 7, 1), self.planning)
        june = LedgerEntryFactory(cadre=self.cadre, date=dt.date(2025, 6, 30), hours=D("4"))
        july = LedgerEntryFactory(cadre=self.cadre, date=dt.date(2025, 7, 1), hours=D("2.5"), bucket=Bucket.ONLINE)
        before_hiring = LedgerEntryFactory(cadre=self.cadre, date=dt.date(2019, 5, 1), hours=D("1"))
        self.assertEqual((june.unit_id, june.section_id), (self.housing.pk, self.office.pk))
        self.assertEqual((july.unit_id, july.section_id), (self.building.pk, self.planning.pk))
        # Before the first period: the first period's (the cadre was hired into it).
        self.assertEqual((before_hiring.unit_id, before_hiring.section_id), (self.housing.pk, self.office.pk))
        self.assertEqual(
            rows(),
            {
                (self.cadre.pk, 2025, self.housing.pk, self.office.pk): vector(centralised=400, entries=1),
                (self.cadre.pk, 2025, self.building.pk, self.planning.pk): vector(online=250, entries=1),
                (self.cadre.pk, 2019, self.housing.pk, self.office.pk): vector(centralised=100, entries=1),
            },
        )
        # The cadre's year is the sum of both 科室; each 科室's statistics keep what was done in it.
        keys = [(Bucket.CENTRALISED, 2025), (Bucket.ONLINE, 2025), (Bucket.CENTRALISED, 2019)]
        self.assertEqual(hour_sums(Cadre.objects.all(), keys), {self.cadre.pk: (400, 250, 100)})
        self.assertEqual(section_hours(2025)[self.office.pk][Bucket.CENTRALISED], D("4"))
        self.assertEqual(section_hours(2025)[self.planning.pk][Bucket.ONLINE], D("2.5"))
        self.assertEqual(set(unit_hours(2025)), {self.housing.pk, self.building.pk})
        self.assertEqual(set(unit_hours(2025, Unit.objects.filter(pk=self.building.pk))), {self.building.pk})

    def test_a_change_of_periods_moves_the_entries_from_its_date_and_their_totals(self):
        june = LedgerEntryFactory(cadre=self.cadre, date=dt.date(2025, 6, 30), hours=D("4"))
        august = LedgerEntryFactory(cadre=self.cadre, date=dt.date(2025, 8, 1), hours=D("3"))
        self.assertEqual(
            rows(), {(self.cadre.pk, 2025, self.housing.pk, self.office.pk): vector(centralised=700, entries=2)}
        )
        self.move(dt.date(2025, 7, 1), self.planning)
        june.refresh_from_db()
        august.refresh_from_db()
        self.assertEqual(june.section_id, self.office.pk)
        self.assertEqual((august.unit_id, august.section_id), (self.building.pk, self.planning.pk))
        self.assertEqual(
            rows(),
            {
                (self.cadre.pk, 2025, self.housing.pk, self.office.pk): vector(centralised=400, entries=1),
                (self.cadre.pk, 2025, self.building.pk, self.planning.pk): vector(centralised=300, entries=1),
            },
        )


class FollowingWritesTests(HistoryMixin, TestCase):
    def key(self, year: int = 2025) -> tuple:
        return (self.cadre.pk, year, self.housing.pk, self.office.pk)

    def record(self, source_id: int = 1, **kwargs) -> LedgerEntry:
        values = {"date": dt.date(2025, 5, 6), "hours": D("3.5"), "bucket": Bucket.CENTRALISED, "title": "讲座"}
        return ledger_record(
            actor=self.admin,
            cadre=self.cadre,
            source=Source.SESSION,
            source_id=source_id,
            **{**values, **kwargs},
        )

    def test_the_ledger_services_move_the_totals(self):
        self.record()
        self.assertEqual(rows(), {self.key(): vector(centralised=350, entries=1)})
        self.record(hours=D("4"))  # corrected
        self.assertEqual(rows(), {self.key(): vector(centralised=400, entries=1)})
        self.record(bucket=Bucket.STUDY_GROUP)  # another category
        self.assertEqual(rows(), {self.key(): vector(study_group=350, entries=1)})
        self.record(date=dt.date(2024, 12, 31))  # another year
        self.assertEqual(rows(), {self.key(2024): vector(centralised=350, entries=1)})
        ledger_withdraw(actor=self.admin, cadre=self.cadre, source=Source.SESSION, source_id=1, reason="缺席")
        self.assertEqual(rows(), {})
        self.record()  # counted again
        self.assertEqual(rows(), {self.key(): vector(centralised=350, entries=1)})

    def test_only_confirmed_entries_count(self):
        pending = self.record(status=EntryStatus.PENDING)
        self.assertEqual(rows(), {})
        self.assertEqual((pending.unit_id, pending.section_id), (self.housing.pk, self.office.pk))
        pending.status = EntryStatus.CONFIRMED
        pending.save()
        self.assertEqual(rows(), {self.key(): vector(centralised=350, entries=1)})
        for status in (EntryStatus.SECTION_APPROVED, EntryStatus.RETURNED, EntryStatus.REJECTED):
            pending.status = status
            pending.save()
            self.assertEqual(rows(), {}, status)

    def test_a_deleted_entry_leaves_the_totals(self):
        entry = LedgerEntryFactory(cadre=self.cadre, hours=D("2"))
        LedgerEntryFactory(cadre=self.cadre, hours=D("1"))
        entry.delete()
        self.assertEqual(rows(), {self.key(): vector(centralised=100, entries=1)})

    def test_an_entry_read_without_its_figures_still_moves_them(self):
        entry = LedgerEntryFactory(cadre=self.cadre, hours=D("2"))
        partial = LedgerEntry.objects.only("pk", "title").get(pk=entry.pk)
        partial.title = "改名"
        partial.save()
        self.assertEqual(rows(), {self.key(): vector(centralised=200, entries=1)})
        partial = LedgerEntry.objects.only("pk", "status").get(pk=entry.pk)
        partial.status = EntryStatus.REJECTED
        partial.save()
        self.assertEqual(rows(), {})

    def test_one_query_more_for_a_new_confirmed_entry_and_for_a_status_change(self):
        entry = LedgerEntry(
            cadre=self.cadre,
            date=dt.date(2025, 5, 6),
            hours=D("2"),
            bucket=Bucket.ONLINE,
            source=Source.ONLINE_RECORD,
            source_id=9,
            title="网课",
            status=EntryStatus.CONFIRMED,
        )
        with self.assertNumQueries(2):  # attributed and counted in one statement, then the INSERT
            entry.save()
        entry.status = EntryStatus.REJECTED
        with self.assertNumQueries(2):  # the totals' UPDATE, then the entry's
            entry.save()
        entry.title = "网课（更正）"
        with self.assertNumQueries(1):  # nothing that counts changed
            entry.save()
        self.assertEqual(rows(), {})


class RebuildAndCheckTests(HistoryMixin, TestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("rebuild_hour_totals", *args, stdout=out)
        return out.getvalue()

    def test_check_passes_lists_a_difference_and_rebuild_repairs_it(self):
        LedgerEntryFactory(cadre=self.cadre, hours=D("2"))
        LedgerEntryFactory(cadre=self.cadre, hours=D("3"), date=dt.date(2024, 3, 1))
        self.assertIn("一致", self.run_command("--check"))
        HourTotal.objects.filter(year=2024).update(centralised=1)  # corrupted by hand
        with self.assertRaises(CommandError):
            self.run_command("--check")
        self.assertEqual(len(totals.differences()), 1)
        self.assertIn("year 2024", totals.differences()[0])
        self.run_command()
        self.assertEqual(totals.differences(), [])
        self.assertEqual(sum(HourTotal.objects.values_list("centralised", flat=True)), 500)

    def test_a_bulk_written_entry_without_attribution_is_a_difference_until_rebuilt(self):
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    cadre=self.cadre,
                    date=dt.date(2025, 1, 2),
                    hours=D("1.25"),
                    bucket=Bucket.PRACTICE,
                    source=Source.SELF_REPORT,
                    title="实践",
                    status=EntryStatus.CONFIRMED,
                )
            ]
        )
        self.assertEqual(totals.differences(), ["1 ledger entries have no unit or section"])
        totals.refresh([self.cadre.pk])
        self.assertEqual(totals.differences(), [])
        self.assertEqual(
            rows(), {(self.cadre.pk, 2025, self.housing.pk, self.office.pk): vector(practice=125, entries=1)}
        )

    def test_the_check_after_every_test_runs_and_fails_on_a_corrupted_total(self):
        """A test that leaves the totals unequal to the ledger is reported as an error at its teardown."""
        cadre = self.cadre

        class Corrupting(TestCase):
            def test_corrupts(self):
                LedgerEntryFactory(cadre=cadre, hours=D("2"))
                HourTotal.objects.update(centralised=7)

            def test_keeps_them_equal(self):
                LedgerEntryFactory(cadre=cadre, hours=D("2"))

        result = unittest.TestResult()
        unittest.TestSuite([Corrupting("test_corrupts"), Corrupting("test_keeps_them_equal")]).run(result)
        self.assertEqual(result.testsRun, 2)
        self.assertEqual(len(result.errors), 1, result.errors)
        failed, trace = result.errors[0]
        self.assertEqual(failed.id().rsplit(".", 1)[-1], "test_corrupts")
        self.assertIn("hour totals differ from the ledger", trace)
        self.assertEqual(result.failures, [])


class ColumnsTests(TestCase):
    def test_one_column_per_category_in_the_categories_order(self):
        self.assertEqual(totals.BUCKET_COLUMNS, tuple(Bucket.values))
        names = {f.name for f in HourTotal._meta.get_fields()}
        self.assertLessEqual(set(totals.VALUE_COLUMNS), names)


@skipUnless(connection.vendor == "postgresql", "concurrent writers need a server database")
class ConcurrentWritersTests(TransactionTestCase):
    """Two transactions counting entries of the same cadre, year and 科室 at once lose nothing: the upsert adds
    in the database (a read-modify-write in Python would drop one side's 学时)."""

    def test_two_writers_at_once_add_up(self):
        cadre = CadreFactory(hire_date=dt.date(2020, 1, 1))
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def write(first_source: int) -> None:
            try:
                with transaction.atomic():
                    barrier.wait(timeout=10)
                    for n in range(10):
                        LedgerEntryFactory(cadre=cadre, hours=D("1.5"), source_id=first_source + n)
            except BaseException as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(start,)) for start in (1000, 2000)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(totals.differences(), [])
        total = HourTotal.objects.get(cadre=cadre, year=2025)
        self.assertEqual((total.centralised, total.entries), (3000, 20))
