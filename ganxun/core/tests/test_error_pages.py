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


def boom(request):
    raise RuntimeError("secret detail that must not reach the user")


# This module doubles as a URLconf: the site's URLs plus one that fails, for the 500 page.
from django.urls import include, path  # noqa: E402

urlpatterns = [path("boom/", boom), path("", include("config.urls"))]

NO_DEBUG_PAGE = ("Traceback", "secret detail", "DEBUG = True", "Django", "settings.py")


@override_settings(DEBUG=False)
class MoreErrorPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(role="cadre")

    def assert_chinese_error(self, response, status: int, *texts: str):
        self.assertEqual(response.status_code, status)
        body = response.content.decode()
        for text in texts:
            self.assertIn(text, body)
        for leak in NO_DEBUG_PAGE:
            self.assertNotIn(leak, body)
        self.assertIn('lang="zh-Hans"', body)

    def test_bad_request_is_in_chinese(self):
        response = self.client.get("/", headers={"host": "evil.example"})
        self.assert_chinese_error(response, 400, "无法处理此请求。", "返回首页")

    def test_a_refused_form_says_the_page_expired_in_chinese(self):
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "a", "password": "b"})
        self.assert_chinese_error(response, 403, "提交未成功：页面已过期。", "刷新后重新提交")

    @override_settings(ROOT_URLCONF=__name__)
    def test_server_error_is_in_chinese_and_tells_nothing_more(self):
        client = self.client_class(raise_request_exception=False)
        client.force_login(self.user)
        response = client.get("/boom/")
        self.assert_chinese_error(response, 500, "系统出现错误，请稍后重试。", "返回首页")
        self.assertIn("bootstrap.min.css", response.content.decode())

    def test_not_found_for_an_unknown_address_is_the_chinese_page(self):
        self.client.force_login(self.user)
        self.assert_chinese_error(self.client.get("/no/such/page/"), 404, "页面或记录不存在")
