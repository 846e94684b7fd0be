"""Count the 学时 of the 微课堂 lessons completed in a year: those completed before the year's rule for a lesson was
set get their entry now; an entry already written is left as it is unless the rule changed its figure."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from ganxun.microclass.models import LessonProgress
from ganxun.microclass.services import progress_count_hours


class Command(BaseCommand):
    help = "Write the ledger entries of the micro-classroom lessons completed in a year (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options) -> None:
        counted = skipped = 0
        completed = (
            LessonProgress.objects.filter(completed_at__year=year)
            .select_related("cadre__unit", "lesson")
            .order_by("pk")
        )
        for progress in completed.iterator(chunk_size=500):
            if progress_count_hours(progress=progress) is None:
                skipped += 1
            else:
                counted += 1
        self.stdout.write(f"counted={counted} without_rule={skipped}")
