"""A plain Chinese PDF for the demo's 微课堂 documents, written by hand (no PDF library is a dependency).

The text is set in 宋体 named, not embedded (Adobe-GB1 ``STSong-Light`` with the ``UniGB-UTF16-H`` encoding, as
older office software writes Chinese PDFs), so the file stays small and every reader draws it with its own Song
font: PDF.js through its character maps (served by the app), poppler and Acrobat through their own."""

from __future__ import annotations

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 72
BODY, TITLE = 14, 20  # sizes in points
LEADING = 26
PER_LINE = (PAGE_WIDTH - 2 * MARGIN) // BODY  # every glyph is 1 em wide (DW 1000)
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN - 2 * LEADING) // LEADING


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _lines(paragraphs: list[str]) -> list[str]:
    """Each paragraph indented by two characters and cut into lines of ``PER_LINE`` characters."""
    lines: list[str] = []
    for paragraph in paragraphs:
        text = "\u3000\u3000" + paragraph.strip()
        lines += [text[i : i + PER_LINE] for i in range(0, len(text), PER_LINE)]
    return lines


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A4 pages: the title centred on the first, then the paragraphs."""
    lines = _lines(paragraphs)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    font = 3  # object numbers: 1 catalog, 2 pages, 3-5 the font, then a page and its contents per page
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
        b"/DescendantFonts [4 0 R] >>",
        4: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 >>",
        5: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    }
    kids = []
    for n, page_lines in enumerate(pages):
        page, contents = 6 + 2 * n, 7 + 2 * n
        kids.append(page)
        y = PAGE_HEIGHT - MARGIN
        parts = []
        if n == 0:
            x = (PAGE_WIDTH - TITLE * len(title)) / 2
            parts.append(f"BT /F1 {TITLE} Tf {x:.1f} {y - TITLE} Td {_hex(title)} Tj ET")
            y -= 2 * LEADING
        for line in page_lines:
            y -= LEADING
            parts.append(f"BT /F1 {BODY} Tf {MARGIN} {y} Td {_hex(line)} Tj ET")
        stream = "\n".join(parts).encode("ascii")
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (PAGE_WIDTH, PAGE_HEIGHT, contents, font)
        )
        objects[contents] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)
