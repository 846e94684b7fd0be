from django.test import TestCase, override_settings

from ganxun.roster.tests.factories import CadreFactory, UserFactory


@override_settings(DEBUG=False)
class ErrorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cadre_user = UserFactory(role="cadre")
        cls.other = CadreFactory()

    def setUp(self):
        self.client.force_login(self.cadre_user)

    def test_not_found_is_in_chinese_with_the_way_home(self):
        response = self.client.get(f"/roster/cadres/{self.other.pk}/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "页面或记录不存在，或您无权查看。", status_code=404)
        self.assertContains(response, "返回首页", status_code=404)

    def test_forbidden_is_in_chinese(self):
        response = self.client.get("/audit/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "您没有权限打开此页面。", status_code=403)
