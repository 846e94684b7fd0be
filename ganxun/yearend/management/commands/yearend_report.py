"""``manage.py yearend_report --year Y [--unit CODE] --output FILE.docx [--figures FILE.json]``: the year-end report
of a unit (default: the home unit) as a Word document, from the unit's draft of the year if there is one (else the
default text, no draft saved), with the figures computed now; ``--figures`` also writes them as one JSON object
(figure key → value; numbers as numbers, ``team_members`` a dict of team → members as ``practice_figures`` prints)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.roster.models import Unit, home_unit_id
from ganxun.yearend.models import Draft
from ganxun.yearend.prose import default_paragraphs
from ganxun.yearend.services import check_year, fresh_figures
from ganxun.yearend.word import report_docx


class Command(BaseCommand):
    help = (
        "Write the year-end training report of a unit as a Word document in official layout, from its draft of "
        "the year (or the default text) with the figures computed now; --figures also writes the figures as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the year, e.g. 2026")
        parser.add_argument("--unit", default=None, help="the unit's short code (default: the home unit)")
        parser.add_argument("--output", required=True, help="the .docx file to write")
        parser.add_argument("--figures", default=None, help="also write the figures to this JSON file")

    def handle(self, *args, year: int, unit: str | None, output: str, figures: str | None, **options):
        try:
            check_year(year)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        if unit:
            chosen = Unit.objects.filter(code__iexact=unit.strip()).first()
            if chosen is None:
                raise CommandError(_("No unit has the code “%(code)s”.") % {"code": unit})
        else:
            chosen = Unit.objects.get(pk=home_unit_id())
        draft = Draft.objects.filter(unit=chosen, year=year).first()
        if draft is not None:
            paragraphs = list(draft.paragraphs.values_list("kind", "text"))
        else:
            paragraphs = default_paragraphs(chosen.name, year)
        stored, computed_at = fresh_figures(year=year, unit=chosen)
        content = report_docx(
            unit_name=chosen.name, year=year, paragraphs=paragraphs, figures=stored, computed_at=computed_at
        )
        try:
            Path(output).write_bytes(content)
            if figures:
                values = {key: figure["value"] for key, figure in stored.items()}
                Path(figures).write_text(json.dumps(values, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: its folder does not exist or may not be written to.")
                % {"path": error.filename}
            ) from error
        source = _("the draft") if draft is not None else _("the default text")
        self.stdout.write(
            _("Wrote the %(year)s year-end report of %(unit)s (%(source)s, %(count)s figures) to %(output)s%(json)s.")
            % {
                "year": year,
                "unit": chosen.name,
                "source": source,
                "count": len(stored),
                "output": output,
                "json": _("; the figures to %(path)s") % {"path": figures} if figures else "",
            }
        )
