"""``manage.py load_demo``: fill an empty database with the demo bureau (see ganxun/demo/bureau.py) and its
year of training (ganxun/demo/loader.py), each written through its apps' services."""

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.accounts.models import User
from ganxun.demo.bureau import DEMO_ACCOUNTS, DEMO_PASSWORD, load_bureau
from ganxun.demo.loader import load_training_year
from ganxun.demo.microclass import load_microclass
from ganxun.demo.practice import load_practice_year
from ganxun.demo.professional import load_professional
from ganxun.demo.sites import load_sites
from ganxun.demo.theory import load_theory_year
from ganxun.demo.yearend import load_yearend
from ganxun.roster.models import Cadre


class Command(BaseCommand):
    help = (
        "Load the demo bureau (about a dozen sections, about 180 cadres, one account per role) and a year of its "
        "training (activities, attendance, hours) into an EMPTY database.  It never changes or deletes existing data: with cadres present it stops with an error, or "
        "with --if-empty does nothing.  Refused under DJANGO_ENV=production, because the demo accounts have "
        "published passwords.  --accounts prints the demo accounts and their passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing (and succeed) when the database already has cadres"
        )
        parser.add_argument("--accounts", action="store_true", help="only print the demo accounts and their passwords")

    def handle(self, *args, if_empty: bool, accounts: bool, **options):
        if accounts:
            self.print_accounts()
            return
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(_("The demo bureau is not loaded in production: its accounts have known passwords."))
        if Cadre.objects.exists() or User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists():
            if if_empty:
                self.stdout.write(_("The database already has data; the demo bureau was not loaded."))
                return
            raise CommandError(
                _(
                    "The database already has data and load_demo never changes existing data. "
                    "Use --if-empty, or start from an empty database (delete var/ganxun.sqlite3 and migrate)."
                )
            )
        today = timezone.localdate()
        with transaction.atomic():  # all or nothing: a half-loaded demo would be skipped by --if-empty
            result = load_bureau(today=today)
            year = load_training_year(today=today)
            practice = load_practice_year(today=today)
            theory = load_theory_year(today=today)
            micro = load_microclass(today=today)
            professional = load_professional(today=today)
            load_sites(today=today)  # the 现场教学 sites, the year's 现场教学 activities held there
            load_yearend(today=today)  # the bureau's year-end draft, from the year just written
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo bureau loaded: %(sections)d sections, %(cadres)d cadres, %(accounts)d accounts.")
                % {"sections": result.sections, "cadres": result.cadres, "accounts": len(result.accounts)}
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "A year of training loaded: %(activities)d activities, %(sessions)d sessions, "
                    "%(attendances)d attendance records, %(entries)d hour entries."
                )
                % {
                    "activities": year.activities,
                    "sessions": year.sessions,
                    "attendances": year.attendances,
                    "entries": year.entries,
                }
            )
        )

        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "A year of practice loaded (%(year)s): %(stints)d deployments, %(reports)d community reports, "
                    "%(members)d team members, %(secondments)d secondments."
                )
                % {
                    "year": practice.year,
                    "stints": practice.stints,
                    "reports": practice.community_reports,
                    "members": practice.members,
                    "secondments": practice.secondments,
                }
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "The leadership's study record loaded: %(plans)d years' 中心组 plans, %(self_study)d self-study records."
                )
                % {"plans": theory.plans, "self_study": theory.self_study}
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Online platforms' exports imported: figures of %(people)d cadres, %(flagged)d held for review, "
                    "%(unmatched)d people not on the roster."
                )
                % {
                    "people": theory.online_people,
                    "flagged": theory.online_flagged,
                    "unmatched": theory.online_unmatched,
                }
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "微课堂 loaded: %(lessons)d lessons assigned to %(assigned)d cadres, %(completed)d lessons completed."
                )
                % {"lessons": micro.lessons, "assigned": micro.assigned, "completed": micro.completed}
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Professional classroom loaded: a plan of %(items)d items, %(lectures)d monthly lectures "
                    "scheduled, %(nominations)d nominations, %(rotations)d rotations of new cadres (%(evaluated)d "
                    "evaluated), %(turns)d reception turns and %(cases)d petition cases."
                )
                % {
                    "turns": professional.duty_turns,
                    "cases": professional.cases,
                    "items": professional.plan_items,
                    "nominations": professional.nominations,
                    "lectures": professional.lectures,
                    "rotations": professional.rotations,
                    "evaluated": professional.evaluated,
                }
            )
        )

    def print_accounts(self) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
        if not users:
            self.stdout.write(_("No demo accounts in this database; run load_demo first."))
            return
        self.stdout.write(_("Demo accounts (password %(password)s):") % {"password": DEMO_PASSWORD})
        for account in DEMO_ACCOUNTS:
            user = users.get(account.username)
            if user is None:
                continue
            note = "" if user.check_password(DEMO_PASSWORD) else _(" (password since changed)")
            self.stdout.write(f"  {account.username:<12} {DEMO_PASSWORD}  {account.description}{note}")
