"""``manage.py rebuild_hour_totals [--check]``: rebuild the maintained 学时 totals from the ledger, or compare them.

The totals (``HourTotal``) are kept in the same transaction as every ledger write; this rebuilds them after a
repair by hand or a bulk load that bypassed the services, and ``--check`` lists where they differ from the
ledger (exit status 1) without writing anything.
"""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from ganxun.hours import totals


class Command(BaseCommand):
    help = (
        "Rebuild the maintained hour totals from the ledger (every entry attributed to the unit and section of "
        "its date), or with --check compare them and exit 1 listing the differences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 when the totals differ")

    def handle(self, *args, check: bool, **options):
        if check:
            found = totals.differences(limit=100)
            if found:
                for line in found:
                    self.stdout.write(line)
                raise CommandError(
                    _("The hour totals differ from the ledger (%(count)d shown).") % {"count": len(found)}
                )
            self.stdout.write(self.style.SUCCESS(_("The hour totals equal the ledger.")))
            return
        with transaction.atomic():
            rows = totals.rebuild()
        self.stdout.write(
            self.style.SUCCESS(_("Rebuilt %(rows)d rows of hour totals from the ledger.") % {"rows": rows})
        )
