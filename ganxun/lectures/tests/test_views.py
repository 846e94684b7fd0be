"""The pages through HTTP: generating the year's schedule, moving a lecture (a reason needed, a non-working day
warned, not refused), the lecturer pool (filters, export, a lecturer's lectures and evaluation means by year),
topic modules by year, the working-day table; audit events; list query budgets that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.attendance.models import Evaluation
from ganxun.audit.models import AuditEvent
from ganxun.lectures.calendar import covered
from ganxun.lectures.models import CalendarDay, CalendarYear, LecturerKind, LecturerProfile, ScheduledLecture
from ganxun.lectures.services import demo_lectures
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.training.models import SessionLecturer, TopicModule
from ganxun.training.tests.factories import ActivityFactory, LecturerFactory, SessionFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def admin():
    return UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)


def generate(client, year: int):
    return client.post(reverse("lectures:schedule_generate"), {"year": year})


def test_the_admin_generates_the_year_and_everyone_reads_it(client, admin):
    client.force_login(admin)
    response = generate(client, 2026)
    assert response.status_code == 302
    rows = list(ScheduledLecture.objects.order_by("month"))
    assert [r.date for r in rows][:3] == [D(2026, 1, 30), D(2026, 2, 28), D(2026, 3, 31)]
    assert len(rows) == 12 and rows[0].series.name == "杨房课堂·月末讲坛"
    assert {r.source for r in rows} == {"chinese-calendar 1.11.0"}
    assert AuditEvent.objects.filter(object_type="lectureseries", summary__contains="新增12条").exists()
    generate(client, 2026)  # again: nothing doubled
    assert ScheduledLecture.objects.count() == 12
    cadre = UserFactory(role=Role.CADRE)
    client.force_login(cadre)
    page = client.get(reverse("lectures:schedule"), {"year": 2026}).content.decode()
    assert page.count("data-month=") == 12
    assert 'data-date="2026-02-28"' in page and "星期六" in page and page.count("data-make-up") == 1
    assert "chinese-calendar 1.11.0" in page
    assert reverse("lectures:lecture_update", args=[rows[0].pk]) not in page
    assert "data-warning" not in page  # the make-up Saturday is a working day


def test_an_unknown_year_is_refused_with_a_chinese_message_and_nothing_written(client, admin):
    client.force_login(admin)
    response = generate(client, 2027)
    assert not ScheduledLecture.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "2027年的工作日历未知" in page
    assert "data-generate" not in page


def test_an_admin_table_year_is_generated_from_the_table(client, admin):
    client.force_login(admin)
    client.post(reverse("lectures:calendar_day_create"), {"date": "2027-12-31", "kind": "holiday", "name": "元旦"})
    assert covered(2027) is None
    response = client.post(reverse("lectures:calendar_year_update"), {"year": 2027, "complete": "on"})
    assert response.status_code == 302 and covered(2027) == "管理员录入"
    generate(client, 2027)
    december = ScheduledLecture.objects.get(year=2027, month=12)
    assert (december.date, december.source) == (D(2027, 12, 30), "管理员录入")
    assert AuditEvent.objects.filter(object_type="calendarday", action="create").exists()
    assert AuditEvent.objects.filter(object_type="calendaryear").exists()


def test_moving_a_lecture_needs_a_reason_and_a_sunday_is_warned_not_refused(client, admin):
    client.force_login(admin)
    generate(client, 2026)
    lecture = ScheduledLecture.objects.get(year=2026, month=5)
    url = reverse("lectures:lecture_update", args=[lecture.pk])
    topic = TopicModule.objects.get(name="住房保障")
    response = client.post(url, {"date": "2026-05-31", "topic": topic.pk, "title": "保障房"})
    assert response.status_code == 400
    assert "请填写将讲座从2026-05-29调整的原因" in response.content.decode()
    lecture.refresh_from_db()
    assert lecture.date == D(2026, 5, 29)
    response = client.post(
        url, {"date": "2026-05-31", "moved_reason": "局长周日在岗", "topic": topic.pk, "title": "保障房"}, follow=True
    )
    page = response.content.decode()
    assert "2026-05-31（星期日）不是工作日" in page
    lecture.refresh_from_db()
    assert (lecture.date, lecture.moved_reason, lecture.topic) == (D(2026, 5, 31), "局长周日在岗", topic)
    assert 'data-month="5" class="table-warning"' in page and "由2026-05-29调整" in page
    event = AuditEvent.objects.filter(object_type="scheduledlecture", action="update").latest("pk")
    assert event.changes["date"] == ["2026-05-29", "2026-05-31"]
    # A date outside the schedule's year is refused, naming the field.
    response = client.post(url, {"date": "2027-01-04", "moved_reason": "x", "title": "保障房"})
    assert response.status_code == 400 and "日期须在2026年内" in response.content.decode()
    # Back on the default date: the reason is dropped.
    client.post(url, {"date": "2026-05-29", "moved_reason": "局长周日在岗", "title": "保障房"})
    lecture.refresh_from_db()
    assert (lecture.moved, lecture.moved_reason) == (False, "")


def test_generating_again_follows_a_changed_calendar_but_keeps_a_moved_date(client, admin):
    client.force_login(admin)
    generate(client, 2026)
    moved = ScheduledLecture.objects.get(year=2026, month=11)
    client.post(reverse("lectures:lecture_update", args=[moved.pk]), {"date": "2026-11-27", "moved_reason": "会议冲突"})
    CalendarDay.objects.create(date=D(2026, 12, 31), kind="holiday", name="局机关停电检修")
    CalendarDay.objects.create(date=D(2026, 11, 30), kind="holiday", name="局机关停电检修")
    generate(client, 2026)
    december = ScheduledLecture.objects.get(year=2026, month=12)
    assert (december.date, december.default_date) == (D(2026, 12, 30), D(2026, 12, 30))
    moved.refresh_from_db()
    assert (moved.date, moved.default_date) == (D(2026, 11, 27), D(2026, 11, 27))


def _pool(count: int, topic: TopicModule, start: int = 0) -> None:
    for n in range(start, start + count):
        profile = LecturerProfile.objects.create(
            cadre=CadreFactory(section=SectionFactory(name=f"科室{n}")), kind=LecturerKind.KEY_STAFF
        )
        profile.topics.add(topic)
        LecturerProfile.objects.create(outside_name=f"外聘{n}", organisation="同济大学", kind=LecturerKind.OUTSIDE)


def test_the_pool_filters_exports_and_keeps_its_queries_flat(client, admin):
    housing, markets = TopicModule.objects.get(name="住房保障"), TopicModule.objects.get(name="房产市场")
    _pool(2, housing)
    client.force_login(admin)
    url = reverse("lectures:lecturer_list")
    page = client.get(url, {"kind": "outside"}).content.decode()
    assert "外聘0" in page and "科室0" not in page
    page = client.get(url, {"topic": housing.pk}).content.decode()
    assert "外聘0" not in page and page.count("data-lecturer=") == 2
    assert client.get(url, {"topic": markets.pk}).content.decode().count("data-lecturer=") == 0
    response = client.get(reverse("lectures:lecturer_export"), {"kind": "outside"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["姓名", "类型", "工作单位", "可讲授专题", "在库"]
    assert [c.value for c in sheet[2]] == ["外聘0", "外聘讲师", "同济大学", None, "是"]
    assert sheet.max_row == 3
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _pool(6, housing, start=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).content.decode().count("data-lecturer=") == 16
    assert len(large) == len(small)


def test_the_schedule_and_topic_pages_keep_their_queries_flat(client, admin):
    client.force_login(admin)
    generate(client, 2026)
    topic = TopicModule.objects.get(name="旧区改造")
    _pool(1, topic)

    def fill(months) -> None:
        for lecture in ScheduledLecture.objects.filter(month__in=months):
            lecture.topic = topic
            lecture.save()
            lecture.lecturers.set(LecturerProfile.objects.all())
            SessionFactory(activity=ActivityFactory(topic=topic, title=f"讲坛{lecture.month}月"), date=lecture.date)

    fill([1])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("lectures:schedule"), {"year": 2026})
    with CaptureQueriesContext(connection) as small_topics:
        client.get(reverse("lectures:topic_lectures"), {"year": 2026})
    _pool(3, topic, start=1)
    fill(range(2, 13))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("lectures:schedule"), {"year": 2026})
    with CaptureQueriesContext(connection) as large_topics:
        page = client.get(reverse("lectures:topic_lectures"), {"year": 2026}).content.decode()
    assert len(large) == len(small)
    assert len(large_topics) == len(small_topics)
    assert "讲坛12月" in page and page.count("外聘3") == 11


def test_a_lecturers_lectures_and_evaluation_means_by_year(client, admin):
    teacher = CadreFactory(name="钱讲师")
    profile = LecturerProfile.objects.create(cadre=teacher, kind=LecturerKind.INTERNAL)
    last_year = SessionFactory(activity=ActivityFactory(title="物业纠纷调处"), date=D(2025, 6, 30))
    LecturerFactory(activity=last_year.activity, cadre=teacher, outside_name="")
    course = ActivityFactory(title="住房保障政策")
    taught = SessionFactory(activity=course, date=D(2026, 3, 31))
    other = SessionFactory(activity=course, date=D(2026, 4, 1))  # taught by someone else
    link = LecturerFactory(activity=course, cadre=teacher, outside_name="")
    SessionLecturer.objects.create(session=taught, lecturer=link)
    for _n, (session, scores) in enumerate(
        [(taught, (5, 4, 4)), (taught, (4, 4, 3)), (other, (1, 1, 1)), (last_year, (3, 3, 3))]
    ):
        content, delivery, usefulness = scores
        Evaluation.objects.create(
            session=session, cadre=CadreFactory(), content=content, delivery=delivery, usefulness=usefulness
        )
    client.force_login(admin)
    page = client.get(reverse("lectures:lecturer_detail", args=[profile.pk])).content.decode()
    assert "住房保障政策" in page and "物业纠纷调处" in page
    assert "评估 2：内容 4.50 · 讲授 4.00 · 实用性 3.50" in page.replace("\n", "")
    assert "评估 1：内容 3.00" in page


def test_adding_a_lecturer_is_audited_and_bad_input_named(client, admin):
    client.force_login(admin)
    url = reverse("lectures:lecturer_create")
    response = client.post(url, {"kind": "outside"})
    assert response.status_code == 400 and "请选择本局干部或填写外请授课人姓名" in response.content.decode()
    topic = TopicModule.objects.get(name="物业管理")
    response = client.post(
        url,
        {"kind": "outside", "outside_name": "周明华", "organisation": "市房管局", "topics": [topic.pk], "active": "on"},
    )
    profile = LecturerProfile.objects.get()
    assert response.status_code == 302 and list(profile.topics.all()) == [topic]
    assert AuditEvent.objects.filter(object_type="lecturerprofile", action="create").exists()
    response = client.post(url, {"kind": "outside", "outside_name": "周明华", "organisation": "市房管局"})
    assert response.status_code == 400 and "该外聘讲师已在讲师库中" in response.content.decode()


def test_deleting_a_table_day_is_audited(client, admin):
    client.force_login(admin)
    day = CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.create(year=2027)
    page = client.get(reverse("lectures:calendar_list"), {"year": 2027}).content.decode()
    assert 'data-day="2027-01-01"' in page and "尚未录入完整" in page
    client.post(reverse("lectures:calendar_day_delete", args=[day.pk]))
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(object_type="calendarday", action="delete").exists()


def test_the_demo_pool_and_schedule():
    unit = SectionFactory().unit
    CadreFactory(section=SectionFactory(unit=unit, name="旧改科"), leadership_level="section_chief")
    series = demo_lectures(unit=unit, year=2026)
    rows = list(series.lectures.order_by("month"))
    assert len(rows) == 12 and all(r.topic and r.title and r.lecturers.exists() for r in rows)
    assert LecturerProfile.objects.filter(kind=LecturerKind.OUTSIDE).count() == 2
    demo_lectures(unit=unit, year=2026)
    assert series.lectures.count() == 12 and LecturerProfile.objects.count() == 3
    demo_lectures(unit=unit, year=2027)  # unknown calendar: pool kept, no schedule
    assert series.lectures.filter(year=2027).count() == 0
