"""manage.py import_roster FILE: the roster import for automation, with the same checks as the web page."""

import datetime as dt
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.core.excel import ExcelFileError
from ganxun.roster.history import effective_error
from ganxun.roster.imports import roster_import


class Command(BaseCommand):
    help = (
        "Import cadres from an .xlsx roster. Prints every bad cell in row order, exits 1 when any row is bad; "
        "otherwise prints, when cadres change, the as-of date and what changes for each. The last line is "
        "created=N updated=N unchanged=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--create-sections", action="store_true", help="create sections not yet in the system")
        parser.add_argument("--actor", help="username recorded in the audit trail")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help="YYYY-MM-DD: the day the changes to section, post, rank, leadership level and status take effect "
            "(default today)",
        )

    def handle(
        self, *args, file: Path, dry_run: bool, create_sections: bool, actor: str | None, as_of: str | None, **options
    ):
        day = timezone.localdate()
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(
                    _("--as-of takes a date as YYYY-MM-DD, not “%(value)s”.") % {"value": as_of}
                ) from None
        message = effective_error(day)
        if message:
            raise CommandError(message)
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(_("There is no active account named %(name)s.") % {"name": actor})
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = roster_import(
                file,
                file_name=file.name,
                actor=user,
                actor_name="" if user else "import_roster",
                write=not dry_run,
                accept_new_sections=create_sections,
                max_errors=None,
                max_changes=None,
                as_of=day,
            )
        except ExcelFileError as exc:
            self.stdout.write(exc.message)
            self.stdout.write("created=0 updated=0 unchanged=0")
            raise CommandError(_("Nothing was written."), returncode=1) from exc
        errors = result.all_errors(with_sections=not create_sections)
        for error in errors:
            self.stdout.write(str(error))
        if errors:
            self.stdout.write("created=0 updated=0 unchanged=0")
            raise CommandError(_("%(count)s errors; nothing was written.") % {"count": len(errors)}, returncode=1)
        if result.updated:
            self.stdout.write(_("Changes take effect on %(date)s.") % {"date": day.isoformat()})
        for change in result.changes:
            self.stdout.write(str(change))
        self.stdout.write(result.counts)
