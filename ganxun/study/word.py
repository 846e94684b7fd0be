"""The year's 中心组学习 archive as one Word document in the layout of official documents (GB/T 9704-2012).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the title in 方正小标宋简体 二号 centred; the body in
仿宋_GB2312 三号 with a first-line indent of two characters at a fixed 29 pt line (22 lines a page); headings 黑体
(一、) and 楷体_GB2312 ((一)); tables in 仿宋 小四; page numbers "— 1 —" in 宋体 四号 at the foot, odd pages right and
even pages left, one character in from the edge.  Chinese fonts are named in ``w:rFonts``' eastAsia slot (Word
picks a run's font per script: without it a Chinese character would fall back to the theme font).
"""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .archive import Sitting, YearArchive

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE = Pt(29)  # 22 lines on the 225 mm of the type area
TABLE_LINE = Pt(20)
NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def set_font(run, name: str, size: Pt, *, bold: bool = False) -> None:
    """The run in ``name`` for every script (the eastAsia slot too) at ``size``."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _spacing(paragraph, line: Pt, *, indent: bool) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(BODY_SIZE.pt * 2) if indent else Pt(0)


class Writer:
    """Paragraphs in the official styles, appended to one document."""

    def __init__(self) -> None:
        self.document = Document()
        self._page()
        self._defaults()

    def _page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(21)  # the number's line sits about 7 mm below the type area
        self.document.settings.odd_and_even_pages_header_footer = True
        self._page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    def _defaults(self) -> None:
        style = self.document.styles["Normal"]
        style.font.name = BODY_FONT
        style.font.size = BODY_SIZE
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), BODY_FONT)

    def _page_number(self, footer, alignment) -> None:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        # One character (四号) in from the edge of the type area, on the outer side.
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = PAGE_NUMBER_SIZE
        else:
            fmt.left_indent = PAGE_NUMBER_SIZE
        set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        run = paragraph.add_run()
        set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        for tag, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if tag:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), tag)
            elif text == "1":
                element = OxmlElement("w:t")
                element.text = text
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._element.append(element)
        set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(paragraph, Pt(35), indent=False)
        set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)

    def blank(self) -> None:
        _spacing(self.document.add_paragraph(), LINE, indent=False)

    def centred(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(paragraph, LINE, indent=False)
        set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)

    def heading(self, text: str) -> None:
        """A first-level heading: 黑体, indented like the body."""
        paragraph = self.document.add_paragraph()
        _spacing(paragraph, LINE, indent=True)
        paragraph.paragraph_format.keep_with_next = True
        set_font(paragraph.add_run(text), HEADING_FONT, BODY_SIZE)

    def subheading(self, text: str) -> None:
        """A second-level heading: 楷体."""
        paragraph = self.document.add_paragraph()
        _spacing(paragraph, LINE, indent=True)
        paragraph.paragraph_format.keep_with_next = True
        set_font(paragraph.add_run(text), SUBHEADING_FONT, BODY_SIZE)

    def body(self, text: str, *, label: str = "") -> None:
        """A body paragraph; ``label`` (e.g. "主持人：") leads it."""
        for number, line in enumerate(text.splitlines() or [""]):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _spacing(paragraph, LINE, indent=True)
            if label and number == 0:
                set_font(paragraph.add_run(label), BODY_FONT, BODY_SIZE)
            set_font(paragraph.add_run(line.strip()), BODY_FONT, BODY_SIZE)

    def table(self, header: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for values, cells, bold in [(header, table.rows[0].cells, True)] + [
            (row, table.add_row().cells, False) for row in rows
        ]:
            for cell, value, width in zip(cells, values, widths_mm, strict=True):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
                _spacing(paragraph, TABLE_LINE, indent=False)
                set_font(paragraph.add_run(str(value)), BODY_FONT, TABLE_SIZE, bold=bold)
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the grid: LibreOffice lays out by it, Word by the cells
        header_row = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_row.append(repeat)
        self.blank()

    def page_break(self) -> None:
        self.document.add_page_break()

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _names(names: list[str]) -> str:
    return "、".join(names) if names else "无"


def _sitting(writer: Writer, number: int, sitting: Sitting) -> None:
    session = sitting.session
    writer.subheading(f"（{chinese_number(number)}）{session.date.month}月{session.date.day}日 {sitting.title}")
    writer.body(
        f"{session.date.year}年{session.date.month}月{session.date.day}日 "
        f"{session.start_time:%H:%M}—{session.end_time:%H:%M}" + (f"，{session.place}" if session.place else ""),
        label="时间地点：",
    )
    writer.body(session.host or "—", label="主持人：")
    writer.body(session.speaker or "—", label="主讲人：")
    writer.body(session.key_speakers or "—", label="中心发言：")
    writer.body(session.recorder or "—", label="记录人：")
    writer.body(
        f"应到{sitting.expected}人，实到{sitting.present}人，缺席{len(sitting.absences)}人。", label="出席情况："
    )
    if sitting.present_names:
        writer.body(_names(sitting.present_names), label="出席人员：")
    if sitting.absences:
        writer.body(
            "；".join(f"{a.name}（{a.status}{'，' + a.reason if a.reason else ''}）" for a in sitting.absences),
            label="缺席人员及原因：",
        )
    if session.makeup_note:
        writer.body(session.makeup_note, label="补学情况：")
    writer.body(_names([m.name for m in sitting.materials]), label="学习材料：")
    if session.minutes:
        writer.body("", label="学习纪要：")
        writer.body(session.minutes)


def archive_docx(archive: YearArchive) -> bytes:
    """The archive as a .docx file's bytes."""
    writer = Writer()
    writer.title(archive.unit.name)
    writer.title(f"{archive.year}年度理论学习中心组学习档案")
    writer.blank()
    writer.body(
        f"本档案收录{archive.unit.name}{archive.year}年度理论学习中心组学习计划、"
        f"{len(archive.sittings)}次集体学习的记录（含出勤、学习材料和纪要）以及领导干部平时自学情况，"
        f"共{archive.self_study_count}条自学记录。"
    )

    section = 0

    def heading(text: str) -> None:
        nonlocal section
        section += 1
        writer.heading(f"{chinese_number(section)}、{text}")

    heading("年度学习计划")
    if archive.plan is None or not archive.topics:
        writer.body("本年度未录入学习计划。")
    else:
        if archive.plan.title:
            writer.body(archive.plan.title, label="计划名称：")
        writer.table(
            ["序号", "学习专题", "计划月份", "主讲/领学", "备注"],
            [[str(t.number), t.topic, f"{t.month}月", t.lead, t.note] for t in archive.topics],
            [14, 72, 24, 26, 20],
        )
        if archive.plan.note:
            writer.body(archive.plan.note)

    for kind, sittings in archive.kinds:
        heading(f"{kind}记录")
        writer.body(f"本年度共开展{kind}{len(sittings)}次。")
        writer.table(
            ["序号", "日期", "学习主题", "主持", "应到", "实到"],
            [
                [str(n), f"{s.date:%m-%d}", s.title, s.session.host, str(s.expected), str(s.present)]
                for n, s in enumerate(sittings, start=1)
            ],
            [14, 18, 76, 20, 14, 14],
        )
        for number, sitting in enumerate(sittings, start=1):
            _sitting(writer, number, sitting)
    if not archive.sittings:
        heading("集体学习记录")
        writer.body("本年度无集体学习记录。")

    heading("领导干部平时自学情况")
    if not archive.leaders:
        writer.body("无。")
    for number, leader in enumerate(archive.leaders, start=1):
        post = f"（{leader.cadre.post}）" if leader.cadre.post else ""
        writer.subheading(f"（{chinese_number(number)}）{leader.cadre.name}{post}")
        if not leader.records:
            writer.body("本年度未登记自学记录。")
            continue
        sums = [f"本年度登记自学{len(leader.records)}次"]
        if leader.pages:
            sums.append(f"阅读{leader.pages}页")
        if leader.hours:
            sums.append(f"用时{leader.hours.normalize():f}小时")
        writer.body("，".join(sums) + "。")
        writer.table(
            ["日期", "书目/文件", "作者/发文机关", "页数", "小时"],
            [
                [r.period, r.title, r.author, str(r.pages or ""), f"{r.hours.normalize():f}" if r.hours else ""]
                for r in leader.records
            ],
            [36, 60, 38, 16, 16],
        )
        for record in leader.records:
            if record.notes:
                writer.body(record.notes, label=f"《{record.title}》学习心得：")

    writer.blank()
    today = timezone.localdate()
    writer.centred(f"（{today.year}年{today.month}月{today.day}日导出）")
    return writer.save()
