"""The year's archive as Word (opened with python-docx: its text, page, margins and fonts) and as a zip."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from ..archive import year_archive
from ..word import archive_docx, chinese_number
from .factories import LeaderFactory, PlanTopicFactory, SelfStudyFactory, StudyPlanFactory, study_sitting

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture
def media(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-study-")
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


class Year:
    """A bureau's 2026: a plan of two topics, two 中心组 sittings and a 党委会 one, two leaders' self-study."""

    def __init__(self) -> None:
        self.section = SectionFactory(name="局领导")
        self.unit = self.section.unit
        self.chief = LeaderFactory(name="王局长", section=self.section, post="党委书记、局长")
        self.deputy = LeaderFactory(
            name="钱副局长", section=self.section, post="副局长", leadership_level="deputy_division_chief"
        )
        self.staff = CadreFactory(name="普通干部", section=self.section)
        self.plan = StudyPlanFactory(unit=self.unit, note="全年安排集中学习不少于12次。")
        self.topics = [
            PlanTopicFactory(plan=self.plan, number=1, topic="人民城市重要理念", month=2, lead="王局长"),
            PlanTopicFactory(plan=self.plan, number=2, topic="全国两会精神", month=3, lead="钱副局长"),
        ]
        members = [self.chief, self.deputy]
        self.march = study_sitting(
            unit=self.unit,
            day=dt.date(2026, 3, 19),
            topic="全国两会精神",
            members=members,
            absent=[(self.deputy, "参加市里会议")],
            material="全国两会精神学习辅导材料",
        )
        self.february = study_sitting(
            unit=self.unit, day=dt.date(2026, 2, 20), topic="人民城市重要理念", members=members
        )
        self.committee = study_sitting(
            unit=self.unit, day=dt.date(2026, 4, 8), topic="问责条例", members=members, kind="党委会学习"
        )
        self.other_year = study_sitting(unit=self.unit, day=dt.date(2025, 12, 18), topic="去年的专题", members=members)
        self.book = SelfStudyFactory(
            cadre=self.chief,
            start_date=dt.date(2026, 1, 5),
            end_date=dt.date(2026, 1, 20),
            title="习近平谈治国理政（第四卷）",
            author="外文出版社",
            pages=120,
            hours=6,
            notes="读原著、学原文、悟原理。",
            attachment=ContentFile("心得".encode(), name="心得.docx"),
        )
        self.document = SelfStudyFactory(
            cadre=self.deputy, start_date=dt.date(2026, 2, 3), title="上海市城市更新条例", pages=None, hours=2
        )
        self.admin = UserFactory(username="study_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=self.unit)


def _text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _east_asia(run) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


@pytest.mark.django_db
def test_the_word_document_holds_the_plan_every_sitting_and_the_self_study(media):
    year = Year()
    data = archive_docx(year_archive(year.unit, 2026))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "study_archive.docx").write_bytes(data)
    document = Document(io.BytesIO(data))
    text = _text(document)

    assert document.paragraphs[0].text == year.unit.name
    assert document.paragraphs[1].text == "2026年度理论学习中心组学习档案"
    for topic in year.topics:
        assert topic.topic in text and topic.lead in text
    assert "全年安排集中学习不少于12次。" in text
    # Each sitting: its date, topic, host and attendance; the 党委会 has its own heading; last year's is not there.
    assert "（一）2月20日 理论学习中心组学习：人民城市重要理念" in text
    assert "（二）3月19日 理论学习中心组学习：全国两会精神" in text
    assert "（一）4月8日 理论学习中心组学习：问责条例" in text
    assert "二、中心组学习记录" in text and "三、党委会学习记录" in text
    assert "去年的专题" not in text
    assert "主持人：王书记" in text and "记录人：孙科长" in text and "中心发言：赵副局长、钱副局长" in text
    assert "出席情况：应到2人，实到1人，缺席1人。" in text
    assert "缺席人员及原因：钱副局长（请假，参加市里会议）" in text
    assert "出席情况：应到2人，实到2人，缺席0人。" in text
    assert "学习材料：全国两会精神学习辅导材料" in text
    assert "会议围绕全国两会精神开展集中学习。" in text
    assert "补学情况：钱副局长因公缺席，会后已自学补学。" in text
    # Self-study: every leader, their records and sums; a cadre who is no leader is not listed.
    assert "四、领导干部平时自学情况" in text
    assert "王局长（党委书记、局长）" in text
    assert "本年度登记自学1次，阅读120页，用时6小时。" in text
    assert "习近平谈治国理政（第四卷）" in text and "2026-01-05 至 2026-01-20" in text
    assert "《习近平谈治国理政（第四卷）》学习心得：读原著、学原文、悟原理。" in text
    assert "上海市城市更新条例" in text
    assert "本年度登记自学1次，用时2小时。" in text  # no pages read: none said
    assert "普通干部" not in text


@pytest.mark.django_db
def test_the_word_document_is_laid_out_as_an_official_document(media):
    year = Year()
    document = Document(io.BytesIO(archive_docx(year_archive(year.unit, 2026))))
    section = document.sections[0]

    def mm(length) -> float:  # Word keeps lengths in twips: a millimetre is 56.7 of them
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)

    title = document.paragraphs[1]
    assert title.alignment == 1  # centred
    assert [(_east_asia(r), r.font.size) for r in title.runs] == [("方正小标宋简体", Pt(22))]
    body = next(p for p in document.paragraphs if p.text.startswith("本档案收录"))
    assert body.paragraph_format.first_line_indent == Pt(32)  # two characters of 三号
    assert body.paragraph_format.line_spacing == Pt(29)
    assert {(_east_asia(r), r.font.size) for r in body.runs} == {("仿宋_GB2312", Pt(16))}
    heading = next(p for p in document.paragraphs if p.text == "一、年度学习计划")
    assert {_east_asia(r) for r in heading.runs} == {"黑体"}
    sub = next(p for p in document.paragraphs if p.text.startswith("（一）2月20日"))
    assert {_east_asia(r) for r in sub.runs} == {"楷体_GB2312"}
    cell = document.tables[0].rows[1].cells[1].paragraphs[0]
    assert cell.text == "人民城市重要理念"
    assert {(_east_asia(r), r.font.size) for r in cell.runs} == {("仿宋_GB2312", Pt(12))}
    # Page numbers: "— PAGE —" in 宋体 四号, odd pages on the right, even on the left.
    for footer, alignment in ((section.footer, 2), (section.even_page_footer, 0)):
        number = footer.paragraphs[0]
        assert number.alignment == alignment
        assert number.text.startswith("— ") and number.text.endswith(" —")
        assert "PAGE" in number._element.xml
        assert {(_east_asia(r), r.font.size) for r in number.runs} == {("宋体", Pt(14))}
    assert document.settings.odd_and_even_pages_header_footer


@pytest.mark.django_db
def test_a_year_without_plan_or_sittings_still_makes_a_document(media):
    year = Year()
    text = _text(Document(io.BytesIO(archive_docx(year_archive(year.unit, 2024)))))
    assert "本年度未录入学习计划。" in text and "本年度无集体学习记录。" in text
    assert "本年度未登记自学记录。" in text


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 10, 11, 12, 20, 21, 99)] == [
        "一",
        "十",
        "十一",
        "十二",
        "二十",
        "二十一",
        "九十九",
    ]


@pytest.mark.django_db
def test_the_zip_holds_every_attachment_under_chinese_names(media):
    year = Year()
    client = Client()
    client.force_login(year.admin)
    response = client.get(reverse("study:archive_zip", args=[2026]))
    assert response.status_code == 200 and response.streaming
    assert "filename*=utf-8''" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [
            "02_2026-03-19_中心组学习/全国两会精神学习辅导材料.pdf",
            "领导干部自学_王局长/2026-01-05_习近平谈治国理政（第四卷）.docx",
        ]
        assert archive.read(names[0]) == b"%PDF-1.4 test"
        assert archive.read(names[1]) == "心得".encode()
        assert all(info.flag_bits & 0x800 for info in archive.infolist())  # names marked UTF-8


@pytest.mark.django_db
def test_the_word_download(media):
    year = Year()
    client = Client()
    client.force_login(year.admin)
    response = client.get(reverse("study:archive_docx", args=[2026]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = _text(Document(io.BytesIO(response.content)))
    assert "全国两会精神" in text


@pytest.mark.django_db
def test_a_leader_who_left_is_listed_only_in_a_year_of_their_records(media):
    from ganxun.roster.models import Status

    year = Year()
    gone = LeaderFactory(name="退休老局长", section=year.section, status=Status.RETIRED)
    SelfStudyFactory(cadre=gone, start_date=dt.date(2025, 4, 1), title="老局长的书")
    names = [leader.cadre.name for leader in year_archive(year.unit, 2026).leaders]
    assert "退休老局长" not in names and {"王局长", "钱副局长"} <= set(names)
    assert "退休老局长" in [leader.cadre.name for leader in year_archive(year.unit, 2025).leaders]


@pytest.mark.django_db
def test_the_leaders_of_a_year_are_those_in_post_during_it_by_the_dated_periods(media):
    from ganxun.roster.services import cadre_update
    from ganxun.roster.tests.factories import CadreFactory

    year = Year()
    appointed = CadreFactory(name="新任副局长", section=year.section, hire_date=dt.date(2010, 1, 1))
    cadre_update(
        actor=None,
        cadre=appointed,
        leadership_level="deputy_division_chief",
        effective=dt.date(2026, 6, 1),
        note="任命",
    )
    stepped_down = LeaderFactory(name="改任老局长", section=year.section, hire_date=dt.date(2010, 1, 1))
    cadre_update(actor=None, cadre=stepped_down, leadership_level="", effective=dt.date(2025, 3, 1), note="改任")
    in_2026 = {leader.cadre.name for leader in year_archive(year.unit, 2026).leaders}
    in_2025 = {leader.cadre.name for leader in year_archive(year.unit, 2025).leaders}
    in_2024 = {leader.cadre.name for leader in year_archive(year.unit, 2024).leaders}
    assert "新任副局长" in in_2026 and "新任副局长" not in in_2025
    assert "改任老局长" not in in_2026 and "改任老局长" in in_2025 and "改任老局长" in in_2024
