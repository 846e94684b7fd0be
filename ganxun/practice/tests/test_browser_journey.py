"""A training administrator imports a deployment list in Chromium: a bad row, the fix, the import, then the
year's figures and the records behind the 居委 count.  Desktop and phone screenshots go to test-artifacts/.

Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS rather than skips (the fixtures of
the roster's browser test).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.practice.models import Campaign, Stint
from ganxun.roster.tests.factories import PASSWORD, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)

from .import_files import DEPLOYMENT_HEADER, cadre, stint_row, workbook

pytestmark = pytest.mark.browser

CAMPAIGN = "2022年社区抗疫"
PHONE = {"width": 390, "height": 844}


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"practice-{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_admin_imports_deployments_fixes_a_bad_row_and_follows_the_committee_count(live_server, browser, tmp_path):  # noqa: F811
    try:
        journey(live_server, browser, tmp_path)
    finally:
        # The ORM's connection of Playwright's thread: closed, or on PostgreSQL it blocks dropping the database.
        connections.close_all()


def lists(tmp_path: Path) -> tuple[Path, Path]:
    people = [cadre(11, "欧阳明轩"), cadre(12, "沈佳怡", "住房保障科"), cadre(13, "顾建国")]
    good = [
        stint_row(people[0], "长白一村居委", "2022.4.1", "2022年4月30日"),
        stint_row(people[1], "长白二村 居委", "2022/4/3", "2022.4.20", 任务="物资配送"),
        stint_row(people[2], "浦东机场", "2022.4.10", "2022.5.10", 地点类型="机场", 所属街道="", 任务="转运保障"),
    ]
    bad = [dict(row) for row in good]
    bad[1]["结束日期"] = "2022.3.31"  # before its start: 第4行 结束日期
    return (
        workbook(tmp_path / "下沉名单-有错.xlsx", bad, DEPLOYMENT_HEADER),
        workbook(tmp_path / "下沉名单.xlsx", good, DEPLOYMENT_HEADER),
    )


def upload(page: Page, path: Path, campaign: str | None = None) -> None:
    form = page.locator("form[enctype='multipart/form-data']")
    if campaign is not None:
        form.locator("input[name=group]").fill(campaign)
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()


def journey(live_server, browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    bad_file, fixed_file = lists(tmp_path)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", "peixun")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))

    # The deployment import, a new campaign named on the form; the list with a bad row first.
    page.goto(live_server.url + reverse("practice:import_upload", kwargs={"kind": "deployment"}))
    expect(page.locator("h1")).to_have_text("导入下沉派驻名单")
    upload(page, bad_file, CAMPAIGN)
    errors = page.locator(".import-errors li")
    expect(errors).to_have_count(1)
    assert errors.first.inner_text() == "第4行 结束日期: 结束日期不能早于开始日期。"
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    shot(page, "import-1-bad-row")
    page.set_viewport_size(PHONE)
    shot(page, "import-1-bad-row-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Stint.objects.exists() and not Campaign.objects.exists()

    # The corrected list: three new deployments, the campaign and places to be created; confirm.
    upload(page, fixed_file, CAMPAIGN)
    expect(page.locator("[data-count=created]")).to_have_text("3")
    expect(page.locator("[data-new-group]")).to_contain_text("2022-04-01 至 2022-05-10")
    expect(page.locator("[data-new-places]")).to_contain_text("长白新村街道 长白二村居委")
    shot(page, "import-2-preview")
    page.set_viewport_size(PHONE)
    shot(page, "import-2-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("新增 3 条")
    assert Stint.objects.count() == 3
    shot(page, "import-3-imported")
    figures(live_server, page)


def figures(live_server, page: Page) -> None:
    """The year's figures: the 居委 reached (two; the airport is not one), and the deployments behind the count."""
    page.goto(live_server.url + reverse("practice:figures") + "?year=2022")
    card = page.locator("a[data-figure=committees_supported]")
    expect(card.locator("[data-value]")).to_have_text("2")
    shot(page, "figures")
    page.set_viewport_size(PHONE)
    shot(page, "figures-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    card.click()
    page.wait_for_url(re.compile(re.escape(reverse("practice:figure_records", args=["committees"]))))
    places = page.locator("[data-place]")
    expect(places).to_have_count(2)
    main = page.locator("main")
    expect(main).to_contain_text("长白一村居委")
    expect(main).to_contain_text("长白二村居委")
    expect(main).to_contain_text("欧阳明轩")
    expect(main).to_contain_text("沈佳怡")
    expect(main).not_to_contain_text("浦东机场")
    expect(page.locator("[data-record]")).to_have_count(2)
    shot(page, "figures-committees")
    page.set_viewport_size(PHONE)
    shot(page, "figures-committees-phone")
