"""manage.py import_online FILE --platform NAME: a platform's export, with the same checks as the web page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.core.excel import ExcelFileError
from ganxun.online.imports import online_import
from ganxun.online.models import Platform

ZERO = "created=0 updated=0 unchanged=0 flagged=0 unmatched=0"


class Command(BaseCommand):
    help = (
        "Import an online platform's export (.xlsx) as the platform gives it: title rows, merged header cells and a "
        "合计 row are fine. People are matched by ID number, mobile number, the platform's user name when it is one "
        "of those, or a name unique in the unit. Prints every bad cell as 第N行 列名: 原因 and exits 1 when any row "
        "is bad (nothing is written then); a person not on the roster is listed and does not stop the others unless "
        "--strict. The last line is created=N updated=N unchanged=N flagged=N unmatched=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--platform", required=True, help="the platform's name, e.g. 干部在线学习")
        parser.add_argument("--year", type=int, help="the year of the figures (default: the file's, else this year)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--strict", action="store_true", help="a person not on the roster is a bad row")
        parser.add_argument("--actor", help="username recorded in the audit trail (default: the command itself)")

    def handle(self, *args, file: Path, platform: str, year, dry_run: bool, strict: bool, actor, **options):
        found = Platform.objects.filter(name=platform.strip()).first()
        if found is None:
            names = "、".join(Platform.objects.values_list("name", flat=True))
            raise CommandError(
                _("No platform is named %(name)s; the platforms are %(names)s.") % {"name": platform, "names": names}
            )
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None or not user.is_admin:
                raise CommandError(_("There is no active administrator account named %(name)s.") % {"name": actor})
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        try:
            result = online_import(
                file,
                platform=found,
                file_name=file.name,
                actor=user,
                actor_name="" if user else "import_online",
                year=year,
                strict=strict,
                write=not dry_run,
                max_errors=None,
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
        for notice in result.notices:
            self.stdout.write(notice)
        for listed in result.unmatched_people:
            self.stdout.write(
                _("Row %(row)s: %(name)s %(id)s is not on the roster.")
                % {"row": listed.row, "name": listed.name, "id": listed.identifier}
            )
        for listed in result.flagged_people:
            self.stdout.write(
                _("Row %(row)s: %(name)s held for review: %(why)s")
                % {"row": listed.row, "name": listed.name, "why": "；".join(listed.flags)}
            )
        self.stdout.write(result.counts)
