"""A session's sane bounds (hours set by hand, date, evaluation close time) and evaluation open by default."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.core.tests.editing import as_opened
from ganxun.hours.models import ConversionRule, Unit
from ganxun.roster.tests.factories import UserFactory
from ganxun.training.models import ActivityKind, Session
from ganxun.training.services import session_create, session_update
from ganxun.training.tests.factories import ActivityFactory, SessionFactory

D = Decimal
DAY = dt.date(2026, 4, 14)


def aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class SessionHoursBoundTests(TestCase):
    """By hand, at most the length at the year's hour rate, or the rule's own figure when higher."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def add(self, kind: str, hours: Decimal, start=dt.time(9), end=dt.time(11)) -> Session:
        return session_create(
            actor=self.admin,
            activity=ActivityFactory(kind=ActivityKind.objects.get(name=kind)),
            date=DAY,
            start_time=start,
            end_time=end,
            hours=hours,
        )

    def test_a_two_hour_lecture_carries_two_hours(self):
        self.assertEqual(self.add("党课", D(2)).hours, D(2))
        with self.assertRaises(ValidationError) as caught:
            self.add("党课", D("2.01"))
        self.assertEqual(
            caught.exception.message_dict["hours"],
            [
                "学时：本场次时长 2 小时，手工设定最多 2 学时（按时长每小时 1 学时计，即本年度按小时折算规则；"
                "如按折算规则得出的学时更高，以其为准）。"
            ],
        )
        with self.assertRaises(ValidationError):
            self.add("党课", D("999.99"))

    def test_the_length_bounds_a_fixed_unit_too(self):
        # A 中心组 session counts 3 学时 by its rule, but never more than its length: on two hours 2 may be set by
        # hand, 2.01 not.
        self.assertEqual(self.add("中心组学习", D(2)).hours, D(2))
        with self.assertRaises(ValidationError):
            self.add("中心组学习", D("2.01"))

    def test_the_years_hour_rate_scales_the_bound(self):
        ConversionRule.objects.filter(year=2026, unit=Unit.HOUR).update(hours=D("1.5"))
        self.assertEqual(self.add("党课", D(3)).hours, D(3))
        with self.assertRaises(ValidationError):
            self.add("党课", D("3.01"))

    def test_shortening_a_session_below_its_hand_set_figure_is_refused(self):
        session = self.add("党课", D(2))
        with self.assertRaises(ValidationError):
            session_update(actor=self.admin, session=session, end_time=dt.time(10, 30))
        session_update(actor=self.admin, session=session, end_time=dt.time(10, 30), hours=None)
        session.refresh_from_db()
        self.assertEqual((session.hours, session.hours_overridden), (D("1.5"), False))

    def test_through_the_form_the_message_names_the_field(self):
        activity = ActivityFactory(kind=ActivityKind.objects.get(name="党课"))
        self.client.force_login(self.admin)
        url = reverse("training:session_create", args=[activity.pk])
        response = self.client.post(
            url, {"date": "2026-04-14", "start_time": "09:00", "end_time": "11:00", "hours": "999.99"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["hours"], ["学时：一个场次最多 24 学时。"])
        response = self.client.post(
            url, {"date": "2026-04-14", "start_time": "09:00", "end_time": "11:00", "hours": "2.5"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("手工设定最多 2 学时", response.context["form"].errors["hours"][0])
        self.assertFalse(activity.sessions.exists())

    def test_the_database_refuses_more_than_a_day(self):
        SessionFactory(hours=D(24))
        with self.assertRaises(IntegrityError), transaction.atomic():
            SessionFactory(hours=D("24.01"))
        with self.assertRaises(IntegrityError), transaction.atomic():
            SessionFactory(date=dt.date(1949, 12, 31))


class SessionDateBoundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.activity = ActivityFactory(kind=ActivityKind.objects.get(name="座谈会"))

    def post(self, day: dt.date, **extra):
        self.client.force_login(self.admin)
        return self.client.post(
            reverse("training:session_create", args=[self.activity.pk]),
            {"date": day.isoformat(), "start_time": "09:00", "end_time": "11:00", **extra},
        )

    def test_from_1950_to_a_year_ahead(self):
        ahead = timezone.localdate() + dt.timedelta(days=366)
        for day in (dt.date(1949, 12, 31), ahead + dt.timedelta(days=1)):
            with self.subTest(day):
                response = self.post(day)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors["date"], [f"日期须在 1950-01-01 至 {ahead} 之间。"])
        ConversionRule.objects.get_or_create(
            year=ahead.year, unit=Unit.HOUR, defaults={"per": 1, "hours": 1, "rounding": "half_nearest"}
        )
        # 1950 has no rules (they start in 2000): its hours are set by hand.
        self.assertEqual(self.post(dt.date(1950, 1, 1), hours="2").status_code, 302)
        self.assertEqual(self.post(ahead).status_code, 302)
        self.assertEqual(self.activity.sessions.count(), 2)


class EvaluationCloseTests(TestCase):
    """After the session ends and within 90 days of it; garbage gets a message, never a 500."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.activity = ActivityFactory(kind=ActivityKind.objects.get(name="月末讲坛"))

    def setUp(self):
        self.client.force_login(self.admin)
        self.url = reverse("training:session_create", args=[self.activity.pk])

    def post(self, closes: str, opened: bool = True):
        data = {"date": "2026-04-14", "start_time": "09:00", "end_time": "11:00", "evaluation_closes_at": closes}
        if opened:
            data["evaluation_open"] = "on"
        return self.client.post(self.url, data)

    def test_year_one_is_a_message_not_a_server_error(self):
        response = self.post("0001-01-01T00:00")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["evaluation_closes_at"], ["评估截止时间须在 1950 年至 2100 年之间。"]
        )
        self.assertFalse(self.activity.sessions.exists())

    def test_it_closes_after_the_session_and_within_ninety_days(self):
        message = "评估截止时间须晚于场次结束时间（2026-04-14 11:00），且在结束后 90 天之内。"
        for closes in ("2026-04-14T11:00", "2026-07-13T11:01"):
            with self.subTest(closes):
                response = self.post(closes)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors["evaluation_closes_at"], [message])
        self.assertEqual(self.post("2026-04-14T11:01").status_code, 302)
        self.assertEqual(self.post("2026-07-13T11:00").status_code, 302)
        self.assertEqual(
            sorted(self.activity.sessions.values_list("evaluation_closes_at", flat=True)),
            [aware(DAY, 11, 1), aware(dt.date(2026, 7, 13), 11)],
        )


class EvaluationByDefaultTests(TestCase):
    """Classes and lectures open their evaluation until a few days after the session; others do not."""

    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_seeded_classes_and_lectures_are_evaluated_by_default(self):
        evaluated = set(ActivityKind.objects.filter(opens_evaluation=True).values_list("name", flat=True))
        self.assertEqual(
            evaluated,
            {
                "全员培训班",
                "初任培训班",
                "任职培训班",
                "党务干部培训班",
                "专题培训班",
                "外出调训",
                "党课",
                "月末讲坛",
                "现场教学",
            },
        )

    def test_a_lecture_session_opens_its_evaluation_until_three_days_after_it(self):
        activity = ActivityFactory(kind=ActivityKind.objects.get(name="月末讲坛"))
        url = reverse("training:session_create", args=[activity.pk])
        form = self.client.get(url).context["form"]
        self.assertTrue(form["evaluation_open"].value())
        self.client.post(
            url, {"date": "2026-04-14", "start_time": "14:00", "end_time": "16:00", "evaluation_open": "on"}
        )
        self.assertEqual(activity.sessions.get().evaluation_closes_at, aware(dt.date(2026, 4, 17), 16))

    @override_settings(GANXUN={**settings.GANXUN, "EVALUATION_OPEN_DAYS": 5})
    def test_the_days_are_a_setting(self):
        activity = ActivityFactory(kind=ActivityKind.objects.get(name="全员培训班"))
        self.client.post(
            reverse("training:session_create", args=[activity.pk]),
            {"date": "2026-04-14", "start_time": "09:00", "end_time": "11:30", "evaluation_open": "on"},
        )
        self.assertEqual(activity.sessions.get().evaluation_closes_at, aware(dt.date(2026, 4, 19), 11, 30))

    def test_a_symposium_is_not_evaluated_unless_asked(self):
        activity = ActivityFactory(kind=ActivityKind.objects.get(name="座谈会"))
        url = reverse("training:session_create", args=[activity.pk])
        self.assertFalse(self.client.get(url).context["form"]["evaluation_open"].value())
        self.client.post(url, {"date": "2026-04-14", "start_time": "14:00", "end_time": "16:00"})
        self.assertIsNone(activity.sessions.get().evaluation_closes_at)

    def test_the_admin_clears_or_moves_it(self):
        activity = ActivityFactory(kind=ActivityKind.objects.get(name="月末讲坛"))
        session = SessionFactory(activity=activity, date=DAY, start_time=dt.time(14), end_time=dt.time(16), hours=D(2))
        session.evaluation_closes_at = session.default_evaluation_close()
        session.save()
        url = reverse("training:session_update", args=[session.pk])
        self.assertTrue(self.client.get(url).context["form"]["evaluation_open"].value())
        closes = "2026-04-17T16:00"
        # Moved a week later, the default close time moves with it …
        self.client.post(
            url,
            as_opened(
                self.client,
                url,
                {
                    "date": "2026-04-21",
                    "start_time": "14:00",
                    "end_time": "16:00",
                    "evaluation_open": "on",
                    "evaluation_closes_at": closes,
                },
            ),
        )
        session.refresh_from_db()
        self.assertEqual(session.evaluation_closes_at, aware(dt.date(2026, 4, 24), 16))
        # … a time typed stays as typed …
        data = {"date": "2026-04-21", "start_time": "14:00", "end_time": "16:00", "evaluation_open": "on"}
        self.client.post(url, as_opened(self.client, url, {**data, "evaluation_closes_at": "2026-04-30T18:00"}))
        session.refresh_from_db()
        self.assertEqual(session.evaluation_closes_at, aware(dt.date(2026, 4, 30), 18))
        # … and without the tick there is no evaluation.
        del data["evaluation_open"]
        self.client.post(url, as_opened(self.client, url, {**data, "evaluation_closes_at": "2026-04-30T18:00"}))
        session.refresh_from_db()
        self.assertIsNone(session.evaluation_closes_at)

    def test_a_new_kind_chooses(self):
        self.client.post(
            reverse("training:kind_create"),
            {
                "name": "专家讲座",
                "classroom": "professional",
                "bucket": "centralised",
                "unit": "hour",
                "opens_evaluation": "on",
                "training_type": "in_service",
                "sort_order": 100,
                "is_active": "on",
            },
        )
        self.assertTrue(ActivityKind.objects.get(name="专家讲座").opens_evaluation)
