"""``manage.py compliance_report --year Y [--output FILE.xlsx|FILE.csv]``: the compliance export, for automation.

The same computation and the same columns as the compliance page's export: one row per cadre in post
with required and done 学时.  Without --output the CSV goes to standard output.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.hours.exports import compliance_workbook, write_compliance_csv
from ganxun.hours.queries import compliance
from ganxun.roster.models import Cadre, Section

SUFFIXES = (".xlsx", ".csv")


class Command(BaseCommand):
    help = (
        "Write the year's hour compliance, one row per cadre in post with required and done hours, as .xlsx or "
        ".csv (--output), or as CSV on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year (default: this year)")
        parser.add_argument("--output", type=Path, default=None, help="FILE.xlsx or FILE.csv")
        parser.add_argument("--section", default=None, help="only this section (its name)")
        parser.add_argument("--behind", action="store_true", help="only the cadres not on track")

    def handle(self, *args, year: int | None, output: Path | None, section: str | None, behind: bool, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError(_("Enter a year such as 2026."))
        if output is not None and output.suffix.lower() not in SUFFIXES:
            raise CommandError(_("The output file must end in .xlsx or .csv."))
        cadres = Cadre.objects.active()
        if section:
            found = Section.objects.filter(name=section).first()
            if found is None:
                raise CommandError(_("No section is called “%(name)s”.") % {"name": section})
            cadres = cadres.filter(section=found)
        report = compliance(year=year, cadres=cadres)
        rows = report.behind() if behind else report.rows
        if output is None:
            write_compliance_csv(report, rows, self.stdout)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        if output.suffix.lower() == ".xlsx":
            compliance_workbook(report, rows).save(output)
        else:
            # With a byte order mark, Excel opens the Chinese text of the CSV correctly.
            with output.open("w", encoding="utf-8-sig", newline="") as stream:
                write_compliance_csv(report, rows, stream)
        self.stderr.write(
            _("%(count)s cadres written to %(path)s.") % {"count": len(rows), "path": output}, ending="\n"
        )
