"""Evaluations: who may submit and when, once only, averages per session and lecturer, and anonymity."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, UserFactory
from ganxun.training.models import AttendanceStatus
from ganxun.training.tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    EnrolmentFactory,
    EvaluationFactory,
    LecturerFactory,
    SessionFactory,
)

from ..evaluations import evaluations_due, lecturer_averages, session_averages
from ..models import Evaluation
from ..services import EvaluationProblem, EvaluationRefused, evaluation_submit


class EvaluationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.open_until = timezone.now() + dt.timedelta(days=3)
        cls.activity = ActivityFactory(title="月末讲坛：旧区改造政策解读", kind__name="月末讲坛")
        cls.session = SessionFactory(activity=cls.activity, evaluation_closes_at=cls.open_until)
        cls.cadre = CadreFactory(name="陈静")
        cls.user = UserFactory(username="chenjing", role=Role.CADRE, cadre=cls.cadre)
        EnrolmentFactory(activity=cls.activity, cadre=cls.cadre)
        AttendanceFactory(session=cls.session, cadre=cls.cadre, status=AttendanceStatus.PRESENT)
        cls.admin = UserFactory(username="trainer", role=Role.TRAINING_ADMIN, cadre=None)

    def submit(self, user=None, session=None, **scores):
        values = {"content": 5, "delivery": 4, "usefulness": 3, "comment": "很实用", "anonymous": True, **scores}
        return evaluation_submit(user=user or self.user, session=session or self.session, **values)

    def refused(self, problem, **kwargs):
        with self.assertRaises(EvaluationRefused) as caught:
            self.submit(**kwargs)
        self.assertEqual(caught.exception.problem, problem)
        return caught.exception


class EvaluationRuleTests(EvaluationTestCase):
    def test_an_attendee_evaluates_once(self):
        evaluation = self.submit()
        self.assertEqual((evaluation.content, evaluation.delivery, evaluation.usefulness), (5, 4, 3))
        self.assertTrue(evaluation.anonymous)
        refusal = self.refused(EvaluationProblem.ALREADY, content=1)
        self.assertIn("只能评价一次", refusal.message)
        self.assertEqual(Evaluation.objects.get().content, 5)

    def test_the_database_keeps_it_to_one_per_cadre_and_session(self):
        self.submit()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(session=self.session, cadre=self.cadre, content=1, delivery=1, usefulness=1)

    def test_a_cadre_who_did_not_attend_cannot_evaluate(self):
        for status in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE, None):
            cadre = CadreFactory()
            if status:
                AttendanceFactory(session=self.session, cadre=cadre, status=status)
            with self.subTest(status=status):
                self.refused(EvaluationProblem.NOT_ATTENDED, user=UserFactory(role=Role.CADRE, cadre=cadre))
        self.assertFalse(Evaluation.objects.exists())

    def test_after_closing_it_is_refused(self):
        self.session.evaluation_closes_at = timezone.now() - dt.timedelta(minutes=1)
        self.session.save()
        self.assertIn("截止", self.refused(EvaluationProblem.CLOSED).message)

    def test_a_session_without_evaluation(self):
        session = SessionFactory(activity=self.activity, evaluation_closes_at=None)
        AttendanceFactory(session=session, cadre=self.cadre)
        self.refused(EvaluationProblem.NOT_OPEN, session=session)

    def test_an_account_without_a_cadre(self):
        self.refused(EvaluationProblem.NO_CADRE, user=self.admin)

    def test_scores_run_from_one_to_five(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.submit(content=6)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(session=self.session, cadre=self.cadre, content=0, delivery=1, usefulness=1)

    def test_evaluations_due(self):
        other = SessionFactory(activity=self.activity, evaluation_closes_at=self.open_until)
        AttendanceFactory(session=other, cadre=self.cadre, status=AttendanceStatus.ABSENT)
        closed = SessionFactory(activity=self.activity, evaluation_closes_at=timezone.now() - dt.timedelta(hours=1))
        AttendanceFactory(session=closed, cadre=self.cadre)
        self.assertEqual(list(evaluations_due(self.cadre)), [self.session])
        self.submit()
        self.assertEqual(list(evaluations_due(self.cadre)), [])


class AverageTests(EvaluationTestCase):
    def test_session_averages_in_one_query(self):
        empty = SessionFactory(activity=self.activity)
        for content, delivery, usefulness in ((5, 4, 3), (4, 4, 4), (3, 5, 5)):
            EvaluationFactory(session=self.session, content=content, delivery=delivery, usefulness=usefulness)
        with self.assertNumQueries(1):
            averages = session_averages([self.session, empty])
        self.assertEqual(averages[self.session.pk], {"content": 4.0, "delivery": 4.33, "usefulness": 4.0, "count": 3})
        self.assertEqual(averages[empty.pk], {"content": None, "delivery": None, "usefulness": None, "count": 0})

    def test_lecturer_averages_across_the_sessions_of_their_activities(self):
        teacher = CadreFactory(name="刘科长")
        second = ActivityFactory(kind__name="月末讲坛")
        second_session = SessionFactory(activity=second, evaluation_closes_at=self.open_until)
        LecturerFactory(activity=self.activity, cadre=teacher, outside_name="")
        LecturerFactory(activity=second, cadre=teacher, outside_name="")
        LecturerFactory(activity=second, outside_name="党校张教授")
        EvaluationFactory(session=self.session, content=5, delivery=5, usefulness=5)
        EvaluationFactory(session=second_session, content=3, delivery=4, usefulness=2)
        EvaluationFactory(session=second_session, content=4, delivery=3, usefulness=2)
        scores = {s.name: s for s in lecturer_averages()}
        liu = scores["刘科长"]
        self.assertEqual((liu.count, liu.activities, liu.sessions), (3, 2, 2))
        self.assertEqual((liu.content, liu.delivery, liu.usefulness), (4.0, 4.0, 3.0))
        self.assertEqual(liu.overall, 3.67)
        zhang = scores["党校张教授"]
        self.assertEqual((zhang.count, zhang.content, zhang.usefulness), (2, 3.5, 2.0))
        self.assertIsNone(zhang.cadre_id)

    def test_lecturer_averages_of_one_year(self):
        teacher = CadreFactory(name="刘科长")
        LecturerFactory(activity=self.activity, cadre=teacher, outside_name="")
        last_year = SessionFactory(activity=self.activity, date=self.session.date.replace(year=2025))
        EvaluationFactory(session=self.session, content=5, delivery=5, usefulness=5)
        EvaluationFactory(session=last_year, content=1, delivery=1, usefulness=1)
        (only,) = lecturer_averages(year=self.session.date.year)
        self.assertEqual((only.count, only.content), (1, 5.0))
        (earlier,) = lecturer_averages(year=2025)
        self.assertEqual((earlier.count, earlier.content), (1, 1.0))


class EvaluationViewTests(EvaluationTestCase):
    def url(self, session=None) -> str:
        return reverse("attendance:evaluation_create", args=[(session or self.session).pk])

    def test_the_form_on_a_phone(self):
        self.client.force_login(self.user)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="btn-check" type="radio" name="content" value="5"')
        self.assertContains(response, 'name="anonymous"')
        self.assertTrue(response.context["form"]["anonymous"].value())

    def test_submitting_then_submitting_again(self):
        self.client.force_login(self.user)
        data = {"content": "5", "delivery": "4", "usefulness": "4", "comment": "案例很具体", "anonymous": "on"}
        self.assertRedirects(self.client.post(self.url(), data), self.url())
        evaluation = Evaluation.objects.get()
        self.assertEqual((evaluation.content, evaluation.comment, evaluation.anonymous), (5, "案例很具体", True))
        response = self.client.post(self.url(), {**data, "content": "1"})
        self.assertContains(response, "只能评价一次", status_code=400)
        self.assertEqual(Evaluation.objects.get().content, 5)

    def test_a_missing_score_is_a_field_error(self):
        self.client.force_login(self.user)
        response = self.client.post(self.url(), {"content": "5", "delivery": "9"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Evaluation.objects.exists())

    def test_after_closing_the_page_says_so(self):
        self.session.evaluation_closes_at = timezone.now() - dt.timedelta(minutes=1)
        self.session.save()
        self.client.force_login(self.user)
        response = self.client.get(self.url())
        self.assertContains(response, "评价已于")
        self.assertNotContains(response, 'name="content"')

    def test_a_session_of_an_activity_the_cadre_is_not_in_is_not_found(self):
        other = SessionFactory(evaluation_closes_at=self.open_until)
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(self.url(other)).status_code, 404)


class EvaluationFormNamesTheLecturerTests(EvaluationTestCase):
    def test_the_form_names_who_is_being_evaluated(self):
        LecturerFactory(activity=self.activity, outside_name="张教授", affiliation="区委党校")
        LecturerFactory(activity=self.activity, cadre=CadreFactory(name="王科长"), outside_name="", affiliation="")
        self.client.force_login(self.user)
        page = self.client.get(reverse("attendance:evaluation_create", args=[self.session.pk])).content.decode()
        self.assertIn("授课人：", page)
        self.assertIn(
            '<span class="fw-semibold">张教授</span> <span class="small text-body-secondary">（区委党校）</span>', page
        )
        self.assertIn('<span class="fw-semibold">王科长</span>', page)
        self.assertIn("张教授、王科长 讲得是否清楚、生动？", page)


class ResultsViewTests(EvaluationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.named_author = CadreFactory(name="实名作者")
        cls.hidden_author = CadreFactory(name="匿名作者")
        EvaluationFactory(
            session=cls.session, cadre=cls.named_author, anonymous=False, comment="希望多讲案例", content=4
        )
        EvaluationFactory(session=cls.session, cadre=cls.hidden_author, anonymous=True, comment="时间偏长", content=2)
        LecturerFactory(activity=cls.activity, cadre=CadreFactory(name="刘科长"), outside_name="")

    def test_averages_and_comments_without_anonymous_names(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("attendance:evaluation_detail", args=[self.session.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<div class="fs-3" data-average="content">3.0</div>', html=True)
        self.assertContains(response, "希望多讲案例")
        self.assertContains(response, "实名作者")
        self.assertContains(response, "时间偏长")
        self.assertContains(response, "匿名")
        self.assertNotContains(response, "匿名作者")
        self.assertNotContains(response, f"/roster/cadres/{self.hidden_author.pk}/")

    def test_the_list_by_session_and_by_lecturer(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("attendance:evaluation_list"), {"year": self.session.date.year})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "刘科长")
        self.assertContains(response, "月末讲坛：旧区改造政策解读")
        self.assertNotContains(response, "匿名作者")
        (lecturer,) = response.context["lecturers"]
        self.assertEqual((lecturer.count, lecturer.content), (2, 3.0))

    def test_only_administrators_see_results(self):
        self.client.force_login(self.user)
        self.assertEqual(
            self.client.get(reverse("attendance:evaluation_detail", args=[self.session.pk])).status_code, 403
        )
        self.assertEqual(self.client.get(reverse("attendance:evaluation_list")).status_code, 403)
