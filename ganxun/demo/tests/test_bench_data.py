"""bench_data: the synthetic city the compliance benchmark builds."""

import io
import itertools

from django.core.management import CommandError, call_command
from django.test import TestCase

from ganxun.demo.management.commands.bench_data import SECTION_PREFIX, build_city, id_number
from ganxun.hours import totals
from ganxun.hours.models import Bucket, EntryStatus, HourTotal, LedgerEntry, Source
from ganxun.roster.idcard import validate_id_number
from ganxun.roster.models import Cadre, CadrePeriod, Section, Unit
from ganxun.roster.tests.factories import CadreFactory, SectionFactory


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class BenchDataTests(TestCase):
    def test_builds_valid_cadres_and_entries_across_buckets_and_statuses(self):
        built = build_city(cadres=30, entries=600, sections=4, year=2025, seed=7)
        self.assertEqual((built.sections, built.cadres, built.entries), (4, 30, 600))
        self.assertEqual(LedgerEntry.objects.count(), 600)
        for cadre in Cadre.objects.all():
            validate_id_number(cadre.id_number)
        self.assertEqual(set(LedgerEntry.objects.values_list("bucket", flat=True)), set(Bucket.values))
        self.assertEqual(
            set(LedgerEntry.objects.values_list("status", flat=True)),
            {EntryStatus.CONFIRMED, EntryStatus.PENDING, EntryStatus.REJECTED},
        )
        years = set(LedgerEntry.objects.dates("date", "year").values_list("date__year", flat=True))
        self.assertEqual(years, {2023, 2024, 2025})  # from the cycle's first year
        self.assertFalse(LedgerEntry.objects.filter(source=Source.SELF_REPORT, source_id__isnull=False).exists())

    def test_id_numbers_are_distinct_and_valid(self):
        numbers = {id_number(n)[0] for n in range(0, 3_000_000, 997)}
        self.assertEqual(len(numbers), len(range(0, 3_000_000, 997)))
        for number in list(numbers)[:50]:
            validate_id_number(number)

    def test_the_command_refuses_a_database_with_real_cadres(self):
        CadreFactory(section=SectionFactory(name="办公室"))
        with self.assertRaises(CommandError):
            run("bench_data", "--cadres", "5")
        self.assertEqual(Cadre.objects.count(), 1)
        out, _err = run("bench_data", "--cadres", "5", "--entries-per-cadre", "2", "--sections", "2", "--force")
        self.assertIn("5 名干部", out)
        self.assertEqual(Cadre.objects.filter(section__name__startswith=SECTION_PREFIX).count(), 5)

    def test_running_again_adds_to_a_benchmark_database(self):
        run("bench_data", "--cadres", "4", "--entries-per-cadre", "1", "--sections", "2")
        run("bench_data", "--cadres", "4", "--entries-per-cadre", "1", "--sections", "2")
        self.assertEqual(Cadre.objects.count(), 8)


class CityWithHistoryTests(TestCase):
    def test_a_tree_of_units_cadres_with_history_and_entries_counted_where_they_were(self):
        built = build_city(cadres=200, entries=4000, sections=10, year=2025, seed=3, units=25)
        self.assertEqual((built.units, built.cadres, built.entries), (26, 200, 4000))
        root = Unit.objects.get(code="BENCH-ROOT")
        self.assertEqual(Unit.objects.subtree(root).count(), 26)
        self.assertEqual(Unit.objects.filter(parent=root).count(), 1)  # 25 units: one district, 24 bureaus under it
        self.assertTrue(
            all(Section.objects.filter(unit=u).count() >= 2 for u in Unit.objects.subtree(root).exclude(pk=root.pk))
        )
        # About one change per cadre in the five years: each period follows the one before, the last is the cadre's.
        periods = list(CadrePeriod.objects.order_by("cadre_id", "valid_from"))
        self.assertTrue(1.5 <= len(periods) / 200 <= 2.2, len(periods))
        by_cadre: dict[int, list[CadrePeriod]] = {}
        for period in periods:
            by_cadre.setdefault(period.cadre_id, []).append(period)
        for cadre in Cadre.objects.all():
            history = by_cadre[cadre.pk]
            for earlier, later in itertools.pairwise(history):
                self.assertEqual(earlier.valid_to, later.valid_from)
            last = history[-1]
            self.assertIsNone(last.valid_to)
            self.assertEqual(
                (cadre.section_id, cadre.unit_id, cadre.rank, cadre.status),
                (last.section_id, last.unit_id, last.rank, last.status),
            )
        kinds = {
            field
            for history in by_cadre.values()
            for earlier, later in itertools.pairwise(history)
            for field in ("section_id", "rank", "status")
            if getattr(earlier, field) != getattr(later, field)
        }
        self.assertEqual(kinds, {"section_id", "rank", "status"})
        # Every entry carries the unit and 科室 of the period in force on its date, and the totals equal the ledger.
        for entry in LedgerEntry.objects.all()[:500]:
            period = CadrePeriod.objects.on(entry.date).get(cadre_id=entry.cadre_id)
            self.assertEqual((entry.unit_id, entry.section_id), (period.unit_id, period.section_id))
        self.assertEqual(totals.differences(), [])
        self.assertGreater(HourTotal.objects.count(), 200)
