"""``manage.py practice_hours --year Y``: count the year's practice again, after its conversion rules changed or
for records whose days have since passed (the services count only days up to today).  Idempotent; audited."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from ganxun.hours.models import FIRST_RULE_YEAR, LAST_RULE_YEAR

from ...services import practice_hours_recount


class Command(BaseCommand):
    help = "Recount a year's practice hours (deployments, community reports, secondments, visits) in the ledger."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options):
        if not FIRST_RULE_YEAR <= year <= LAST_RULE_YEAR:
            raise CommandError(
                _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_RULE_YEAR, "last": LAST_RULE_YEAR}
            )
        with transaction.atomic():
            changed = practice_hours_recount(actor=None, year=year)
        self.stdout.write(_("%(count)s practice hour entries written or withdrawn.") % {"count": changed})
