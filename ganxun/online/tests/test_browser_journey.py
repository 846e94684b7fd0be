"""An administrator imports a 干部在线学习 export in Chromium — with a person not on the roster and an outlier —,
reviews the outlier, and the cadre sees the hours on 我的学习.  Desktop and phone screenshots go to
test-artifacts/ (online-*.png).  Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.hours.models import LedgerEntry, Source
from ganxun.online.models import FigureStatus, OnlineFigure
from ganxun.roster.tests.factories import PASSWORD, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)

from .exports import export, person

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"online-{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"online-{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def login(browser: Browser, live_server, username: str) -> Page:  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(?!accounts/login).*"))
    return page


@pytest.mark.django_db(transaction=True)
def test_admin_imports_an_export_reviews_the_outlier_and_the_cadre_sees_the_hours(live_server, browser, tmp_path):  # noqa: F811
    try:
        journey(live_server, browser, tmp_path)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    # The platforms, outlier rules and default requirements the migrations seed: a test with a live server may
    # start after another one's flush.
    importlib.import_module("ganxun.online.migrations.0002_default_platforms_and_outlier_rules").create(apps, None)
    importlib.import_module("ganxun.hours.migrations.0002_default_rules_2023_2027").seed(apps, None)
    year = timezone.localdate().year
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    ouyang, shen = person(1, "欧阳明轩"), person(2, "沈佳怡", section="住房保障科")
    UserFactory(username="ouyang", role=Role.CADRE, cadre=ouyang)
    header = ("姓名", "身份证号", "单位/部门", "必修学时", "选修学时", "总学时", "完成课程数")
    rows = [
        (ouyang.name, ouyang.id_number, "办公室", "20", "12.5", "32.5", 9),
        (shen.name, shen.id_number, "住房保障科", "60", "30", "90", 31),  # 9 a day over 10 days: an outlier
        ("路人甲", "110101199003071234", "外单位", "10", "2", "12", 3),  # not on the roster
    ]
    path = export(
        tmp_path / "干部在线学习导出.xlsx",
        header,
        rows,
        titles=(f"干部在线学习 {year}年学员学时统计", f"统计时间：{year}-06-01至{year}-06-10"),
    )

    page = login(browser, live_server, "peixun")
    page.goto(live_server.url + reverse("online:import_upload"))
    expect(page.locator("h1")).to_have_text("导入平台导出数据")
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("select[name=platform]").select_option(label="干部在线学习")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-count=created]")).to_have_text("1")
    expect(page.locator("[data-count=flagged]")).to_have_text("1")
    expect(page.locator("[data-count=unmatched]")).to_have_text("1")
    expect(page.locator("[data-count=errors]")).to_have_text("0")
    expect(page.locator("[data-unmatched]")).to_contain_text("路人甲")
    expect(page.locator("[data-flagged]")).to_contain_text("沈佳怡")
    expect(page.locator("[data-flagged]")).to_contain_text("日均超过8")
    assert not LedgerEntry.objects.filter(source=Source.ONLINE_RECORD).exists()
    shot(page, "1-preview")

    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("新增1人")
    expect(page.locator("[data-count=unmatched]")).to_have_text("1")
    shot(page, "2-imported")

    page.goto(live_server.url + reverse("online:review_list"))
    card = page.locator("[data-review] .card").filter(has_text="沈佳怡")
    expect(card).to_contain_text("日均超过8")
    shot(page, "3-review")
    card.locator("input[name=reason]").fill("平台核实：集中学习周")
    card.get_by_role("button", name="确认并计入").click()
    expect(page.locator(".alert-success")).to_contain_text("沈佳怡的数据已计入")
    expect(page.locator("[data-empty]")).to_be_visible()
    figure = OnlineFigure.objects.get(cadre=shen)
    assert (figure.status, figure.reason) == (FigureStatus.CONFIRMED, "平台核实：集中学习周")
    page.close()

    page = login(browser, live_server, "ouyang")
    page.goto(live_server.url + reverse("hours:my_learning"))
    expect(page.locator("[data-bucket=online]")).to_contain_text("32.5")
    expect(page.locator("[data-total]")).to_contain_text("32.5")
    shot(page, "4-my-learning")
    page.goto(live_server.url + reverse("online:index"))
    expect(page.locator("[data-credits] tbody tr")).to_have_count(1)
    expect(page.locator("[data-credits]")).to_contain_text("欧阳明轩")
    shot(page, "5-cadre-figures")
    page.close()
