"""The 五比五赛 in Chromium: a judge's scoring sheet and the published ranking with its ties, at 1366 px and on a
390 px phone (nothing scrolls sideways on the phone); the sheet refuses a score above the maximum by name.

Runs against Debian's /usr/bin/chromium; a missing browser FAILS the test.  Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Browser

from ganxun.accounts.models import Role
from ganxun.attendance.tests.test_browser_checkin import PHONE
from ganxun.hours.tests.test_browser_pages import DESKTOP, assert_fits, log_in
from ganxun.practice.models import EntryKind, Score
from ganxun.practice.services import competitions as svc
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser, shot  # noqa: F401

pytestmark = pytest.mark.browser

CRITERIA = (
    ("比征收进度", 30, 100),
    ("比群众满意", 20, 100),
    ("比依法征收", 20, 50),
    ("比廉洁自律", 15, 20),
    ("比团结协作", 15, 20),
)


def five_by_five():
    """The bureau's 五比五赛 of the 旧改 campaign: five criteria, six individuals and two teams, two judges."""
    home = Unit.objects.get(pk=home_unit_id())
    old = SectionFactory(name="旧区改造科", unit=home)
    housing = SectionFactory(name="住房保障科", unit=home)
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None, unit=home)
    judges = [
        UserFactory(username="pingwei1", role=Role.CADRE, cadre=CadreFactory(name="王局长", section=housing)),
        UserFactory(username="pingwei2", role=Role.CADRE, cadre=CadreFactory(name="陈书记", section=housing)),
    ]
    competition = svc.competition_create(
        actor=admin,
        unit=home,
        name="2022年旧改攻坚“五比五赛”立功竞赛",
        year=2022,
        judges=judges,
        description="比进度、比满意、比依法、比廉洁、比协作；赛作风、赛效率、赛质量、赛服务、赛担当。",
    )
    criteria = [
        svc.criterion_add(actor=admin, competition=competition, name=n, weight=D(w), max_score=D(m))
        for n, w, m in CRITERIA
    ]
    names = ("张晓明", "李文静", "王建国", "赵海燕", "孙立新", "周一鸣")
    cadres = [CadreFactory(name=n, section=old if i % 3 else housing) for i, n in enumerate(names)]
    entries = [
        svc.entry_create(actor=admin, competition=competition, kind=EntryKind.INDIVIDUAL, cadre=c) for c in cadres
    ]
    entries.append(
        svc.entry_create(
            actor=admin,
            competition=competition,
            kind=EntryKind.TEAM,
            name="征收一组（杨浦区长白新村街道228街坊）",
            members=cadres[:3],
            section=old,
        )
    )
    entries.append(
        svc.entry_create(
            actor=admin, competition=competition, kind=EntryKind.TEAM, name="征收二组", members=cadres[3:], section=old
        )
    )
    # Fractions of each maximum per entry; 李文静 and 王建国 end equal, and so do the two teams.
    shares = [0.9, 0.8, 0.8, 0.7, 0.6, 0.95, 0.75, 0.75]
    for judge, bump in zip(judges, (D("0"), D("0")), strict=True):
        values = {}
        for entry, share in zip(entries, shares, strict=True):
            for criterion in criteria:
                values[entry.pk, criterion.pk] = (criterion.max_score * D(str(share))).quantize(D("0.01")) + bump
        svc.score_sheet_save(actor=admin, competition=competition, judge=judge, values=values)
    return competition, admin, judges, entries, criteria


@pytest.mark.django_db(transaction=True)
def test_scoring_sheet_and_ranking_on_a_desktop_and_a_phone(live_server, browser: Browser):  # noqa: F811
    try:
        competition, admin, judges, entries, criteria = five_by_five()
        sheet_url = live_server.url + reverse("practice:competition_sheet", args=[competition.pk])
        ranking_url = live_server.url + reverse("practice:competition_ranking", args=[competition.pk])

        desktop = browser.new_context(**DESKTOP).new_page()
        desktop.set_default_timeout(TIMEOUT_MS)
        log_in(desktop, live_server, "pingwei1")
        desktop.goto(sheet_url)
        assert desktop.get_by_text("评委：王局长").is_visible()
        cell = desktop.locator(f"input[name=s_{entries[0].pk}_{criteria[3].pk}]")
        cell.fill("20.01")  # 比廉洁自律 is out of 20
        desktop.get_by_role("button", name="保存评分表").click()
        desktop.wait_for_load_state()
        assert desktop.get_by_text("超过最高分 20").is_visible()
        assert Score.objects.get(entry=entries[0], criterion=criteria[3], judge=judges[0]).value == D("18")
        assert_fits(desktop)
        shot(desktop, "competition-sheet-refused")
        desktop.locator(f"input[name=s_{entries[0].pk}_{criteria[3].pk}]").fill("20")
        desktop.get_by_role("button", name="保存评分表").click()
        desktop.wait_for_load_state()
        assert Score.objects.get(entry=entries[0], criterion=criteria[3], judge=judges[0]).value == D("20")
        shot(desktop, "competition-sheet-desktop")
        desktop.emulate_media(media="print")  # the paper sheet: no navigation, a line for the judge's signature
        assert desktop.locator("nav.navbar").is_hidden()
        assert desktop.get_by_text("评委签名").is_visible()
        shot(desktop, "competition-sheet-print")
        desktop.emulate_media(media="screen")

        phone = browser.new_context(**PHONE).new_page()
        phone.set_default_timeout(TIMEOUT_MS)
        log_in(phone, live_server, "pingwei2")
        phone.goto(sheet_url)
        assert phone.get_by_text("评委：陈书记").is_visible()
        assert_fits(phone)
        shot(phone, "competition-sheet-phone")

        admin_page = browser.new_context(**DESKTOP).new_page()
        admin_page.set_default_timeout(TIMEOUT_MS)
        log_in(admin_page, live_server, "peixun")
        # A team entry: choosing 团队 shows the team's part of the form only.
        admin_page.goto(live_server.url + reverse("practice:competition_entry_create", args=[competition.pk]))
        assert admin_page.locator("fieldset[data-kind=team]").is_hidden()
        admin_page.get_by_label("团队", exact=True).check()
        assert admin_page.locator("fieldset[data-kind=individual]").is_hidden()
        admin_page.get_by_label("团队名称").fill("征收三组")
        admin_page.get_by_label("成员").select_option(label="张晓明（住房保障科）")
        admin_page.get_by_role("button", name="保存", exact=True).click()
        admin_page.wait_for_load_state()
        assert admin_page.get_by_text("参赛者“征收三组”已保存").is_visible()
        svc.entry_remove(actor=admin, entry=competition.entries.get(name="征收三组"))

        svc.competition_publish(actor=admin, competition=competition)
        admin_page.goto(ranking_url)
        ranks = admin_page.locator("[data-rank]").all_inner_texts()
        assert ranks == sorted(ranks, key=int) and ranks.count("3") == 2  # 李文静 and 王建国 share 3rd; no 4th
        assert "4" not in ranks
        assert admin_page.get_by_text("并列").first.is_visible()
        assert_fits(admin_page)
        shot(admin_page, "competition-ranking-desktop")

        admin_page.goto(live_server.url + reverse("practice:competition_awards", args=[competition.pk]))
        admin_page.get_by_label("一等奖名额").fill("1")
        admin_page.get_by_label("二等奖名额").fill("2")
        admin_page.get_by_label("三等奖名额").fill("3")
        admin_page.get_by_role("button", name="按名次评奖").click()
        admin_page.wait_for_load_state()
        # Ranks 1 | 2–3 | 4–6: 李文静 and 王建国 (3rd, tied) both 二等奖; the teams (5th) 三等奖; 赵海燕 (7th) none.
        assert admin_page.get_by_text("已按名次颁发 6 个奖项").is_visible()
        assert_fits(admin_page)
        shot(admin_page, "competition-awards-desktop")
        admin_page.goto(live_server.url + competition.get_absolute_url())
        assert_fits(admin_page)
        shot(admin_page, "competition-detail-desktop")

        # A correction after publication: 孙立新's 比征收进度 from 王局长 was copied wrong (60 → 100).
        admin_page.goto(ranking_url)
        admin_page.get_by_role("link", name="更正评分").click()
        admin_page.get_by_label("参赛者").select_option(label="孙立新")
        admin_page.get_by_label("比赛项目").select_option(label="比征收进度")
        admin_page.get_by_label("评分人").select_option(label="王局长")
        admin_page.get_by_label("更正后分数").fill("100")
        admin_page.get_by_label("更正原因").fill("评分表誊写错误，以评委签字原件为准")
        shot(admin_page, "competition-correction-desktop")
        admin_page.get_by_role("button", name="更正并重新排名").click()
        admin_page.wait_for_load_state()
        assert admin_page.get_by_text("评分已更正，排名已重新计算").is_visible()
        # 孙立新: the judges' mean on 比征收进度 is now (100 + 60) / 2 = 80, so 30 × 0.8 + 42 = 66 (still behind 70).
        row = admin_page.locator("tr", has_text="孙立新")
        assert row.locator("td").nth(-2).inner_text() == "66.00"
        admin_page.goto(live_server.url + reverse("practice:competition_list"))
        assert_fits(admin_page)
        shot(admin_page, "competition-list-desktop")

        phone.goto(ranking_url)
        assert phone.locator("[data-rank]").first.is_visible()
        assert_fits(phone)
        shot(phone, "competition-ranking-phone")

        # A cadre on their phone: the competition shows their own entries only, and their entry its scores.
        UserFactory(username="zhangxiaoming", role=Role.CADRE, cadre=entries[0].cadre)
        mine = browser.new_context(**PHONE).new_page()
        mine.set_default_timeout(TIMEOUT_MS)
        log_in(mine, live_server, "zhangxiaoming")
        mine.goto(live_server.url + competition.get_absolute_url())
        assert mine.get_by_role("link", name="张晓明").is_visible()
        assert mine.get_by_text("李文静", exact=True).count() == 0
        assert_fits(mine)
        mine.goto(live_server.url + entries[0].get_absolute_url())
        assert mine.get_by_text("第 2 名").is_visible()
        assert_fits(mine)
        shot(mine, "competition-entry-phone")
    finally:
        connections.close_all()
