"""A 科室负责人 nominates within the quota in Chromium and a second nomination over it is refused; the training
administrator approves, records the 区委组织部's confirmation and the 结业 with a certificate; the cadre sees it on
我的调训 and the 学时 on the ledger.  Desktop and phone screenshots go to /tmp/shots-nominations/.
Runs against Debian's /usr/bin/chromium; when it is missing the test FAILS."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from ganxun.hours.models import LedgerEntry, Source
from ganxun.roster.tests.factories import PASSWORD
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)

from ..models import Nomination, NominationStatus, Result
from .world import Bureau

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path("/tmp/shots-nominations")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
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
def test_nominate_within_the_quota_review_confirm_and_complete(live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    try:
        journey(live_server, browser, tmp_path)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser, tmp_path: Path) -> None:  # noqa: F811
    importlib.import_module("ganxun.hours.migrations.0002_default_rules_2023_2027").seed(apps, None)
    world = Bureau(places=1, max_age=35, min_years_in_rank=5, party_member_required=True)
    detail_url = live_server.url + reverse("nominations:programme_detail", args=[world.programme.pk])

    page = login(browser, live_server, "n_head")
    page.goto(live_server.url + reverse("nominations:programme_list") + "?year=2026")
    page.get_by_role("link", name="2026年区中青年干部培训班").click()
    expect(page.locator("#quotas")).to_contain_text("剩余1")
    page.locator("#nominate-link").click()
    expect(page.locator("#places-left")).to_contain_text("区房管局：名额1个，剩余1个")
    page.select_option("#id_cadre", label="青年干部0（旧区改造科）")
    page.fill("#id_reason", "业务骨干，表现突出")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已推荐青年干部0")
    # criteria shown against the roster: age met, 4 years in rank of the 5 asked for not met
    row = page.locator("#nominations tbody tr").filter(has_text="青年干部0")
    expect(row).to_contain_text("35周岁")
    expect(row).to_contain_text("4年（2022-09-01起）")
    expect(row.locator(".text-bg-warning")).to_have_count(2)  # years in rank not met, and the status badge
    shot(page, "1-class-detail-head")
    page.locator("#nominate-link").click()
    expect(page.locator("#places-left")).to_contain_text("剩余0个")
    page.select_option("#id_cadre", label="青年干部1（旧区改造科）")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text(
        "《2026年区中青年干部培训班》分配给区房管局的名额为1个，现已占满，不能再推荐。"
    )
    shot(page, "2-over-quota-refused")
    assert Nomination.objects.filter(programme=world.programme).count() == 1
    page.close()

    nomination = Nomination.objects.get(programme=world.programme)
    page = login(browser, live_server, "n_admin")
    page.goto(live_server.url + reverse("nominations:nomination_detail", args=[nomination.pk]))
    page.locator("#review-form").get_by_label("审核通过").check()
    page.locator("#review-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("审核结果已登记")
    form = page.locator("#confirm-form")
    expect(form).to_contain_text("区委组织部在本系统中没有账号")
    form.get_by_label("已确认").check()
    form.locator("input[name=document]").fill("区委组〔2026〕20号")
    form.locator("input[name=date]").fill("2026-08-20")
    shot(page, "3-confirm-on-behalf")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("上级意见已登记")
    form = page.locator("#result-form")
    form.get_by_role("radio", name="结业", exact=True).check()
    form.locator("input[name=score]").fill("优秀")
    certificate = tmp_path / "结业证书.png"
    certificate.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    form.locator("input[type=file]").set_input_files(str(certificate))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("培训结果已登记")
    expect(page.locator("main")).to_contain_text("结业证书.png")
    shot(page, "4-result-recorded")
    page.goto(detail_url)
    shot(page, "5-class-detail-admin")
    page.goto(live_server.url + reverse("nominations:counts") + "?year=2026")
    expect(page.locator("#per-class")).to_contain_text("2026年区中青年干部培训班")
    shot(page, "6-counts")
    page.close()

    nomination.refresh_from_db()
    assert (nomination.status, nomination.result) == (NominationStatus.CONFIRMED, Result.COMPLETED)
    assert LedgerEntry.objects.filter(cadre=world.cadres[0], source=Source.OUTSIDE_CLASS).count() == 1

    page = login(browser, live_server, "n_cadre")
    page.goto(live_server.url + reverse("nominations:my_nominations"))
    expect(page.locator("#my-nominations")).to_contain_text("2026年区中青年干部培训班")
    expect(page.locator("#my-nominations")).to_contain_text("结业")
    shot(page, "7-my-nominations")
    page.close()
