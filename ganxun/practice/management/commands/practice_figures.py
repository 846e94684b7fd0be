"""``manage.py practice_figures --year Y [--unit CODE]``: the practice classroom's figures of a year as one JSON
object (UTF-8, keys as ``practice.figures.KEYS``; ``hours`` a number), for the year-end report."""

from __future__ import annotations

import json

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.practice.figures import Scope, figures
from ganxun.roster.models import Unit


def as_json(values: dict) -> str:
    """The figures as JSON: Chinese team names as they are, 学时 as a number (12.5, 8)."""
    hours = values["hours"]
    plain = {**values, "hours": int(hours) if hours == hours.to_integral_value() else float(hours)}
    return json.dumps(plain, ensure_ascii=False)


class Command(BaseCommand):
    help = (
        "Print the practice figures of a year as one JSON object: party members who reported to their community, "
        "people on the community front line and at key sites, residents' committees and estates supported, team "
        "members on 31 December, people on secondment, competition entries, awards and the confirmed practice "
        "hours; --unit narrows them to a unit and the units below it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year, e.g. 2022")
        parser.add_argument("--unit", default=None, help="only this unit and the units below it (its short code)")

    def handle(self, *args, year: int, unit: str | None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("Enter a year such as 2026."))
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(_("No unit has the code “%(code)s”.") % {"code": unit})
        self.stdout.write(as_json(figures(year, Scope(unit=chosen))))
