"""The demo's practice year: the seed's kind of figures, read back by the figures, every record through the
services (audited, its 学时 counted)."""

import datetime as dt
import importlib.util
import json
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from ganxun.audit.models import AuditEvent
from ganxun.demo.bureau import load_bureau
from ganxun.demo.practice import load_practice_year, practice_year_of
from ganxun.hours.models import Bucket, LedgerEntry, Source
from ganxun.practice.figures import figures
from ganxun.practice.models import CommunityReport, Stint

TODAY = dt.date(2026, 11, 27)


def test_the_practice_year_is_this_year_once_its_spring_is_over():
    assert practice_year_of(TODAY) == 2026
    assert practice_year_of(dt.date(2027, 6, 30)) == 2026
    assert practice_year_of(dt.date(2027, 7, 1)) == 2027


class PracticeYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_practice_year(today=TODAY)

    def test_the_figures_are_of_the_seeds_kind(self):
        found = figures(2026)
        self.assertEqual(found["committees_supported"], 13)
        self.assertEqual(found["estates_supported"], 33)
        self.assertEqual(found["key_site_people"], 6)
        self.assertEqual(found["team_members"], {"房管应急支援队": 25})
        self.assertEqual(found["secondment_people"], 3)
        self.assertEqual(found["frontline_people"], 122)
        # 82 where the bureau has that many party members in post.
        self.assertGreaterEqual(found["community_reporting_party_members"], 60)
        self.assertLessEqual(found["community_reporting_party_members"], 82)
        self.assertGreater(found["hours"], 0)
        self.assertEqual(found["competition_entries"], self.result.competition_entries)
        self.assertEqual(found["awards"], self.result.awards)
        if importlib.util.find_spec("ganxun.practice.services.competitions"):  # the 五比五赛, where installed
            self.assertEqual(found["competition_entries"], 15)  # 12 cadres and 3 teams
            self.assertGreaterEqual(found["awards"], 7)  # 1 + 2 + 3 by rank (ties share), and a 先进集体

    def test_the_command_reads_the_same(self):
        out = StringIO()
        call_command("practice_figures", "--year", "2026", "--unit", "QFGJ", stdout=out)
        values = json.loads(out.getvalue())
        self.assertEqual((values["committees_supported"], values["estates_supported"]), (13, 33))

    def test_every_record_is_audited_and_counts_its_hours(self):
        stints = Stint.objects.count()
        self.assertEqual(stints, self.result.stints)
        self.assertEqual(AuditEvent.objects.filter(object_type="stint", action="create").count(), stints)
        practice = LedgerEntry.objects.filter(source=Source.PRACTICE)
        self.assertTrue(practice.exists())
        self.assertFalse(practice.exclude(bucket=Bucket.PRACTICE).exists())
        reported = CommunityReport.objects.values("cadre").distinct().count()
        self.assertEqual(reported, figures(2026)["community_reporting_party_members"])
