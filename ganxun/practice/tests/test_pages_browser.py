"""The practice pages in Chromium, on a desktop and a phone: every list, filtered in place, and the entry form of a
community report; screenshots in test-artifacts/ (practice-*.png) to look at."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.practice.models import PlaceKind, SecondmentKind, TeamRole, VisitKind
from ganxun.roster.models import PoliticalStatus
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser, shot  # noqa: F401  (the browser fixture)

from .factories import (
    CampaignFactory,
    CommunityReportFactory,
    EstateFactory,
    PlaceFactory,
    SecondmentFactory,
    StintFactory,
    StreetFactory,
    TeamFactory,
    TeamMembershipFactory,
    VisitFactory,
)

pytestmark = pytest.mark.browser

LISTS = ["place", "campaign", "stint", "community_report", "team", "secondment", "visit"]
SCREENS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _a_bureaus_practice_year() -> None:
    sections = [SectionFactory(name=name) for name in ("旧区改造科", "住房保障科", "物业管理科")]
    street = StreetFactory(name="长白新村街道")
    campaign = CampaignFactory(name="2022年社区抗疫", start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 6, 30))
    CampaignFactory(name="旧改攻坚一线", start_date=dt.date(2023, 1, 1), end_date=None)
    team = TeamFactory(name="房管应急支援队", formed_on=dt.date(2022, 3, 15))
    airport = PlaceFactory(name="浦东机场", kind=PlaceKind.AIRPORT)
    names = ["王建国", "李红梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "周敏"]
    for i, name in enumerate(names):
        cadre = CadreFactory(name=name, section=sections[i % 3], political_status=PoliticalStatus.CPC_MEMBER)
        committee = PlaceFactory(name=f"长白{'一二三四'[i % 4]}村居委", parent=street) if i < 4 else None
        committee = committee or PlaceFactory._meta.model.objects.get(name=f"长白{'一二三四'[i % 4]}村居委")
        estate = EstateFactory(name=f"长白{'一二三四'[i % 4]}村{i}号小区", parent=committee)
        StintFactory(
            cadre=cadre,
            campaign=campaign,
            place=airport if i == 7 else estate,
            role="组长" if i == 0 else "志愿者",
            task="核酸检测秩序维护",
            start_date=dt.date(2022, 4, 1 + i),
            end_date=dt.date(2022, 4, 20 + i),
        )
        CommunityReportFactory(cadre=cadre, place=committee, date=dt.date(2022, 5, 1 + i), service="社区防疫值守")
        TeamMembershipFactory(
            cadre=cadre,
            team=team,
            role=TeamRole.LEADER if i == 0 else TeamRole.DEPUTY if i == 1 else TeamRole.MEMBER,
            joined_on=dt.date(2022, 3, 15),
            left_on=dt.date(2022, 9, 1) if i == 5 else None,
        )
        if i < 3:
            SecondmentFactory(
                cadre=cadre,
                kind=[SecondmentKind.TIBET, SecondmentKind.YUNNAN, SecondmentKind.ATTACHMENT][i],
                region=["西藏日喀则市", "云南省红河州", "杨浦区长白新村街道"][i],
                actual_start=dt.date(2022, 7, 1),
            )
        VisitFactory(
            cadre=cadre,
            kind=VisitKind.FRONTLINE if i % 2 else VisitKind.EXCHANGE,
            destination="静安区房管局" if i % 2 == 0 else "",
            place=None if i % 2 == 0 else committee,
        )


@pytest.mark.django_db(transaction=True)
def test_every_practice_list_and_a_form_on_a_desktop_and_a_phone(live_server, browser: Browser):  # noqa: F811
    try:
        UserFactory(username="shijian", role=Role.SYSTEM_ADMIN, cadre=None, is_staff=True, is_superuser=True)
        _a_bureaus_practice_year()
        for screen, viewport in SCREENS.items():
            page = browser.new_page(viewport=viewport, locale="zh-CN")
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + reverse("accounts:login"))
            page.fill("#id_username", "shijian")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.goto(live_server.url + reverse("practice:index"))
            expect(page.locator("h1")).to_have_text("实践课堂")
            shot(page, f"practice-index-{screen}")
            for kind in LISTS:
                page.goto(live_server.url + reverse(f"practice:{kind}_list"))
                expect(page.locator("#record-table")).to_be_visible()
                shot(page, f"practice-{kind}-list-{screen}")
            # Filtering in place: the table follows and the address bar keeps the filter.
            page.goto(live_server.url + reverse("practice:stint_list"))
            page.select_option("#id_year", "2022")
            expect(page.locator("#record-table")).to_contain_text("王建国")
            page.wait_for_url("**year=2022**")
            page.goto(live_server.url + reverse("practice:community_report_create"))
            expect(page.locator("form.card")).to_contain_text("服务内容")
            shot(page, f"practice-community-report-form-{screen}")
            page.goto(live_server.url + reverse("practice:team_list"))
            page.click("text=房管应急支援队")
            expect(page.locator("h1")).to_have_text("房管应急支援队")
            shot(page, f"practice-team-detail-{screen}")
            page.close()
    finally:
        connections.close_all()
