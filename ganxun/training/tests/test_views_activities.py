"""The activity pages through HTTP: who sees what, filters, calendar, forms through the services, downloads, budgets."""

import datetime as dt
import re
import shutil
import tempfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.core.tests.editing import as_opened
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, TagFactory, UserFactory
from ganxun.training.models import Activity, ActivityKind, Enrolment, Session, TopicModule
from ganxun.training.services import material_add
from ganxun.training.templatetags.training_tags import url_if_exists
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    LecturerFactory,
    SessionFactory,
)

LIST = reverse("training:activity_list")
CALENDAR = reverse("training:activity_calendar")


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def kind(name: str) -> ActivityKind:
    return ActivityKind.objects.get(name=name)


class TrainingData(TestCase):
    """Two 科室; an admin, the head of the first, a cadre enrolled in one activity and a cadre in none."""

    @classmethod
    def setUpTestData(cls):
        cls.renewal = SectionFactory(name="旧区改造科")
        cls.housing = SectionFactory(name="住房保障科")
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)
        cls.head_cadre = CadreFactory(name="张科长", section=cls.renewal, leadership_level="section_chief")
        cls.head = UserFactory(username="head", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.cadre = CadreFactory(name="李小红", section=cls.housing)
        cls.cadre_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.cadre)
        cls.outsider = CadreFactory(name="王局外", section=cls.housing)
        cls.outsider_user = UserFactory(username="wang", role=Role.CADRE, cadre=cls.outsider)
        cls.topic = TopicModule.objects.get(name="住房保障")

        cls.lecture = ActivityFactory(
            title="月末讲坛：住房保障政策解读", kind=kind("月末讲坛"), topic=cls.topic, organiser=cls.housing
        )
        SessionFactory(activity=cls.lecture, date=dt.date(2026, 3, 31), start_time=dt.time(14), end_time=dt.time(16))
        EnrolmentFactory(activity=cls.lecture, cadre=cls.cadre, via="科室：住房保障科")
        cls.study = ActivityFactory(title="3月中心组学习", kind=kind("中心组学习"), organiser=cls.renewal)
        SessionFactory(activity=cls.study, date=dt.date(2026, 3, 10), hours=Decimal(3))
        cls.practice = ActivityFactory(title="社区报到实践", kind=kind("实践活动"))
        SessionFactory(activity=cls.practice, date=dt.date(2026, 4, 1))

    def titles(self, response) -> list[str]:
        return sorted(a.title for a in response.context["page"].object_list)


class ActivityListTests(TrainingData):
    def test_admin_sees_every_activity_with_its_figures(self):
        self.client.force_login(self.admin)
        response = self.client.get(LIST)
        self.assertEqual(len(response.context["page"].object_list), 3)
        lecture = next(a for a in response.context["page"].object_list if a.pk == self.lecture.pk)
        self.assertEqual((lecture.session_count, lecture.total_hours, lecture.enrolled_count), (1, Decimal(2), 1))
        self.assertContains(response, "新建活动")
        self.assertContains(response, "共 3 项活动")

    def test_cadre_sees_only_what_they_are_enrolled_in_and_cannot_create(self):
        self.client.force_login(self.cadre_user)
        response = self.client.get(LIST)
        self.assertEqual(self.titles(response), ["月末讲坛：住房保障政策解读"])
        self.assertNotContains(response, reverse("training:activity_create"))
        self.client.force_login(self.outsider_user)
        self.assertEqual(self.titles(self.client.get(LIST)), [])

    def test_section_head_sees_what_their_section_organises(self):
        self.client.force_login(self.head)
        self.assertEqual(self.titles(self.client.get(LIST)), ["3月中心组学习"])

    def test_filters(self):
        self.client.force_login(self.admin)
        cases = {
            "classroom=theory": ["3月中心组学习"],
            "classroom=practice": ["社区报到实践"],
            f"kind={kind('月末讲坛').pk}": ["月末讲坛：住房保障政策解读"],
            f"topic={self.topic.pk}": ["月末讲坛：住房保障政策解读"],
            f"organiser={self.renewal.pk}": ["3月中心组学习"],
            "month=2026-03": ["3月中心组学习", "月末讲坛：住房保障政策解读"],
            "month=2026-04": ["社区报到实践"],
            "q=社区": ["社区报到实践"],
            "month=garbage&kind=x": sorted(["3月中心组学习", "月末讲坛：住房保障政策解读", "社区报到实践"]),
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(self.titles(self.client.get(f"{LIST}?{query}")), expected)

    def test_htmx_gets_only_the_table_and_a_clean_address(self):
        self.client.force_login(self.admin)
        response = self.client.get(LIST, {"classroom": "theory", "q": ""}, headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'id="activity-table"')
        self.assertEqual(response["HX-Push-Url"], f"{LIST}?classroom=theory")

    def test_paging_keeps_the_filters(self):
        for n in range(31):
            ActivityFactory(title=f"党课{n}", kind=kind("党课"))
        self.client.force_login(self.admin)
        response = self.client.get(LIST, {"classroom": "theory"})
        self.assertEqual(response.context["page"].paginator.num_pages, 2)
        self.assertContains(response, "?classroom=theory&amp;page=2")
        self.assertEqual(len(self.client.get(LIST, {"classroom": "theory", "page": 2}).context["page"]), 2)


class CalendarTests(TrainingData):
    def entries(self, response) -> dict[dt.date, list[str]]:
        return {day.date: [s.activity.title for s in day.sessions] for day in response.context["days_with_sessions"]}

    def test_month_boundaries(self):
        SessionFactory(activity=self.practice, date=dt.date(2026, 2, 28))
        SessionFactory(activity=self.practice, date=dt.date(2026, 3, 1))
        self.client.force_login(self.admin)
        march = self.client.get(CALENDAR, {"month": "2026-03"})
        self.assertEqual(
            self.entries(march),
            {
                dt.date(2026, 3, 1): ["社区报到实践"],
                dt.date(2026, 3, 10): ["3月中心组学习"],
                dt.date(2026, 3, 31): ["月末讲坛：住房保障政策解读"],
            },
        )
        weeks = march.context["weeks"]
        # Monday first: March 2026 begins on a Sunday, so the grid opens on Monday 23 February.
        self.assertEqual(weeks[0][0].date, dt.date(2026, 2, 23))
        self.assertFalse(weeks[0][0].in_month)
        self.assertEqual([s.date for s in weeks[0][5].sessions], [dt.date(2026, 2, 28)])  # shown, greyed
        self.assertEqual(weeks[-1][-1].date, dt.date(2026, 4, 5))
        self.assertEqual((march.context["previous"], march.context["next"]), ("2026-02", "2026-04"))
        self.assertContains(march, '<th scope="col">一</th>', html=False)
        self.assertContains(march, '<th scope="col">日</th>', html=False)
        self.assertContains(march, "周二")  # 10 March in the phone list

        february = self.client.get(CALENDAR, {"month": "2026-02"})
        self.assertEqual(list(self.entries(february)), [dt.date(2026, 2, 28)])

    def test_year_turns_over_and_bad_months_fall_back_to_this_one(self):
        self.client.force_login(self.admin)
        december = self.client.get(CALENDAR, {"month": "2026-12"})
        self.assertEqual((december.context["previous"], december.context["next"]), ("2026-11", "2027-01"))
        january = self.client.get(CALENDAR, {"month": "2027-01"})
        self.assertEqual(january.context["previous"], "2026-12")
        today = timezone.localdate()
        for bad in ("2026-13", "nonsense", ""):
            with self.subTest(month=bad):
                response = self.client.get(CALENDAR, {"month": bad})
                self.assertEqual(response.context["month_value"], f"{today:%Y-%m}")
                self.assertContains(response, 'aria-current="date"')

    def test_cadre_sees_only_their_sessions(self):
        self.client.force_login(self.cadre_user)
        response = self.client.get(CALENDAR, {"month": "2026-03"})
        self.assertEqual(self.entries(response), {dt.date(2026, 3, 31): ["月末讲坛：住房保障政策解读"]})

    def test_classroom_filter(self):
        self.client.force_login(self.admin)
        response = self.client.get(CALENDAR, {"month": "2026-03", "classroom": "theory"})
        self.assertEqual(self.entries(response), {dt.date(2026, 3, 10): ["3月中心组学习"]})


class ActivityDetailTests(TrainingData):
    def test_admin_sees_panels_and_links(self):
        session = self.lecture.sessions.get()
        AttendanceFactory(session=session, cadre=self.cadre)
        LecturerFactory(activity=self.lecture, outside_name="陈教授")
        self.client.force_login(self.admin)
        response = self.client.get(self.lecture.get_absolute_url())
        self.assertContains(response, "按对象报名")
        self.assertContains(response, "陈教授")
        self.assertContains(response, reverse("training:session_update", args=[session.pk]))
        for name in ("attendance:checkin_screen", "attendance:attendance_sheet"):
            if url := url_if_exists(name, session.pk):
                self.assertContains(response, url)
        counts = response.context["sessions"][0][1]
        self.assertEqual(counts["present"], 1)
        self.assertEqual(response.context["by_section"][0]["section__name"], "住房保障科")

    def test_cadre_reads_only_and_sees_their_own_enrolment(self):
        self.client.force_login(self.cadre_user)
        response = self.client.get(self.lecture.get_absolute_url())
        self.assertContains(response, "您已报名")
        self.assertContains(response, "科室：住房保障科")
        self.assertNotContains(response, "按对象报名")
        self.assertNotContains(response, reverse("training:activity_update", args=[self.lecture.pk]))
        self.assertEqual(self.client.get(self.study.get_absolute_url()).status_code, 404)

    def test_study_session_page_shows_the_register(self):
        session = self.study.sessions.get()
        session.host, session.speaker, session.recorder = "局党委书记", "副局长", "办公室主任"
        session.save()
        members = [CadreFactory(section=self.renewal) for _ in range(4)]
        for member in members:
            EnrolmentFactory(activity=self.study, cadre=member)
        AttendanceFactory(session=session, cadre=members[0])
        AttendanceFactory(session=session, cadre=members[1])
        AttendanceFactory(session=session, cadre=members[2], status="leave", reason="外出调研")
        self.client.force_login(self.admin)
        response = self.client.get(session.get_absolute_url())
        register = response.context["register"]
        self.assertEqual(
            (register.expected, register.present, register.absent, register.leave, register.unrecorded), (4, 2, 0, 1, 1)
        )
        page = text(response)
        for words in ("主持人 局党委书记", "主讲人 副局长", "记录人 办公室主任", "外出调研", "应到", "实到"):
            self.assertIn(words, page)

    def test_leave_and_absence_are_counted_apart_on_the_session_and_activity_pages(self):
        session = self.study.sessions.get()
        members = [CadreFactory(section=self.renewal) for _ in range(5)]
        for member in members:
            EnrolmentFactory(activity=self.study, cadre=member)
        AttendanceFactory(session=session, cadre=members[0])
        AttendanceFactory(session=session, cadre=members[1], status="leave", reason="外出调研")
        AttendanceFactory(session=session, cadre=members[2], status="leave", reason="病假")
        AttendanceFactory(session=session, cadre=members[3], status="absent")
        self.client.force_login(self.admin)
        page = self.client.get(session.get_absolute_url()).content.decode()
        figures = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
        self.assertEqual(figures, {"expected": "5", "present": "1", "absent": "1", "leave": "2", "unrecorded": "1"})
        activity_page = self.client.get(self.study.get_absolute_url())
        counts = activity_page.context["sessions"][0][1]
        self.assertEqual((counts["present"], counts["absent"], counts["leave"]), (1, 1, 2))
        self.assertIn(
            'title="出席">1</span> / <span class="text-danger" title="缺席">1</span> / '
            '<span class="text-warning-emphasis" title="请假">2</span>',
            activity_page.content.decode(),
        )

    def test_url_if_exists_is_empty_for_a_page_that_does_not_exist(self):
        self.assertEqual(url_if_exists("attendance:no_such_page", 1), "")
        self.assertEqual(url_if_exists("training:session_detail", 7), "/training/sessions/7/")


class ActivityFormTests(TrainingData):
    def test_admin_creates_an_activity_and_its_sessions(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("training:activity_create"),
            {"title": "2026年全员培训班", "kind": kind("全员培训班").pk, "organiser": self.renewal.pk},
        )
        activity = Activity.objects.get(title="2026年全员培训班")
        self.assertRedirects(response, activity.get_absolute_url())
        url = reverse("training:session_create", args=[activity.pk])
        self.client.post(url, {"date": "2026-05-06", "start_time": "08:30", "end_time": "12:30"})  # a half day
        self.client.post(url, {"date": "2026-05-07", "start_time": "09:00", "end_time": "11:30", "hours": "2"})
        first, second = activity.sessions.order_by("date")
        self.assertEqual((first.hours, first.hours_overridden), (Decimal(4), False))
        self.assertEqual((second.hours, second.hours_overridden), (Decimal(2), True))

    def test_study_session_form_has_register_fields_and_others_do_not(self):
        self.client.force_login(self.admin)
        study_form = self.client.get(reverse("training:session_create", args=[self.study.pk]))
        self.assertContains(study_form, 'name="host"')
        self.assertContains(study_form, "中心发言")
        lecture_form = self.client.get(reverse("training:session_create", args=[self.lecture.pk]))
        self.assertNotContains(lecture_form, 'name="host"')

    def test_bad_session_times_show_on_the_field(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("training:session_create", args=[self.lecture.pk]),
            {"date": "2026-05-06", "start_time": "11:00", "end_time": "09:00"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "结束时间必须晚于开始时间", status_code=400)
        self.assertEqual(self.lecture.sessions.count(), 1)

    def test_kind_choices_are_grouped_by_classroom(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("training:activity_create"))
        self.assertContains(response, '<optgroup label="理论课堂">')
        self.assertContains(response, '<optgroup label="实践课堂">')

    def test_section_head_and_cadre_cannot_create_or_edit(self):
        for user in (self.head, self.cadre_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(reverse("training:activity_create")).status_code, 403)
                self.assertEqual(self.client.post(reverse("training:activity_create"), {"title": "x"}).status_code, 403)
                self.assertEqual(
                    self.client.post(reverse("training:session_create", args=[self.lecture.pk])).status_code, 403
                )
                self.assertEqual(
                    self.client.post(
                        reverse("training:activity_enrol", args=[self.lecture.pk]), {"everyone": "on"}
                    ).status_code,
                    403,
                )
        self.assertEqual(Enrolment.objects.count(), 1)


class EnrolViewTests(TrainingData):
    def test_enrol_by_section_and_names(self):
        TagFactory(name="业务骨干")
        self.client.force_login(self.admin)
        url = reverse("training:activity_enrol", args=[self.study.pk])
        response = self.client.post(url, {"sections": [self.renewal.pk], "names": "王局外"}, follow=True)
        self.assertContains(response, "新报名2人")
        self.assertEqual(
            set(Enrolment.objects.filter(activity=self.study).values_list("cadre__name", "via")),
            {("张科长", "科室：旧区改造科"), ("王局外", "点名")},
        )
        again = self.client.post(url, {"sections": [self.renewal.pk]}, follow=True)
        self.assertContains(again, "新报名0人，另有1人此前已报名")

    def test_unknown_name_is_a_400_naming_it_and_enrols_nobody(self):
        self.client.force_login(self.admin)
        url = reverse("training:activity_enrol", args=[self.study.pk])
        response = self.client.post(url, {"names": "查无此人", "everyone": "on"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "查无此人：没有此姓名的在职干部", status_code=400)
        self.assertFalse(Enrolment.objects.filter(activity=self.study).exists())

    def test_picker_finds_cadres_in_post_and_keeps_the_ticked(self):
        self.client.force_login(self.admin)
        response = self.client.get(
            reverse("training:cadre_picker"), {"cadre_q": "王", "cadres": [self.cadre.pk]}, headers={"HX-Request": "1"}
        )
        self.assertNotContains(response, "<html")
        self.assertContains(response, f'value="{self.cadre.pk}" id="pick-{self.cadre.pk}" checked')
        self.assertContains(response, "王局外")

    def test_enrolment_list_and_removal(self):
        self.client.force_login(self.admin)
        enrolment = Enrolment.objects.get(activity=self.lecture)
        listing = self.client.get(reverse("training:enrolment_list", args=[self.lecture.pk]))
        self.assertContains(listing, "李小红")
        self.client.post(reverse("training:enrolment_remove", args=[enrolment.pk]))
        self.assertFalse(Enrolment.objects.filter(pk=enrolment.pk).exists())


class MaterialViewTests(TrainingData):
    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def test_download_is_for_those_who_see_the_activity(self):
        material = material_add(
            actor=self.admin,
            activity=self.lecture,
            file=SimpleUploadedFile("政策汇编.pdf", b"%PDF-1.4 content"),
        )
        url = reverse("training:material_download", args=[material.pk])
        self.client.force_login(self.cadre_user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 content")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("private", response["Cache-Control"])
        self.client.force_login(self.outsider_user)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.assertNotIn(material.file.name, self.client.get(self.lecture.get_absolute_url()).content.decode())

    def test_upload_through_the_page_and_refusal_of_other_types(self):
        self.client.force_login(self.admin)
        url = reverse("training:material_create", args=[self.lecture.pk])
        ok = self.client.post(url, {"file": SimpleUploadedFile("讲稿.docx", b"PK\x03\x04rest"), "name": "讲稿"})
        self.assertRedirects(ok, f"{self.lecture.get_absolute_url()}#materials", fetch_redirect_response=False)
        self.assertEqual(self.lecture.materials.get().name, "讲稿.docx")
        bad = self.client.post(url, {"file": SimpleUploadedFile("病毒.exe", b"MZ")})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "不能上传此类型的文件", status_code=400)
        self.assertEqual(self.lecture.materials.count(), 1)


class KindAndTopicTests(TrainingData):
    def test_admin_adds_and_retires_a_kind(self):
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("training:kind_create"),
            {
                "name": "读书班",
                "classroom": "theory",
                "bucket": "centralised",
                "unit": "day",
                "training_type": "in_service",
                "sort_order": 5,
                "is_active": "on",
            },
        )
        self.assertRedirects(response, reverse("training:kind_list"))
        reading = ActivityKind.objects.get(name="读书班")
        url = reverse("training:kind_update", args=[reading.pk])
        data = {
            "name": "读书班",
            "classroom": "theory",
            "bucket": "centralised",
            "unit": "day",
            "training_type": "in_service",
            "sort_order": 5,
        }
        self.client.post(url, as_opened(self.client, url, data), follow=True)
        reading.refresh_from_db()
        self.assertFalse(reading.is_active)
        form = self.client.get(reverse("training:activity_create"))
        self.assertNotContains(form, "读书班")
        self.assertContains(self.client.get(reverse("training:kind_list")), "读书班")

    def test_topics(self):
        self.client.force_login(self.admin)
        self.client.post(reverse("training:topic_create"), {"name": "城市更新", "sort_order": 1, "is_active": "on"})
        self.assertContains(self.client.get(reverse("training:topic_list")), "城市更新")
        duplicate = self.client.post(reverse("training:topic_create"), {"name": "城市更新", "sort_order": 1})
        self.assertContains(duplicate, "已有同名的专题模块")

    def test_only_admins(self):
        for user in (self.head, self.cadre_user):
            self.client.force_login(user)
            for name in ("training:kind_list", "training:kind_create", "training:topic_list", "training:topic_create"):
                with self.subTest(user=user.username, page=name):
                    self.assertEqual(self.client.get(reverse(name)).status_code, 403)


class QueryBudgetTests(TrainingData):
    """The list and the activity page cost the same number of queries at two sizes."""

    def grow(self, activity: Activity, n: int) -> None:
        for i in range(n):
            session = SessionFactory(activity=activity, date=dt.date(2026, 3, 1) + dt.timedelta(days=i))
            cadre = CadreFactory(section=self.renewal if i % 2 else self.housing)
            EnrolmentFactory(activity=activity, cadre=cadre)
            AttendanceFactory(session=session, cadre=cadre)
            LecturerFactory(activity=activity)
            ActivityFactory(kind=kind("党课"), organiser=self.renewal)

    def budget(self, user, url_of, expected: int) -> None:
        self.client.force_login(user)
        for extra in (1, 12):
            self.grow(self.lecture, extra)
            url = url_of()
            with self.subTest(rows=Activity.objects.count()), self.assertNumQueries(expected):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    # Every page: session and user (reading saves no session): 2.
    def test_list_for_an_admin(self):
        # + count, rows, and the filter bar's kinds, topics and organisers
        self.budget(self.admin, lambda: LIST, 7)

    def test_list_for_a_cadre(self):
        # as above; the cadre's name in the navigation bar comes with the user, in one query
        self.budget(self.cadre_user, lambda: LIST, 7)

    def test_detail_for_an_admin(self):
        # + activity, sessions, attendance counts, enrolment by section, evaluation averages, lecturers,
        # the sittings each lecturer teaches, materials, and the enrolment form's sections and tags, and one for
        # the apps' parts (hooks.activity_parts: the 现场教学 site the activity was held at)
        self.budget(self.admin, lambda: self.lecture.get_absolute_url(), 13)

    def test_detail_for_a_cadre(self):
        # + activity, sessions, attendance counts, own enrolment, own attendance, lecturers, the sittings each
        # teaches, materials, nav name, the apps' parts (the site held at)
        self.budget(self.cadre_user, lambda: self.lecture.get_absolute_url(), 11)

    def test_calendar(self):
        # + the sessions of the weeks shown
        self.budget(self.admin, lambda: f"{CALENDAR}?month=2026-03", 3)


class SessionPageTests(TrainingData):
    def test_edit_keeps_a_hand_set_figure_until_emptied(self):
        session = Session.objects.get(activity=self.lecture)
        self.client.force_login(self.admin)
        url = reverse("training:session_update", args=[session.pk])
        data = {"date": "2026-03-31", "start_time": "14:00", "end_time": "16:00", "hours": "1.5"}
        self.client.post(url, as_opened(self.client, url, data))
        session.refresh_from_db()
        self.assertEqual((session.hours, session.hours_overridden), (Decimal("1.5"), True))
        form = self.client.get(url)
        self.assertContains(form, 'value="1.5')
        data = {"date": "2026-03-31", "start_time": "14:00", "end_time": "15:00", "hours": ""}
        self.client.post(url, as_opened(self.client, url, data))
        session.refresh_from_db()
        self.assertEqual((session.hours, session.hours_overridden), (Decimal(1), False))

    def test_cadre_sees_their_own_attendance_on_the_session_page(self):
        session = Session.objects.get(activity=self.lecture)
        AttendanceFactory(session=session, cadre=self.cadre, status="leave", reason="病假")
        self.client.force_login(self.cadre_user)
        response = self.client.get(session.get_absolute_url())
        self.assertContains(response, "请假")
        self.assertNotIn("register", response.context)
        self.client.force_login(self.outsider_user)
        self.assertEqual(self.client.get(session.get_absolute_url()).status_code, 404)
