"""bench_data: the synthetic city the compliance benchmark builds."""

import io

from django.core.management import CommandError, call_command
from django.test import TestCase

from ganxun.demo.management.commands.bench_data import SECTION_PREFIX, build_city, id_number
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Source
from ganxun.roster.idcard import validate_id_number
from ganxun.roster.models import Cadre
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
