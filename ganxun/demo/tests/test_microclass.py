"""The demo's 微课堂: a course of three Chinese documents assigned to everyone, a few read to completion and
counted once in the ledger."""

import datetime as dt
import shutil
import tempfile

from django.test import TestCase, override_settings

from ganxun.demo.bureau import load_bureau
from ganxun.demo.microclass import READERS, load_microclass
from ganxun.hours.models import LedgerEntry, Source
from ganxun.microclass.models import Lesson, LessonProgress

TODAY = dt.date(2027, 1, 2)  # the readings fall three days before: in the year before, with its own rule


class MicroclassDemoTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="ganxun-demo-media-")
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_microclass(today=TODAY)

    def test_three_pdf_lessons_assigned_to_everyone_and_readable(self):
        self.assertEqual(self.result.lessons, 3)
        self.assertGreater(self.result.assigned, 100)
        for lesson in Lesson.objects.all():
            with lesson.file.open("rb") as handle:
                self.assertTrue(handle.read().startswith(b"%PDF-1.4"))

    def test_the_readers_complete_their_lessons_and_each_counts_once(self):
        expected = READERS + READERS // 2
        self.assertEqual(self.result.completed, expected)
        entries = LedgerEntry.objects.filter(source=Source.MICRO_LESSON)
        self.assertEqual(entries.count(), expected)
        self.assertEqual({e.date for e in entries}, {dt.date(2026, 12, 30)})
        self.assertEqual({str(e.hours) for e in entries}, {"0.50"})

    def test_loading_again_changes_nothing(self):
        before = (Lesson.objects.count(), LessonProgress.objects.count(), LedgerEntry.objects.count())
        load_microclass(today=TODAY)
        self.assertEqual((Lesson.objects.count(), LessonProgress.objects.count(), LedgerEntry.objects.count()), before)
