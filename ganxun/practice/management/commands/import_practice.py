"""manage.py import_practice FILE --kind …: a practice list from Excel, with the same checks as the web page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.core.excel import ExcelFileError
from ganxun.practice.imports import KINDS, practice_import

ZERO = "created=0 updated=0 unchanged=0"


class Command(BaseCommand):
    help = (
        "Import a practice list from an .xlsx file: deployments (下沉/派驻), community reporting (社区报到), team "
        "members (应急支援队) or secondments (援派/挂职). Cadres are matched on the ID number, or on the name when the "
        "file has no ID number and one cadre bears it. Prints every bad cell as 第N行 列名: 原因 in row order and exits "
        "1 when any row is bad (nothing is written then); re-importing the same file changes nothing. The last line "
        "is created=N updated=N unchanged=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=KINDS, help="which list the file holds")
        parser.add_argument(
            "--campaign",
            help="deployments: the campaign they belong to (required with --kind deployment); created with the "
            "import when no campaign has that name, its period from the rows' first start and last end",
        )
        parser.add_argument(
            "--team",
            help="team members: the team (required with --kind team); created with the import when no team has "
            "that name, formed on the first joining date",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--actor",
            help="username recorded in the audit trail; the cadres and campaigns are then those this account "
            "reaches (default: every unit)",
        )

    def handle(self, *args, file: Path, kind: str, campaign, team, dry_run: bool, actor, **options):
        if kind == "deployment" and not (campaign or "").strip():
            raise CommandError(_("--kind deployment needs --campaign NAME: the campaign the deployments belong to."))
        if kind == "team" and not (team or "").strip():
            raise CommandError(_("--kind team needs --team NAME: the team the members belong to."))
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None or not user.is_admin:
                raise CommandError(_("There is no active administrator account named %(name)s.") % {"name": actor})
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = practice_import(
                file,
                kind=kind,
                file_name=file.name,
                actor=user,
                actor_name="" if user else "import_practice",
                campaign=campaign or "",
                team=team or "",
                write=not dry_run,
                max_errors=None,
                max_changes=None,
            )
        except ExcelFileError as exc:
            self.stdout.write(exc.message)
            self.stdout.write(ZERO)
            raise CommandError(_("Nothing was written."), returncode=1) from exc
        for error in result.errors:
            self.stdout.write(str(error))
        if result.errors:
            self.stdout.write(ZERO)
            raise CommandError(
                _("%(count)s errors; nothing was written.") % {"count": result.error_count}, returncode=1
            )
        for change in result.changes:
            self.stdout.write(_("Row %(row)s changes: %(change)s") % {"row": change.row, "change": change.text})
        if result.new_places:
            message = _("New places: %(places)s") if result.written else _("Places that would be added: %(places)s")
            self.stdout.write(message % {"places": "、".join(result.new_places)})
        if result.widened_group:
            self.stdout.write(result.widened_group)
        if result.created_group:
            message = _("Created the %(what)s.") if result.written else _("The %(what)s would be created.")
            self.stdout.write(message % {"what": result.created_group})
        self.stdout.write(result.counts)
