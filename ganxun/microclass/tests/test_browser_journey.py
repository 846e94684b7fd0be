"""A cadre watches (reads) a lesson to completion on a phone, the server crediting the heartbeats, and the hours
appear once on 我的学习; the administrator's pages on a desktop.  Screenshots in test-artifacts/microclass-*.png.

The lesson is four seconds long and the heartbeat comes every second (settings), so that the journey is short."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ganxun.accounts.models import Role
from ganxun.hours.models import LedgerEntry, Source
from ganxun.roster.tests.factories import PASSWORD, CadreFactory, SectionFactory, UserFactory
from ganxun.roster.tests.test_browser import TIMEOUT_MS, browser, shot  # noqa: F401  (the browser fixture)

from ..models import LessonProgress
from .factories import AssignmentFactory, CourseFactory, LessonFactory, lesson_rule, minimal_pdf

pytestmark = pytest.mark.browser

IPHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.0 Mobile/15E148 Safari/604.1"
    ),
    "locale": "zh-CN",
}


@pytest.mark.django_db(transaction=True)
def test_a_cadre_reads_a_lesson_on_a_phone_to_completion_and_the_hours_count_once(
    live_server,
    browser: Browser,  # noqa: F811
    settings,
):
    settings.MICROCLASS_HEARTBEAT_SECONDS = 1
    settings.MICROCLASS_HEARTBEAT_GRACE_SECONDS = 1
    try:
        journey(live_server, browser)
    finally:
        connections.close_all()


def journey(live_server, browser: Browser) -> None:  # noqa: F811
    section = SectionFactory(name="住房保障科")
    cadre = CadreFactory(name="陈微课", section=section)
    UserFactory(username="weike", role=Role.CADRE, cadre=cadre)
    UserFactory(username="peixun_w", role=Role.TRAINING_ADMIN, cadre=None)
    lesson_rule(timezone.localdate().year, "0.5")
    course = CourseFactory(title="住房保障政策解读", description="三个短课时，随时随地学习。")
    lesson = LessonFactory(
        course=course,
        title="第一讲 公租房申请条件",
        file=ContentFile(minimal_pdf("Public rental housing: who may apply"), name="第一讲.pdf"),
        length_seconds=4,
    )
    LessonFactory(course=course, title="第二讲 保障房轮候", length_seconds=300)
    AssignmentFactory(course=course, cadre=cadre)
    AssignmentFactory(course=course, cadre=CadreFactory(name="林同事", section=section))

    context = browser.new_context(**IPHONE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("#id_username", "weike")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + reverse("microclass:course_list"))
    expect(page.locator("h2").first).to_have_text("我的微课堂")
    expect(page.locator(f"[data-course='{course.pk}']")).to_contain_text("已完成0/2")
    shot(page, "microclass-my-courses-phone")

    page.get_by_role("link", name="第一讲 公租房申请条件").click()
    expect(page.locator("#pdf-viewer canvas")).to_have_count(1)  # PDF.js drew the page
    expect(page.locator("#progress-state")).to_contain_text("已完成，学时已计入", timeout=30_000)
    expect(page.locator("#progress-text")).to_have_text("100%")
    shot(page, "microclass-player-phone")

    progress = LessonProgress.objects.get(cadre=cadre, lesson=lesson)
    assert progress.completed_at is not None
    assert progress.credited_ms >= 3600  # 90% of four seconds, measured by the server
    # Staying on the page after completion counts nothing more.
    page.wait_for_timeout(2500)
    entries = LedgerEntry.objects.filter(cadre=cadre, source=Source.MICRO_LESSON)
    assert [(e.title, str(e.hours)) for e in entries] == [("微课堂：第一讲 公租房申请条件", "0.50")]

    page.goto(live_server.url + reverse("hours:my_learning"))
    # 我的学习 sums the ledger per category: the lesson's half 学时, once, in 网络培训.
    expect(page.locator("li[data-bucket=online]")).to_have_text("网络培训0.5")
    shot(page, "microclass-my-learning-phone")
    context.close()

    # The administrator, on a desktop: the course, and who has completed what.
    desk = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    desk.set_default_timeout(TIMEOUT_MS)
    desk.goto(live_server.url + reverse("accounts:login"))
    desk.fill("#id_username", "peixun_w")
    desk.fill("#id_password", PASSWORD)
    desk.click("button[type=submit]")
    desk.goto(live_server.url + reverse("microclass:course_list"))
    expect(desk.locator("#course-table")).to_contain_text("住房保障政策解读")
    shot(desk, "microclass-course-list-desktop")
    desk.goto(live_server.url + course.get_absolute_url())
    expect(desk.locator("#lesson-list")).to_contain_text("第二讲 保障房轮候")
    shot(desk, "microclass-course-desktop")
    desk.goto(live_server.url + reverse("microclass:course_progress", args=[course.pk]))
    row = desk.locator("#progress-table tr", has_text="陈微课")
    expect(row).to_contain_text(f"已完成 {timezone.localtime(progress.completed_at):%m-%d}")
    expect(desk.locator("#progress-table tr", has_text="林同事")).to_contain_text("—")
    shot(desk, "microclass-progress-desktop")
    desk.goto(live_server.url + reverse("microclass:lesson_create", args=[course.pk]))
    expect(desk.locator("form.card")).to_contain_text("时长（秒）")
    shot(desk, "microclass-lesson-form-desktop")
    desk.close()
    assert dt.date.today()  # the journey ran to its end


# A real WebM made by Chromium itself (a canvas recorded by MediaRecorder): no ffmpeg on the machine.
RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 160; canvas.height = 90;
  const context = canvas.getContext("2d");
  const stream = canvas.captureStream(15);
  const recorder = new MediaRecorder(stream, { mimeType: "video/webm" });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  let frame = 0;
  const timer = setInterval(() => {
    context.fillStyle = `hsl(${(frame++ * 12) % 360} 70% 50%)`;
    context.fillRect(0, 0, 160, 90);
  }, 66);
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 6000));
  recorder.stop();
  await new Promise((resolve) => { recorder.onstop = resolve; });
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks, { type: "video/webm" }).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


@pytest.mark.django_db(transaction=True)
def test_a_video_lesson_counts_only_while_it_plays_and_seeks_with_ranges(
    live_server,
    browser: Browser,  # noqa: F811
    settings,
):
    import base64

    settings.MICROCLASS_HEARTBEAT_SECONDS = 1
    settings.MICROCLASS_HEARTBEAT_GRACE_SECONDS = 1
    try:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(live_server.url + reverse("accounts:login"))
        webm = base64.b64decode(page.evaluate(RECORD_WEBM))
        assert webm[:4] == b"\x1a\x45\xdf\xa3"  # an EBML (WebM) header
        cadre = CadreFactory(name="赵视频")
        UserFactory(username="shipin", role=Role.CADRE, cadre=cadre)
        lesson_rule(timezone.localdate().year, "0.5")
        course = CourseFactory(title="视频课程")
        # Twenty seconds long: six seconds of playing cannot complete it.
        lesson = LessonFactory(
            course=course,
            title="录像：旧改政策",
            kind="video",
            file=ContentFile(webm, name="clip.webm"),
            length_seconds=20,
        )
        AssignmentFactory(course=course, cadre=cadre)
        page.fill("#id_username", "shipin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        ranged = []
        page.on("response", lambda r: ranged.append(r.status) if "/file/" in r.url else None)
        page.goto(live_server.url + lesson.get_absolute_url())
        page.wait_for_function("document.getElementById('lesson-video').readyState >= 1")
        page.wait_for_timeout(1500)  # paused: nothing counts
        assert LessonProgress.objects.get(cadre=cadre).credited_ms == 0
        page.evaluate("(() => { const v = document.getElementById('lesson-video'); v.muted = true; v.play(); })()")
        page.wait_for_timeout(4000)
        page.evaluate("document.getElementById('lesson-video').pause()")
        page.wait_for_timeout(500)
        credited = LessonProgress.objects.get(cadre=cadre).credited_ms
        assert 2000 <= credited <= 6000, credited  # about the four seconds it played, by the server's clock
        page.wait_for_timeout(2500)  # paused again: nothing more
        assert LessonProgress.objects.get(cadre=cadre).credited_ms == credited
        expect(page.locator("#progress-state")).to_contain_text("已暂停")
        shot(page, "microclass-video-desktop")
        assert 206 in ranged, ranged  # the browser asked for the video by byte ranges
        assert not LedgerEntry.objects.filter(cadre=cadre).exists()
        page.close()
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_hidden_page_and_a_second_tab_count_nothing(
    live_server,
    browser: Browser,  # noqa: F811
    settings,
):
    """The player's own rules in the browser: hidden, it stops counting; opened in a second tab, the first tab is
    told it no longer counts and the time is counted once."""
    settings.MICROCLASS_HEARTBEAT_SECONDS = 1
    settings.MICROCLASS_HEARTBEAT_GRACE_SECONDS = 1
    try:
        cadre = CadreFactory(name="钱两窗")
        UserFactory(username="liangchuang", role=Role.CADRE, cadre=cadre)
        lesson = LessonFactory(title="长文档", length_seconds=300)
        AssignmentFactory(course=lesson.course, cadre=cadre)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        first = context.new_page()
        first.set_default_timeout(TIMEOUT_MS)
        first.goto(live_server.url + reverse("accounts:login"))
        first.fill("#id_username", "liangchuang")
        first.fill("#id_password", PASSWORD)
        first.click("button[type=submit]")
        first.goto(live_server.url + lesson.get_absolute_url())
        expect(first.locator("#progress-state")).to_contain_text("课时显示在屏幕上时计时")
        first.wait_for_timeout(3000)
        counted = LessonProgress.objects.get(cadre=cadre).credited_ms
        assert counted >= 1000, counted

        # The page is hidden (another app in front): the browser says so, and nothing more is counted.
        first.evaluate(
            """() => {
                Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
                document.dispatchEvent(new Event("visibilitychange"));
            }"""
        )
        first.wait_for_timeout(1000)
        hidden_from = LessonProgress.objects.get(cadre=cadre).credited_ms
        first.wait_for_timeout(3000)
        assert LessonProgress.objects.get(cadre=cadre).credited_ms == hidden_from
        first.evaluate(
            """() => {
                Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
                document.dispatchEvent(new Event("visibilitychange"));
            }"""
        )

        # A second tab on the same lesson takes over; the first is told, and stops counting.
        second = context.new_page()
        second.set_default_timeout(TIMEOUT_MS)
        second.goto(live_server.url + lesson.get_absolute_url())
        expect(first.locator("#progress-state")).to_contain_text("正在另一个窗口播放", timeout=10_000)
        expect(first.locator("#resume-here")).to_be_visible()
        shot(first, "microclass-second-tab-desktop")
        before = LessonProgress.objects.get(cadre=cadre).credited_ms
        second.wait_for_timeout(4000)
        gained = LessonProgress.objects.get(cadre=cadre).credited_ms - before
        # Both tabs were open four seconds; only one counted: at most four seconds and the grace, not eight.
        assert 1000 <= gained <= 5500, gained
        context.close()
    finally:
        connections.close_all()
