"""manage.py online_hours --year Y [--platform NAME]: the year's online credits converted again by the rules as
they are now (a points rule set after the import, a unit's own rate); idempotent."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ganxun.online.models import Platform
from ganxun.online.services import credits_recount


class Command(BaseCommand):
    help = (
        "Convert a year's imported online figures into 学时 again by the rules as they are now, e.g. after a rule "
        "saying how many points make one 学时 was set. Entries already right are left alone. The last line is "
        "counted=N unchanged=N uncounted=N superseded=N."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--platform", help="only this platform, e.g. 学习强国")
        parser.add_argument("--actor", help="username recorded in the audit trail (default: the command itself)")

    def handle(self, *args, year: int, platform, actor, **options):
        found = None
        if platform:
            found = Platform.objects.filter(name=platform.strip()).first()
            if found is None:
                names = "、".join(Platform.objects.values_list("name", flat=True))
                raise CommandError(
                    _("No platform is named %(name)s; the platforms are %(names)s.")
                    % {"name": platform, "names": names}
                )
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None or not user.is_admin:
                raise CommandError(_("There is no active administrator account named %(name)s.") % {"name": actor})
        done = credits_recount(actor=user, year=year, platform=found)
        self.stdout.write(
            f"counted={done.counted} unchanged={done.unchanged} uncounted={done.uncounted} superseded={done.superseded}"
        )
