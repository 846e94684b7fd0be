"""The evidence migrations turn today's rows into referenced ones without loss (run on SQLite and PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganxun.hours.models import LedgerEntry, OutsideClass
from ganxun.roster.tests.factories import CadreFactory
from ganxun.training.models import Session
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

BEFORE_REFERENCE = ("hours", "0008_rules_per_unit_and_history_rule")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_entries_get_a_reference_to_their_source():
    cadre = CadreFactory()
    session = SessionFactory(activity=ActivityFactory(), date=dt.date(2026, 3, 2))
    outside = OutsideClass.objects.create(
        title="区委党校中青班",
        organiser="区委党校",
        start_date=dt.date(2026, 4, 7),
        end_date=dt.date(2026, 4, 8),
        hours=Decimal(16),
    )
    old_apps = migrate([BEFORE_REFERENCE])
    OldEntry = old_apps.get_model("hours", "LedgerEntry")
    common = {"cadre_id": cadre.pk, "date": dt.date(2026, 3, 2), "hours": Decimal(2), "bucket": "centralised"}
    rows = {
        "session": OldEntry.objects.create(source="session", source_id=session.pk, title="会", **common).pk,
        "lecture": OldEntry.objects.create(source="lecture", source_id=session.pk, title="授课", **common).pk,
        "outside_class": OldEntry.objects.create(source="outside_class", source_id=outside.pk, title="班", **common).pk,
        "online_record": OldEntry.objects.create(source="online_record", source_id=99, title="网", **common).pk,
        "self_report": OldEntry.objects.create(source="self_report", source_id=None, title="自学", **common).pk,
    }
    migrate(latest())
    entries = {e.pk: e for e in LedgerEntry.objects.all()}
    assert len(entries) == 5  # nothing lost
    assert entries[rows["session"]].source_object == session
    assert entries[rows["lecture"]].source_object == session
    assert entries[rows["outside_class"]].source_object == outside
    assert entries[rows["online_record"]].source_type is None  # no model for online records yet
    assert entries[rows["self_report"]].source_type is None  # a self-report is its own record
    assert entries[rows["session"]].source_type == ContentType.objects.get_for_model(Session)
    assert {(e.source, e.source_id, e.hours, e.title) for e in entries.values()} == {
        ("session", session.pk, Decimal(2), "会"),
        ("lecture", session.pk, Decimal(2), "授课"),
        ("outside_class", outside.pk, Decimal(2), "班"),
        ("online_record", 99, Decimal(2), "网"),
        ("self_report", None, Decimal(2), "自学"),
    }


@pytest.mark.django_db(transaction=True)
def test_existing_duplicate_self_reports_are_kept_rejected_before_the_constraint():
    cadre = CadreFactory()
    old_apps = migrate([("hours", "0009_ledger_entries_reference_their_source")])
    OldEntry = old_apps.get_model("hours", "LedgerEntry")
    common = {"cadre_id": cadre.pk, "hours": Decimal(2), "bucket": "self_study", "source": "self_report"}
    first = OldEntry.objects.create(date=dt.date(2026, 3, 2), title="自学PPT", status="confirmed", **common)
    again = OldEntry.objects.create(date=dt.date(2026, 3, 2), title="自学ppt", status="pending", **common)
    other_day = OldEntry.objects.create(date=dt.date(2026, 3, 3), title="自学PPT", status="pending", **common)
    migrate(latest())
    status = dict(LedgerEntry.objects.values_list("pk", "status"))
    assert status == {first.pk: "confirmed", again.pk: "rejected", other_day.pk: "pending"}
    assert str(first.pk) in LedgerEntry.objects.get(pk=again.pk).reason


@pytest.mark.django_db(transaction=True)
def test_lecturers_of_one_session_activities_teach_that_session():
    from ganxun.training.models import Lecturer

    lecture = SessionFactory(activity=ActivityFactory(), date=dt.date(2026, 6, 30))
    class_activity = ActivityFactory()
    SessionFactory(activity=class_activity, date=dt.date(2026, 6, 1))
    SessionFactory(activity=class_activity, date=dt.date(2026, 6, 2))
    teacher = CadreFactory()
    old_apps = migrate([("training", "0003_sessions_within_sane_bounds_and_kinds_evaluated_by_default")])
    OldLecturer = old_apps.get_model("training", "Lecturer")
    one = OldLecturer.objects.create(activity_id=lecture.activity_id, cadre_id=teacher.pk).pk
    outside = OldLecturer.objects.create(activity_id=lecture.activity_id, outside_name="王处长").pk
    several = OldLecturer.objects.create(activity_id=class_activity.pk, cadre_id=teacher.pk).pk
    migrate(latest())
    assert list(Lecturer.objects.get(pk=one).sessions.all()) == [Session.objects.get(pk=lecture.pk)]
    assert list(Lecturer.objects.get(pk=outside).sessions.all()) == [Session.objects.get(pk=lecture.pk)]
    assert not Lecturer.objects.get(pk=several).sessions.exists()  # nothing guessed
    assert Lecturer.objects.count() == 3
