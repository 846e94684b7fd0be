"""Migrations turn today's data into units and periods of service without loss (roster 0004, accounts 0004).

A database at roster 0003 / accounts 0003 gets the demo bureau written with the historical models (its 科室,
tags, cadres with their statuses, and the demo accounts), plus cadres without a hire date or without any date;
migrating forward must give every cadre exactly one period, open, starting at the hire date (or the work start
date, or 1900-01-01), with the values the cadre holds, all in the one unit that now holds every 科室, and the
training administrators' accounts in it.  Runs on whichever database the tests use (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from ganxun.demo.bureau import DEMO_ACCOUNTS, LEADERSHIP_SECTION, SECTIONS, TAGS, BureauPlanner

BEFORE = [("roster", "0003_cadre_democratic_party"), ("accounts", "0003_login_security_records")]
PERIOD_FIELDS = ("unit_id", "section_id", "post", "rank", "leadership_level", "status")
EARLIEST = dt.date(1900, 1, 1)


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class UnitsAndPeriodsMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate(leaves())  # the next tests find the schema as it is today

    def load_demo_before(self, apps, today: dt.date) -> dict[str, dict]:
        """The demo bureau as roster 0003 holds it; returns what each cadre holds, by ID number."""
        Section = apps.get_model("roster", "Section")
        Tag = apps.get_model("roster", "Tag")
        Cadre = apps.get_model("roster", "Cadre")
        User = apps.get_model("accounts", "User")
        sections = {LEADERSHIP_SECTION: Section.objects.create(name=LEADERSHIP_SECTION, sort_order=0)}
        for order, plan in enumerate(SECTIONS, start=1):
            sections[plan.name] = Section.objects.create(name=plan.name, sort_order=order * 10)
        tags = {name: Tag.objects.create(name=name, description=text) for name, text in TAGS.items()}
        by_key = {}
        people = BureauPlanner(today).plan()
        for index, person in enumerate(people):
            fields = {k: v for k, v in person.fields.items() if not k.startswith("_")}
            if index == 7:
                fields["hire_date"] = None  # only the work start date is known
            if index == 8:
                fields["hire_date"] = fields["work_start_date"] = None  # no date at all
                fields["rank_date"] = None
            cadre = Cadre.objects.create(section=sections[person.section], status=person.status, **fields)
            cadre.tags.set([tags[t] for t in person.tags])
            if person.key:
                by_key[person.key] = cadre
        for account in DEMO_ACCOUNTS:
            User.objects.create(username=account.username, role=account.role, cadre=by_key.get(account.person_key))
        self.assertGreater(len(people), 100)
        self.assertTrue({p.status for p in people} > {"active"})  # retired and transferred ones too
        return {c["id_number"]: c for c in Cadre.objects.values()}

    def test_every_cadre_gets_one_first_period_equal_to_it_in_the_one_unit(self):
        executor = migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        held = self.load_demo_before(old, dt.date(2026, 6, 30))

        executor = migrate(leaves())
        apps = executor.loader.project_state(leaves()).apps
        Unit = apps.get_model("roster", "Unit")
        Section = apps.get_model("roster", "Section")
        Cadre = apps.get_model("roster", "Cadre")
        CadrePeriod = apps.get_model("roster", "CadrePeriod")
        User = apps.get_model("accounts", "User")

        unit = Unit.objects.get()
        self.assertEqual((unit.code, unit.path, unit.parent_id), ("HOME", f"/{unit.pk}/", None))
        self.assertEqual(set(Section.objects.values_list("unit_id", flat=True)), {unit.pk})
        self.assertEqual(Cadre.objects.count(), len(held))
        self.assertEqual(CadrePeriod.objects.count(), len(held))
        for cadre in Cadre.objects.all():
            before = held[cadre.id_number]
            self.assertEqual(cadre.unit_id, unit.pk)
            periods = list(CadrePeriod.objects.filter(cadre_id=cadre.pk))
            self.assertEqual(len(periods), 1, cadre.name)
            period = periods[0]
            start = before["hire_date"] or before["work_start_date"] or EARLIEST
            self.assertEqual((period.valid_from, period.valid_to), (start, None))
            self.assertEqual(
                {f: getattr(period, f) for f in PERIOD_FIELDS}, {f: getattr(cadre, f) for f in PERIOD_FIELDS}
            )
            for name in ("section_id", "post", "rank", "leadership_level", "status"):
                self.assertEqual(getattr(period, name), before[name], (cadre.name, name))
        starts = set(CadrePeriod.objects.values_list("valid_from", flat=True))
        self.assertIn(EARLIEST, starts)
        self.assertTrue(set(held) and {c["status"] for c in held.values()} >= {"active", "retired", "transferred"})
        units = dict(User.objects.values_list("role", "unit_id"))
        self.assertEqual(units["training_admin"], unit.pk)
        self.assertIsNone(units["system_admin"])
        self.assertIsNone(units["section_head"])
