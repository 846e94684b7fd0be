"""A training administrator reads a cadre's history of service (任职经历) and dates a promotion, in Chromium.

Screenshots of the cadre's page, desktop and phone, go to test-artifacts/ (history-*.png).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.roster import history
from ganxun.roster.models import Cadre, Gender, LeadershipLevel, Rank, Status, Unit

from .factories import PASSWORD, CadreFactory, SectionFactory, UserFactory, make_id_number
from .test_browser import TIMEOUT_MS, browser, shot  # noqa: F401 (the browser fixture)

pytestmark = pytest.mark.browser
D = dt.date


@pytest.mark.django_db(transaction=True)
def test_admin_reads_the_history_and_dates_a_promotion(live_server, browser: Browser):  # noqa: F811
    try:
        history_journey(live_server, browser)
    finally:
        connections.close_all()


def a_career() -> tuple[Cadre, object]:
    office = SectionFactory(name="办公室", sort_order=1)
    renewal = SectionFactory(name="旧区改造科", sort_order=2)
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    Unit.objects.filter(pk=office.unit_id).update(name="杨浦区房管局")
    born = D(1986, 4, 12)
    cadre = CadreFactory(
        name="欧阳明轩",
        birth_date=born,
        gender=Gender.MALE,
        id_number=make_id_number(born, Gender.MALE, 31),
        section=office,
        post="科员",
        rank=Rank.CLERK_1,
        hire_date=D(2010, 7, 1),
        work_start_date=D(2010, 7, 1),
    )
    history.cadre_change(
        actor=admin, cadre=cadre, effective=D(2015, 3, 1), note="职级晋升", rank=Rank.PRINCIPAL_CLERK_4
    )
    history.cadre_change(
        actor=admin, cadre=cadre, effective=D(2019, 9, 1), note="轮岗交流", section=renewal, post="副科长"
    )
    history.cadre_change(
        actor=admin,
        cadre=cadre,
        effective=D(2023, 1, 1),
        note="提任科长",
        post="科长",
        rank=Rank.PRINCIPAL_CLERK_2,
        leadership_level=LeadershipLevel.SECTION_CHIEF,
    )
    return cadre, admin


def history_journey(live_server, browser: Browser) -> None:  # noqa: F811
    cadre, _admin = a_career()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", "peixun")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))

    page.goto(live_server.url + cadre.get_absolute_url())
    table = page.locator("#periods table")
    expect(page.locator("#periods-heading")).to_have_text("任职经历")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").first).to_contain_text("2023-01-01– 至今")
    expect(table.locator("tbody tr").first).to_contain_text("提任科长")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("2019-09-01– 2022-12-31")
    expect(table.locator("tbody tr").last).to_contain_text("一级科员")
    expect(table.locator("tbody tr").last).to_contain_text("杨浦区房管局")
    shot(page, "history-1-desktop")

    # Edit: a promotion to 二级调研员 effective 2025-07-01, with its reason.
    page.get_by_role("link", name="编辑").click()
    page.select_option("#id_rank", Rank.RESEARCHER_2)
    page.fill("#id_effective", "2025-07-01")
    page.fill("#id_change_note", "晋升二级调研员")
    expect(page.locator("label[for=id_effective]")).to_have_text("生效日期")
    shot(page, "history-edit-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live_server.url + cadre.get_absolute_url())
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("2025-07-01– 至今")
    expect(first).to_contain_text("二级调研员")
    expect(first).to_contain_text("县处级以上")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("2023-01-01– 2025-06-30")

    # Retirement, dated.
    page.select_option("#id_status", Status.RETIRED)
    page.fill("#id_effective", "2026-04-30")
    page.get_by_role("button", name="保存状态").click()
    expect(table.locator("tbody tr").first).to_contain_text("2026-04-30– 至今")
    expect(table.locator("tbody tr").first).to_contain_text("退休")
    shot(page, "history-2-desktop-after")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.set_default_timeout(TIMEOUT_MS)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(live_server.url + cadre.get_absolute_url())
    items = phone.locator("#periods .periods-list li")
    expect(items).to_have_count(6)
    expect(items.first).to_contain_text("2026-04-30 – 至今")
    expect(phone.locator("#periods table")).to_be_hidden()
    shot(phone, "history-3-phone")
    stored = Cadre.objects.get(pk=cadre.pk)
    assert (stored.rank, stored.status) == (Rank.RESEARCHER_2, Status.RETIRED)
