"""The year-end report as a Word document in the layout of official documents (GB/T 9704-2012), written with the
公文 writer of ``ganxun.study.word`` (A4, margins 37/35/28/26 mm, 方正小标宋简体 二号 title, 仿宋_GB2312 三号 body at
a fixed 29 pt line for 22 lines of 28 characters, 黑体 一、 and 楷体_GB2312 （一） headings, "— 1 —" page numbers in
四号 at the outer edge of odd and even pages), then an appendix table: each figure, its value, its definition and
when it was computed.

The fonts are only named: the server needs none of them.  The font table names a fallback for each (``w:altName``:
华文中宋 for 方正小标宋简体, 仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312), so that a desk without the 方正/GB2312 fonts
shows the nearest one it has.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from ganxun.study.word import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    LINE,
    SUBHEADING_FONT,
    TITLE_FONT,
    Writer,
    _spacing,
    set_font,
)

from .prose import breakdown, fill, rows

# The fallback each named font declares in the document's font table.
FALLBACKS = {
    TITLE_FONT: "华文中宋",
    BODY_FONT: "仿宋",
    SUBHEADING_FONT: "楷体",
    HEADING_FONT: "SimHei",
}
APPENDIX_TITLE = "年度干部教育培训工作总结数字说明"


def declare_fallbacks(writer: Writer) -> None:
    """Name each Chinese font in the font table with its alternative (``w:altName``) and the GB2312 charset."""
    part = next(p for p in writer.document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternative)
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name != TITLE_FONT else "roman")
        font.append(family)
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "fixed" if name != TITLE_FONT else "variable")
        font.append(pitch)
        table.append(font)
    from lxml import etree

    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


# The type area (156 × 225 mm) holds 22 lines of 28 characters: the line pitch of the section's grid in twips
# (225 mm / 22), and the characters 0.25 pt closer than their 三号 size (28 × 15.75 pt fit the 442 pt of 156 mm).  The
# grid is of lines only: a character grid makes LibreOffice give each 16 pt character two 15.8 pt cells.
LINE_PITCH_TWIPS = round(225 / 25.4 * 72 * 20 / 22)
CHARACTER_SPACING = -5  # twentieths of a point


def set_grid(writer: Writer) -> None:
    """The section's line grid (22 lines) and the Normal style's character spacing (28 characters a line)."""
    sect = writer.document.sections[0]._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    rpr = writer.document.styles["Normal"].element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHARACTER_SPACING))
    size = rpr.find(qn("w:sz"))
    if size is not None:
        size.addprevious(spacing)
    else:
        rpr.append(spacing)


def _off_the_grid(table) -> None:
    """The table's lines at their own pitch, not snapped to the body's 29 pt line grid."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                ppr = paragraph._p.get_or_add_pPr()
                snap = OxmlElement("w:snapToGrid")
                snap.set(qn("w:val"), "0")
                anchor = next((c for c in ppr if c.tag in (qn("w:spacing"), qn("w:ind"), qn("w:jc"))), None)
                if anchor is not None:
                    anchor.addprevious(snap)
                else:
                    ppr.append(snap)


def _date(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local.year}年{local.month}月{local.day}日"


def _right(writer: Writer, text: str) -> None:
    paragraph = writer.document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _spacing(paragraph, LINE, indent=False)
    paragraph.paragraph_format.right_indent = BODY_SIZE * 4
    set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)


def _left(writer: Writer, text: str, font: str) -> None:
    paragraph = writer.document.add_paragraph()
    _spacing(paragraph, LINE, indent=False)
    set_font(paragraph.add_run(text), font, BODY_SIZE)


def report_docx(
    *,
    unit_name: str,
    year: int,
    paragraphs: list[tuple[str, str]],
    figures: dict[str, dict],
    computed_at: dt.datetime | None,
    written_on: dt.date | None = None,
) -> bytes:
    """The report's .docx bytes: the prose (kind, text) with the figures filled in, then the appendix."""
    writer = Writer()
    declare_fallbacks(writer)
    set_grid(writer)
    writer.title(unit_name)
    writer.title(f"{year}年度干部教育培训工作总结")
    writer.blank()
    for kind, text in paragraphs:
        filled = fill(text, figures)
        if kind == "heading":
            writer.heading(filled)
        elif kind == "subheading":
            writer.subheading(filled)
        else:
            writer.body(filled)
    writer.blank()
    writer.blank()
    _right(writer, unit_name)
    written_on = written_on or timezone.localdate()
    _right(writer, f"{written_on.year}年{written_on.month}月{written_on.day}日")

    writer.page_break()
    _left(writer, "附件", HEADING_FONT)
    writer.blank()
    writer.title(APPENDIX_TITLE)
    writer.blank()
    writer.body(
        f"本总结所列数字均由干部教育培训管理系统根据业务记录自动计算，计算日期为{_date(computed_at)}。"
        "下表列出每项数字的数值及统计口径。"
    )
    computed = (
        f"{timezone.localtime(computed_at) if computed_at and timezone.is_aware(computed_at) else computed_at:%Y-%m-%d}"
        if computed_at
        else "—"
    )
    writer.table(
        ["序号", "数字", "数值", "统计口径", "计算日期"],
        [
            [
                str(n),
                row.label,
                f"{breakdown(row.value, row.unit)}{'' if isinstance(row.value, dict) else row.unit}",
                row.definition,
                computed,
            ]
            for n, row in enumerate(rows(figures), start=1)
        ],
        [13, 30, 26, 57, 30],
    )
    _off_the_grid(writer.document.tables[-1])
    return writer.save()
