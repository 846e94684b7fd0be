"""``manage.py compliance_report --year Y [--unit CODE] [--output FILE.xlsx|FILE.csv]``: the compliance export.

The same computation and the same columns as the compliance page's export: one row per cadre who served in the
unit's subtree (default: anywhere) at any time in the year, with the tier and 科室 that applied to the year, the
status (在职, or how and when they left), and the required and done 学时 per requirement.  Cadres listed apart
by the year's history rule come last, not judged.  Without --output the CSV goes to standard output.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.hours.exports import compliance_workbook, write_compliance_csv
from ganxun.hours.queries import compliance
from ganxun.roster.models import Cadre, Section, Unit

SUFFIXES = (".xlsx", ".csv")


class Command(BaseCommand):
    help = (
        "Write the year's hour compliance, one row per cadre who served in the unit during the year with the tier, "
        "section and status that applied and the required and done hours, as .xlsx or .csv (--output), or as CSV "
        "on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year (default: this year)")
        parser.add_argument("--output", type=Path, default=None, help="FILE.xlsx or FILE.csv")
        parser.add_argument("--unit", default=None, help="only this unit and the units below it (its short code)")
        parser.add_argument("--section", default=None, help="only this section (its name; within --unit if given)")
        parser.add_argument("--behind", action="store_true", help="only the cadres not on track")

    def handle(
        self,
        *args,
        year: int | None,
        output: Path | None,
        unit: str | None,
        section: str | None,
        behind: bool,
        **options,
    ):
        year = year or timezone.localdate().year
        if not 2000 <= year <= 2100:
            raise CommandError(_("Enter a year such as 2026."))
        if output is not None and output.suffix.lower() not in SUFFIXES:
            raise CommandError(_("The output file must end in .xlsx or .csv."))
        chosen_unit = None
        if unit:
            chosen_unit = Unit.objects.filter(code=unit).first()
            if chosen_unit is None:
                raise CommandError(_("No unit has the code “%(code)s”.") % {"code": unit})
        section_id = None
        if section:
            sections = Section.objects.filter(name=section)
            if chosen_unit is not None:
                sections = sections.filter(unit__path__startswith=chosen_unit.path)
            found = sections.order_by("pk").first()
            if found is None:
                raise CommandError(_("No section is called “%(name)s”.") % {"name": section})
            section_id = found.pk
        report = compliance(year=year, cadres=Cadre.objects.all(), unit=chosen_unit, section_id=section_id)
        rows = report.behind() if behind else report.rows + report.apart
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
