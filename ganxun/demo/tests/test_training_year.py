"""The demo bureau's year of training: a plausible calendar, real attendance, and a ledger the services agree with."""

import datetime as dt
from collections import Counter
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db.models import Avg
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.attendance.models import Attendance, Evaluation
from ganxun.attendance.services import completion, sync_ledger
from ganxun.audit.models import Action, AuditEvent
from ganxun.demo.bureau import load_bureau
from ganxun.demo.loader import load_training_year
from ganxun.demo.schedule import is_working_day, last_working_day, plan_year, window_months
from ganxun.hours.models import EntryStatus, LedgerEntry, OutsideClass, Source
from ganxun.hours.queries import compliance
from ganxun.roster.models import Cadre
from ganxun.training.models import Activity, AttendanceStatus, Classroom, Enrolment, Lecturer, Session
from ganxun.training.services import lecture_hours

TODAY = dt.date(2026, 11, 27)  # a Friday; the 30th, a Monday, is November's last working day
KINDS = {
    "党委会学习",
    "中心组学习",
    "党课",
    "座谈会",
    "主题党日",
    "主题团日",
    "全员培训班",
    "初任培训班",
    "党务干部培训班",
    "月末讲坛",
    "现场教学",
    "实践活动",
}


def fingerprint(plans) -> list[tuple]:
    return [(p.kind, p.title, [(s.date, s.start, s.end) for s in p.sittings], p.lecturers, p.audience) for p in plans]


def test_the_calendar_is_the_same_on_every_run_and_counts_back_from_the_day_of_loading():
    assert fingerprint(plan_year(TODAY)) == fingerprint(plan_year(TODAY))
    later = plan_year(TODAY + dt.timedelta(days=120))
    assert fingerprint(later) != fingerprint(plan_year(TODAY))
    for plans, today in ((plan_year(TODAY), TODAY), (later, TODAY + dt.timedelta(days=120))):
        past = [s.date for p in plans for s in p.sittings if s.date < today]
        assert min(past) > today - dt.timedelta(days=366)
        assert all(is_working_day(day) for p in plans for day in (s.date for s in p.sittings))


def test_the_plan_holds_every_kind_the_seed_document_names():
    plans = plan_year(TODAY)
    assert {p.kind for p in plans} >= KINDS
    assert any("滨江工业遗存" in p.title for p in plans if p.kind == "党课")
    assert any("庆祝建党105周年" in p.title for p in plans if p.kind == "座谈会")
    assert any("五四" in p.title for p in plans if p.kind == "主题团日")
    sites = " ".join(p.title for p in plans if p.kind == "现场教学")
    assert "加装电梯" in sites and "美丽家园" in sites
    assert next(p for p in plans if p.kind == "全员培训班").sittings[0].date.month == 3


def test_the_lecture_series_is_on_the_last_working_day_of_every_month_with_one_ahead():
    lectures = [p for p in plan_year(TODAY) if p.kind == "月末讲坛"]
    months = window_months(TODAY)
    assert len(months) == 12 and months[-1] == (2026, 11) and months[0] == (2025, 12)
    assert [(p.first_day.year, p.first_day.month) for p in lectures] == months
    for plan in lectures:
        assert plan.first_day == last_working_day(plan.first_day.year, plan.first_day.month)
    assert lectures[-1].first_day == dt.date(2026, 11, 30)
    assert last_working_day(2026, 10) == dt.date(2026, 10, 30)
    assert last_working_day(2026, 5) == dt.date(2026, 5, 29)
    # Once November's lecture is over, December's is on the calendar.
    december = [p for p in plan_year(dt.date(2026, 12, 1)) if p.kind == "月末讲坛"]
    assert december[-1].first_day == dt.date(2026, 12, 31)


class LoadedYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        cls.result = load_training_year(today=TODAY)
        cls.admin = User.objects.get(username="trainadmin")  # the bureau's (orgadmin is the district's)

    def past_attendance(self):
        return Attendance.objects.filter(session__date__lt=TODAY)

    def test_a_year_in_all_three_classrooms(self):
        activities = Activity.objects.select_related("kind")
        assert 45 <= activities.count() <= 70
        assert {a.kind.classroom for a in activities} == set(Classroom.values)
        assert {a.kind.name for a in activities} >= KINDS
        for classroom in Classroom.values:
            assert Attendance.objects.filter(session__activity__kind__classroom=classroom).exists(), classroom
        assert self.result.attendances == Attendance.objects.count() > 3000
        # Enrolled as they stood on the day: nobody in an activity held before they were hired.
        for enrolment in Enrolment.objects.filter(cadre__hire_date__gte=TODAY - dt.timedelta(days=365)).select_related(
            "cadre", "activity"
        ):
            first = enrolment.activity.sessions.order_by("date").first()
            assert first.date >= enrolment.cadre.hire_date, (enrolment.cadre, enrolment.activity)

    def test_attendance_looks_like_a_real_bureau(self):
        statuses = Counter(self.past_attendance().values_list("status", flat=True))
        total = sum(statuses.values())
        assert 0.85 <= statuses[AttendanceStatus.PRESENT] / total <= 0.95
        assert statuses[AttendanceStatus.LEAVE] > statuses[AttendanceStatus.ABSENT] > 0
        assert not self.past_attendance().filter(status=AttendanceStatus.LEAVE, reason="").exists()
        assert not Attendance.objects.filter(session__date__gte=TODAY).exists()
        present = self.past_attendance().filter(status=AttendanceStatus.PRESENT)
        assert not present.filter(checked_in_at=None).exists()
        # Check-in times are those of the day, not of the loading.
        for attendance in present.select_related("session")[:200]:
            assert timezone.localtime(attendance.checked_in_at).date() == attendance.session.date

    def test_every_counted_attendance_is_one_confirmed_entry_and_everything_is_audited(self):
        present = self.past_attendance().filter(status=AttendanceStatus.PRESENT)
        entries = LedgerEntry.objects.filter(source=Source.SESSION)
        counted = {
            (c, s): (status, hours)
            for c, s, status, hours in entries.values_list("cadre_id", "source_id", "status", "hours")
        }
        uncounted = set()
        for cadre_id, session_id, hours, activity_id in present.values_list(
            "cadre_id", "session_id", "session__hours", "session__activity_id"
        ):
            if counted.get((cadre_id, session_id)) != (EntryStatus.CONFIRMED, hours):
                uncounted.add((activity_id, cadre_id))
        # Only a class not completed leaves a sitting attended uncounted (rejected, or never counted at all).
        for activity_id, cadre_id in uncounted:
            activity = Activity.objects.get(pk=activity_id)
            rows = list(
                Attendance.objects.filter(session__activity=activity, cadre_id=cadre_id).select_related("session")
            )
            assert activity.kind.is_class and not completion(activity, rows)[0]
        assert len(uncounted) == 3
        assert entries.filter(status=EntryStatus.CONFIRMED).count() > 4000
        assert not LedgerEntry.objects.filter(source=Source.SESSION, cadre__attendances__isnull=True).exists()
        audited = AuditEvent.objects.filter(action=Action.CREATE)
        assert audited.filter(object_type="attendance").count() == Attendance.objects.count()
        assert audited.filter(object_type="ledgerentry").count() == LedgerEntry.objects.count()
        assert audited.filter(object_type="activity").count() == Activity.objects.count()
        assert audited.filter(object_type="session").count() == Session.objects.count()

    def test_the_bulk_rows_are_exactly_what_the_services_would_write(self):
        """Running the ledger sync over the demo's attendance finds nothing to change."""
        entries_before = list(LedgerEntry.objects.order_by("pk").values())
        events_before = AuditEvent.objects.count()
        pairs = (
            Attendance.objects.filter(session__date__lt=TODAY)
            .values_list("session__activity_id", "cadre_id")
            .distinct()
            .order_by("session__activity_id", "cadre_id")
        )
        seen: Counter = Counter()
        for activity_id, cadre_id in pairs:
            if seen[activity_id] < 4:  # a few cadres of every activity
                seen[activity_id] += 1
                sync_ledger(
                    actor=self.admin,
                    activity=Activity.objects.get(pk=activity_id),
                    cadre=Cadre.objects.get(pk=cadre_id),
                )
        assert len(seen) > 40
        assert AuditEvent.objects.count() == events_before
        assert list(LedgerEntry.objects.order_by("pk").values()) == entries_before

    def test_leave_beyond_a_seventh_of_a_class_leaves_it_uncompleted(self):
        failed = LedgerEntry.objects.filter(source=Source.SESSION, status=EntryStatus.REJECTED)
        pairs = set(
            Session.objects.filter(pk__in=failed.values("source_id")).values_list("activity_id", flat=True).distinct()
        )
        assert pairs, "some class was not completed"
        not_completed = 0
        for activity in Activity.objects.filter(kind__is_class=True, sessions__date__lt=TODAY).distinct():
            for cadre_id in activity.enrolments.values_list("cadre_id", flat=True):
                rows = list(
                    Attendance.objects.filter(session__activity=activity, cadre_id=cadre_id).select_related("session")
                )
                completed, missed, total = completion(activity, rows)
                entries = LedgerEntry.objects.filter(
                    cadre_id=cadre_id, source=Source.SESSION, source_id__in=[r.session_id for r in rows]
                )
                if completed:
                    assert not entries.exclude(status=EntryStatus.CONFIRMED).exists()
                else:
                    not_completed += 1
                    assert missed > total / 7
                    assert entries.exists() and not entries.filter(status=EntryStatus.CONFIRMED).exists()
        assert 2 <= not_completed <= 5
        # Missing one half-day of the four-day class is allowed, and some did; two missed more.
        general = Activity.objects.get(kind__name="全员培训班")
        leaves = Counter(
            Attendance.objects.filter(session__activity=general, status=AttendanceStatus.LEAVE).values_list(
                "cadre_id", flat=True
            )
        )
        assert Counter(leaves.values())[1] >= 5 and Counter(leaves.values())[2] == 2

    def test_the_study_registers_are_kept(self):
        sessions = Session.objects.filter(activity__kind__is_study_session=True, date__lt=TODAY)
        assert sessions.count() >= 20
        for session in sessions:
            assert session.host and session.speaker and session.key_speakers and session.recorder and session.minutes
            for attendance in session.attendances.exclude(status=AttendanceStatus.PRESENT).select_related("cadre"):
                assert attendance.cadre.name in session.makeup_note
        assert sessions.exclude(makeup_note="").exists()
        widened = sessions.filter(activity__title__contains="（扩大）").first()
        assert widened.attendances.count() > 20

    def test_evaluations_come_from_those_who_came_while_it_was_open(self):
        evaluations = Evaluation.objects.select_related("session")
        assert evaluations.count() > 1000
        averages = evaluations.aggregate(c=Avg("content"), d=Avg("delivery"), u=Avg("usefulness"))
        assert all(3.8 <= value <= 4.9 for value in averages.values())
        assert evaluations.filter(content__lte=3).exists()
        assert 0.6 <= evaluations.filter(anonymous=True).count() / evaluations.count() <= 0.95
        assert evaluations.exclude(comment="").exists()
        for evaluation in evaluations[:300]:
            session = evaluation.session
            assert Attendance.objects.filter(
                session=session, cadre_id=evaluation.cadre_id, status=AttendanceStatus.PRESENT
            ).exists()
            assert evaluation.submitted_at < session.evaluation_closes_at
            assert evaluation.submitted_at > timezone.make_aware(dt.datetime.combine(session.date, session.end_time))

    def test_self_reports_in_every_state_through_the_review_workflow(self):
        reports = LedgerEntry.objects.filter(source=Source.SELF_REPORT)
        assert set(reports.values_list("status", flat=True)) == set(EntryStatus.values)
        assert not reports.filter(status=EntryStatus.REJECTED, reason="").exists()
        head = User.objects.get(role=Role.SECTION_HEAD)
        approved = reports.filter(status=EntryStatus.SECTION_APPROVED)
        assert not approved.exclude(section_reviewed_by=head).exists()
        assert not reports.filter(status=EntryStatus.CONFIRMED, decided_by=None).exists()
        assert reports.filter(status=EntryStatus.PENDING, cadre__section=head.cadre.section).exists()
        with translation.override(settings.LANGUAGE_CODE):
            submitted, confirmed = _("Self-report submitted"), _("Self-report confirmed")
        assert AuditEvent.objects.filter(object_type="ledgerentry", summary=submitted).count() == reports.count()
        assert (
            AuditEvent.objects.filter(summary=confirmed).count() == reports.filter(status=EntryStatus.CONFIRMED).count()
        )
        online = reports.filter(bucket="online", status=EntryStatus.CONFIRMED)
        assert online.values("cadre").distinct().count() > 150

    def test_lecturers_are_credited_for_what_they_taught_and_outside_classes_counted(self):
        lectures = LedgerEntry.objects.filter(source=Source.LECTURE, status=EntryStatus.CONFIRMED)
        monthly = Session.objects.filter(
            activity__kind__name="月末讲坛", date__lt=TODAY, activity__lecturers__cadre__isnull=False
        )
        assert lectures.filter(source_id__in=monthly.values("pk")).count() == monthly.count() >= 10
        for entry in lectures:
            session = Session.objects.get(pk=entry.source_id)
            assert session.activity.sessions.count() == 1  # who taught which sitting of a class is not recorded
            assert entry.hours == lecture_hours(session)
            assert Lecturer.objects.filter(activity=session.activity, cadre=entry.cadre).exists()
            # Teaching is counted instead of attending, never as well.
            assert not Attendance.objects.filter(session=session, cadre=entry.cadre, status="present").exists()
        titles = list(OutsideClass.objects.values_list("title", flat=True))
        assert any("中青班" in t for t in titles) and any("青干班" in t for t in titles)
        sent = LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, date__year=TODAY.year)
        assert 3 <= sent.values("cadre").distinct().count() <= 8
        assert LedgerEntry.objects.filter(source=Source.OUTSIDE_CLASS, date__year__lt=TODAY.year).exists()

    def test_compliance_is_a_realistic_mix(self):
        report = compliance(year=TODAY.year, cadres=Cadre.objects.active(), as_of=TODAY)
        standings = Counter(row.standing for row in report.rows)
        good = sum(row.in_good_standing for row in report.rows)
        assert 0.7 <= good / len(report.rows) <= 0.95, standings
        assert standings["met"] > standings["on_track"] > 0 and standings["behind"] >= 5
        county = [row for row in report.rows if row.tier == "county_division"]
        assert any(row.in_good_standing for row in county) and not all(row.in_good_standing for row in county)
        sections = report.sections()
        assert max(s.rate for s in sections) > min(s.rate for s in sections)

    def test_the_demo_accounts_have_something_to_show(self):
        cadre = User.objects.get(username="cadre").cadre
        upcoming = Session.objects.filter(
            activity__enrolments__cadre=cadre, date__gte=TODAY, date__lte=TODAY + dt.timedelta(days=7)
        )
        assert upcoming.filter(activity__kind__name="月末讲坛").exists()
        assert upcoming.filter(date=TODAY).exists()
        open_ones = Session.objects.filter(
            attendances__cadre=cadre,
            attendances__status=AttendanceStatus.PRESENT,
            evaluation_closes_at__gt=timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12))),
        ).exclude(evaluations__cadre=cadre)
        assert open_ones.exists()
        statuses = set(
            LedgerEntry.objects.filter(cadre=cadre, source=Source.SELF_REPORT).values_list("status", flat=True)
        )
        assert {
            EntryStatus.PENDING,
            EntryStatus.SECTION_APPROVED,
            EntryStatus.REJECTED,
            EntryStatus.CONFIRMED,
        } <= statuses
        assert LedgerEntry.objects.filter(cadre=cadre, source=Source.SESSION, status=EntryStatus.CONFIRMED).count() > 10


class LoadDemoCommandTests(TestCase):
    def test_load_demo_loads_the_bureau_and_its_year_once(self):
        out = StringIO()
        call_command("load_demo", stdout=out)
        assert "一年的培训数据已加载" in out.getvalue()
        activities, entries = Activity.objects.count(), LedgerEntry.objects.count()
        assert activities > 40 and entries > 3000
        call_command("load_demo", if_empty=True, stdout=StringIO())
        assert (Activity.objects.count(), LedgerEntry.objects.count()) == (activities, entries)
