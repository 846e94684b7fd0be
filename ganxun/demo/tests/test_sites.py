"""The demo's 现场教学 sites: the 加装电梯 and 美丽家园 sites with the demo's 现场教学 activities linked by their titles,
a 保障房 site with none; loading again changes nothing."""

import datetime as dt

from django.test import TestCase

from ganxun.accounts.models import Role, User
from ganxun.demo.bureau import load_bureau
from ganxun.demo.sites import load_sites
from ganxun.sites.models import Site, SiteActivity
from ganxun.training.models import ActivityKind
from ganxun.training.tests.factories import ActivityFactory

TODAY = dt.date(2026, 11, 20)


class SitesDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_bureau(today=TODAY)
        onsite = ActivityKind.objects.get(name="现场教学")
        cls.unit = User.objects.filter(role=Role.TRAINING_ADMIN).order_by("pk").first().unit
        cls.lift = ActivityFactory(unit=cls.unit, kind=onsite, title="加装电梯民生实事项目现场教学")
        cls.homes = ActivityFactory(unit=cls.unit, kind=onsite, title="“美丽家园”旧住房综合改造现场教学")
        ActivityFactory(unit=cls.unit, title="加装电梯政策解读专题培训")  # another kind: not linked
        cls.result = load_sites(today=TODAY)

    def test_the_sites_and_their_activities(self):
        self.assertEqual(self.result.sites, 3)
        self.assertEqual(SiteActivity.objects.get(activity=self.lift).site.kind, "lift")
        self.assertEqual(SiteActivity.objects.get(activity=self.homes).site.kind, "homes")
        self.assertEqual(SiteActivity.objects.count(), 2)
        self.assertTrue(Site.objects.filter(kind="security", links__isnull=True).exists())

    def test_loading_again_changes_nothing(self):
        load_sites(today=TODAY)
        self.assertEqual(Site.objects.count(), 3)
        self.assertEqual(SiteActivity.objects.count(), 2)
