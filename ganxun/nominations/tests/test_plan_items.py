"""A class carries out an item of type 调训 of a unit's plan: chosen among the items of the administrator's unit's
plan of the class's year; the plan page counts the unit's nominations the higher unit confirmed and those
completed (withdrawn and other units' not), the classes begun as held."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from ganxun.plans import services as plan_services
from ganxun.plans.queries import plan_execution
from ganxun.training.tests.factories import ActivityKindFactory

from .. import services
from ..models import PlanItemLink, Result
from .world import START, Bureau


class PlanItemTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = w = Bureau(places=4)
        transfer = ActivityKindFactory(name="外出调训", classroom="professional")
        other = ActivityKindFactory(name="全员培训班", classroom="professional")
        cls.plan = plan_services.plan_create(actor=w.admin, unit=w.bureau, year=START.year)
        cls.item = plan_services.item_create(
            actor=w.admin,
            plan=cls.plan,
            kind=transfer,
            title="区委组织部调训",
            everyone=True,
            months=[9],
            sessions=1,
            hours=Decimal(80),
        )
        cls.other_item = plan_services.item_create(
            actor=w.admin,
            plan=cls.plan,
            kind=other,
            title="全员培训",
            everyone=True,
            months=[3],
            sessions=1,
            hours=Decimal(8),
        )
        nominations = [services.nomination_create(actor=w.admin, programme=w.programme, cadre=c) for c in w.cadres]
        for n in nominations:
            services.nomination_review(actor=w.org_admin, nomination=n, approve=True)
        confirmed = [
            services.nomination_confirm(
                actor=w.org_admin, nomination=n, confirm=True, document="区委组〔2026〕30号", date=dt.date(2026, 8, 20)
            )
            for n in nominations[:3]
        ]
        services.nomination_result(actor=w.org_admin, nomination=confirmed[0], result=Result.COMPLETED)
        services.nomination_withdraw(actor=w.org_admin, nomination=confirmed[2], reason="工作需要")
        outsider = services.nomination_create(actor=w.org_admin, programme=w.programme, cadre=w.outsider)
        services.nomination_review(actor=w.org_admin, nomination=outsider, approve=True)
        services.nomination_confirm(
            actor=w.org_admin,
            nomination=outsider,
            confirm=True,
            document="区委组〔2026〕30号",
            date=dt.date(2026, 8, 20),
        )

    def test_only_items_of_type_transfer_of_the_admins_unit_and_year(self):
        items = list(services.linkable_plan_items(self.w.admin, self.w.programme))
        self.assertEqual(items, [self.item])
        self.assertEqual(list(services.linkable_plan_items(self.w.org_admin, self.w.programme)), [])
        with self.assertRaises(ValidationError):
            services.programme_plan_link(actor=self.w.admin, programme=self.w.programme, item=self.other_item)

    def test_the_plan_counts_the_units_confirmed_and_completed(self):
        services.programme_plan_link(actor=self.w.admin, programme=self.w.programme, item=self.item)
        before = plan_execution(self.plan, dt.date(2026, 8, 31))
        row = next(r for r in before.rows if r.item == self.item)
        # confirmed: 2 of the bureau (the third withdrawn, the fourth only approved; 民政局's not counted)
        self.assertEqual((row.nominations.confirmed, row.nominations.completed), (2, 1))
        self.assertEqual((row.sessions_done, row.hours_done), (0, 0))  # the class has not begun
        after = next(r for r in plan_execution(self.plan, START).rows if r.item == self.item)
        self.assertEqual((after.sessions_done, after.hours_done, after.reached), (1, Decimal(80), 2))
        other = next(r for r in plan_execution(self.plan, START).rows if r.item == self.other_item)
        self.assertIsNone(other.nominations)

    def test_chosen_from_the_class_page_and_shown_on_the_plan_page(self):
        self.client.force_login(self.w.admin)
        url = reverse("nominations:programme_plan_link", args=[self.w.programme.pk])
        self.assertRedirects(self.client.post(url, {"item": self.item.pk}), self.w.programme.get_absolute_url())
        self.assertEqual(PlanItemLink.objects.get().item, self.item)
        page = self.client.get(self.w.programme.get_absolute_url())
        self.assertContains(page, "区委组织部调训")
        plan_page = self.client.get(reverse("plans:plan_detail", args=[self.plan.pk]))
        self.assertContains(plan_page, "data-nominations")
        self.assertContains(plan_page, self.w.programme.title)
        self.assertEqual(self.client.post(url, {"item": self.other_item.pk}).status_code, 400)
        self.client.post(url, {"item": ""})
        self.assertFalse(PlanItemLink.objects.exists())
