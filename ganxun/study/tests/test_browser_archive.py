"""The study archive in Chromium: the administrator opens the year's archive from the navigation and downloads
the Word document (desktop and phone); a 领导干部 enters their own self-study on a phone.  Screenshots in
test-artifacts/ (study-*.png) to look at."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import tempfile

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from docx import Document
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import PASSWORD, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser, shot  # noqa: F401  (the browser fixture)

from ..models import SelfStudy
from .test_exports import Year

pytestmark = pytest.mark.browser

SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-study-browser-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def _login(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/**")


@pytest.mark.django_db(transaction=True)
def test_the_admin_opens_the_years_archive_and_downloads_the_word_file(live_server, browser: Browser, media):  # noqa: F811
    try:
        # The activity kinds the migrations seed: a test with a live server may start after another one's flush.
        importlib.import_module("ganxun.training.migrations.0002_seed_kinds_and_topics").seed(apps, None)
        year = Year()
        for screen, viewport in SCREENS.items():
            page = browser.new_page(viewport=viewport, locale="zh-CN", accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            _login(page, live_server, "study_admin")
            page.goto(live_server.url + reverse("study:index"))
            expect(page.locator("h1")).to_contain_text("学习档案")
            shot(page, f"study-index-{screen}")
            page.goto(live_server.url + reverse("study:archive", args=[2026]))
            expect(page.locator("#archive-title")).to_have_text(f"{year.unit.name}2026年度理论学习中心组学习档案")
            expect(page.locator(".study-sitting")).to_have_count(3)
            expect(page.get_by_text("人民城市重要理念").first).to_be_visible()
            expect(page.locator("body")).to_contain_text("钱副局长（请假：参加市里会议）")
            shot(page, f"study-archive-{screen}")
            with page.expect_download() as info:
                page.locator("#download-word").click()
            download = info.value
            assert download.suggested_filename == f"{year.unit.name}2026年度理论学习中心组学习档案.docx"
            document = Document(str(download.path()))
            assert document.paragraphs[1].text == "2026年度理论学习中心组学习档案"
            with page.expect_download() as info:
                page.locator("#download-zip").click()
            assert info.value.suggested_filename.endswith("_附件.zip")
            page.close()
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_leader_enters_their_own_self_study_on_a_phone(live_server, browser: Browser, media):  # noqa: F811
    try:
        year = Year()
        UserFactory(username="wangjuzhang", role=Role.CADRE, cadre=year.chief)
        page = browser.new_page(viewport=SCREENS["phone"], locale="zh-CN")
        page.set_default_timeout(TIMEOUT_MS)
        _login(page, live_server, "wangjuzhang")
        page.goto(live_server.url + reverse("study:self_study_list"))
        expect(page.locator("#record-table")).to_contain_text("习近平谈治国理政（第四卷）")
        expect(page.locator("#record-table")).not_to_contain_text("上海市城市更新条例")  # the deputy's own
        page.get_by_role("link", name="登记自学").click()
        page.fill("#id_start_date", dt.date(2026, 5, 6).isoformat())
        page.fill("#id_title", "论中国式现代化")
        page.fill("#id_author", "中央文献出版社")
        page.fill("#id_pages", "56")
        page.fill("#id_notes", "结合住房保障工作谈体会。")
        shot(page, "study-self-study-form-phone")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#record-table")).to_contain_text("论中国式现代化")
        shot(page, "study-self-study-list-phone")
        assert SelfStudy.objects.get(title="论中国式现代化").cadre == year.chief
        page.close()
    finally:
        connections.close_all()
