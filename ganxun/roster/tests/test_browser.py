"""A training administrator imports a roster in Chromium: a bad row, the fix, the search, the cadre's page.

Runs against Debian's /usr/bin/chromium (``apt-get install chromium``); when it is missing the test FAILS
rather than skips, so that CI cannot pass without the browser journeys.  Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ganxun.accounts.models import Role
from ganxun.roster.models import Cadre, Gender

from .factories import PASSWORD, SectionFactory, UserFactory, make_id_number

pytestmark = pytest.mark.browser

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
HEADER = ("姓名", "身份证号", "性别", "出生日期", "科室", "职务", "政治面貌", "手机")
TIMEOUT_MS = 20_000


@pytest.fixture
def browser(monkeypatch) -> Browser:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}: apt-get install chromium"
        )
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def roster_xlsx(rows: list[tuple]) -> bytes:
    """A roster as a personnel office keeps it: a title row, Chinese headers, ID numbers stored as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["杨浦区房管局干部名册（2026年）"])
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    for cell in sheet["B"]:
        cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(name: str, born: dt.date, gender: str, serial: int, section: str = "旧区改造科") -> tuple:
    return (
        name,
        make_id_number(born, gender, serial),
        "男" if gender == Gender.MALE else "女",
        born.isoformat(),
        section,
        "科员",
        "中共党员",
        f"1391234{serial:04d}",
    )


def broken(row: tuple) -> tuple:
    """The same person with the ID number's check digit mistyped."""
    number = row[1]
    wrong = "0" if number[-1] != "0" else "1"
    return (row[0], number[:-1] + wrong, *row[2:])


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_training_admin_imports_a_roster_fixes_a_bad_row_and_finds_the_cadre(live_server, browser, tmp_path):
    try:
        import_journey(live_server, browser, tmp_path)
    finally:
        # While Playwright's loop runs, the ORM works on a connection of its own (asgiref's context-local
        # storage); close it here, or on PostgreSQL it outlives the test database and blocks its removal.
        connections.close_all()


def import_journey(live_server, browser: Browser, tmp_path: Path) -> None:
    SectionFactory(name="旧区改造科")
    UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None)
    good = [
        person("欧阳明轩", dt.date(1990, 5, 17), Gender.MALE, 11),
        person("沈佳怡", dt.date(1996, 11, 2), Gender.FEMALE, 12),
        person("顾建国", dt.date(1975, 3, 12), Gender.MALE, 13),
    ]
    bad_file = tmp_path / "干部名册-有错.xlsx"
    bad_file.write_bytes(roster_xlsx([good[0], broken(good[1]), good[2]]))
    fixed_file = tmp_path / "干部名册.xlsx"
    fixed_file.write_bytes(roster_xlsx(good))

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(TIMEOUT_MS)

    # Log in as the training administrator.
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.locator("h1")).to_contain_text("干训")
    page.fill("#id_username", "peixun")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + reverse("core:home"))

    # Open 导入 from the navigation and upload the workbook with the mistyped ID number.
    page.get_by_role("button", name="管理", exact=True).click()  # the import page sits in the 管理 menu
    page.locator(f"nav a[href='{reverse('roster:cadre_import')}']").first.click()
    page.wait_for_url(re.compile(re.escape(reverse("roster:cadre_import")) + "$"))
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(str(bad_file))
    upload.locator("button[type=submit]").click()

    # Row 4 in Excel (title row, header, first person, then the bad one): 第4行 身份证号: …
    errors = page.locator(".import-errors li")
    expect(errors).to_have_count(1)
    message = errors.first.inner_text()
    assert re.match(r"^第4行 身份证号: .+", message), message
    expect(page.locator("#import-preview")).to_contain_text("干部名册-有错.xlsx")
    expect(page.locator(f"form[action='{reverse('roster:cadre_import_confirm')}']")).to_have_count(0)
    shot(page, "import-1-bad-row")
    assert not Cadre.objects.exists()

    # Upload the corrected workbook and confirm.
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(str(fixed_file))
    upload.locator("button[type=submit]").click()
    expect(page.locator("[data-count=created]")).to_have_text("3")
    expect(page.locator(".import-errors li")).to_have_count(0)
    shot(page, "import-2-preview")
    page.locator(f"form[action='{reverse('roster:cadre_import_confirm')}'] button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(reverse("roster:cadre_list")) + r"(\?.*)?$"))
    expect(page.locator(".alert-success")).to_contain_text("3")
    assert Cadre.objects.count() == 3

    # Find 欧阳明轩 by the pinyin initials and open the cadre's page.
    page.fill("input[name=q]", "oymx")
    page.press("input[name=q]", "Enter")
    table = page.locator("#cadre-table")
    expect(table.get_by_role("link", name="欧阳明轩")).to_be_visible()
    expect(table.get_by_role("link", name="沈佳怡")).to_have_count(0)
    shot(page, "import-3-search")
    table.get_by_role("link", name="欧阳明轩").click()
    cadre = Cadre.objects.get(name="欧阳明轩")
    page.wait_for_url(live_server.url + cadre.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("欧阳明轩")
    expect(page.locator("main")).to_contain_text("旧区改造科")
    expect(page.locator("main")).to_contain_text(cadre.id_number_masked)
    shot(page, "import-4-cadre")
