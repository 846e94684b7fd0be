"""manage.py import_roster FILE: the roster import for automation, with the same checks as the web page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.core.excel import ExcelFileError
from ganxun.roster.imports import roster_import


class Command(BaseCommand):
    help = (
        "Import cadres from an .xlsx roster. Prints every bad cell in row order, exits 1 when any row is bad; "
        "otherwise prints what changes for each updated cadre. The last line is created=N updated=N unchanged=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--create-sections", action="store_true", help="create sections not yet in the system")
        parser.add_argument("--actor", help="username recorded in the audit trail")

    def handle(self, *args, file: Path, dry_run: bool, create_sections: bool, actor: str | None, **options):
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
        for change in result.changes:
            self.stdout.write(str(change))
        self.stdout.write(result.counts)
