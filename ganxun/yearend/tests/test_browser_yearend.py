"""The training administrator opens the bureau's year-end draft in Chromium, follows a figure to the records it
counts, edits a sentence inline and downloads the Word document, which LibreOffice renders to PDF and its first page
to a PNG.  Desktop and phone screenshots of the draft and the first page go to test-artifacts/yearend/."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ganxun.accounts.models import Role
from ganxun.practice.tests.factories import TeamFactory, TeamMembershipFactory
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, UserFactory
from ganxun.roster.tests.test_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FOLDER = ARTIFACTS / "yearend"


def shot(page: Page, name: str) -> None:
    """The whole page, and its first screen (what one sees on opening it), on a desktop and on a phone."""
    page.screenshot(path=str(FOLDER / f"{name}.png"), full_page=True)
    page.screenshot(path=str(FOLDER / f"{name}-top.png"))
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(FOLDER / f"{name}-phone.png"), full_page=True)
    page.screenshot(path=str(FOLDER / f"{name}-top-phone.png"))
    page.set_viewport_size(DESKTOP)


def login(browser: Browser, live_server, username: str) -> Page:  # noqa: F811
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r".*/(?!accounts/login).*"))
    return page


def first_page_png(document: Path) -> Path:
    """The document rendered by LibreOffice (its own profile, so that runs side by side do not collide)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is needed to render the report: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="ganxun-yearend-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(document.parent),
                str(document),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    pdf = document.with_suffix(".pdf")
    assert pdf.is_file()
    stem = FOLDER / "report-page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")


@pytest.mark.django_db(transaction=True)
def test_admin_opens_the_draft_follows_a_figure_edits_and_downloads(live_server, browser):  # noqa: F811
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    FOLDER.mkdir(parents=True, exist_ok=True)
    year = timezone.localdate().year
    home = Unit.objects.get(pk=home_unit_id())
    UserFactory(username="ye_peixun", role=Role.TRAINING_ADMIN, cadre=None)
    team = TeamFactory(name="房管应急支援队", unit=home)
    for cadre in [CadreFactory() for _ in range(5)]:
        TeamMembershipFactory(team=team, cadre=cadre, joined_on=dt.date(year, 1, 1))

    page = login(browser, live_server, "ye_peixun")
    page.goto(live_server.url + reverse("yearend:draft_list"))
    page.select_option("#id_unit", str(home.pk))
    page.fill("#id_year", str(year))
    page.get_by_role("button", name="打开草稿").click()
    page.wait_for_url(re.compile(r".*/yearend/\d+/$"))
    draft_url = page.url
    expect(page.get_by_role("heading", name=f"{year}年度干部教育培训工作总结")).to_be_visible()
    expect(page.locator('[data-figure="team_members"]').first).to_have_text("5")
    expect(page.locator("[data-appendix] tbody tr").first).to_be_visible()

    # A figure leads to the records it counts.
    figure = page.locator("a.report-figure").first
    expect(figure).to_be_visible()
    target = figure.get_attribute("href")
    figure.click()
    page.wait_for_url(re.compile(re.escape(target.split("?")[0])))
    assert page.locator("h1").count() >= 1
    page.goto(draft_url)

    # Edit a sentence in place (htmx): the placeholder stays and shows its value.
    paragraph = page.locator("[data-paragraph]").nth(3)
    paragraph.get_by_role("link", name="编辑").click()
    textarea = page.locator("textarea[name=text]")
    expect(textarea).to_be_visible()
    textarea.fill("一是抓关键少数。全年开展中心组学习{central_group_sessions}次，领导干部带头学、带头讲，学风更浓。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-paragraph]").nth(3)).to_contain_text("领导干部带头学、带头讲，学风更浓。")
    expect(page.locator("textarea[name=text]")).to_have_count(0)
    page.reload()
    expect(page.locator("[data-paragraph]").nth(3)).to_contain_text("学风更浓")
    shot(page, "draft")
    page.locator("[data-paragraph]").nth(5).get_by_role("link", name="编辑").click()
    expect(page.locator("textarea[name=text]")).to_be_visible()
    page.locator("textarea[name=text]").scroll_into_view_if_needed()
    page.screenshot(path=str(FOLDER / "draft-editing.png"))
    page.reload()

    # Download the Word document.
    with page.expect_download() as caught:
        page.locator("[data-download-word]").click()
    document = FOLDER / "report.docx"
    caught.value.save_as(str(document))
    text = "\n".join(p.text for p in docx.Document(str(document)).paragraphs)
    assert "领导干部带头学、带头讲，学风更浓。" in text
    assert "应急支援队在队队员5人" in text
    png = first_page_png(document)
    assert png.is_file() and png.stat().st_size > 1000
