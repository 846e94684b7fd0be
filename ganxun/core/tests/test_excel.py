"""The shared Excel plumbing: refusing hostile files, headers, dates, formula-safe cells, downloads."""

import dataclasses
import datetime as dt
import io
import os
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._reader import WorkSheetParser

from ganxun.core.excel import (
    CellDate,
    ExcelFileError,
    ImportLimits,
    check_xlsx,
    find_header,
    footer_row,
    normalize_header,
    open_xlsx,
    parse_date,
    rows_below,
    safe_cell,
    save_upload,
    workbook_response,
)

LIMITS = ImportLimits(
    max_bytes=10 * 1024 * 1024,
    max_uncompressed_bytes=50 * 1024 * 1024,
    max_part_bytes=40 * 1024 * 1024,
    max_shared_strings_bytes=20 * 1024 * 1024,
    max_rows=1000,
    max_columns=50,
)


def limits(**changes) -> ImportLimits:
    return dataclasses.replace(LIMITS, **changes)


def all_rows(book, match=None, limits_=LIMITS):
    """Every row of the first sheet below a header naming column ``a``."""
    sheet = book.worksheets[0]
    header = find_header(sheet, match or {"a": "a"}.get, limits_)
    return header, list(rows_below(sheet, header, limits_))


def _xlsx(tmp_path, rows, name="book.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _rezip(source, target, replace=None, add=None):
    with zipfile.ZipFile(source) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members.update(replace or {})
    members.update(add or {})
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


DAY = CellDate(1985, 3, 12)
MONTH = CellDate(1985, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-03-12", DAY),
        ("1985/3/12", DAY),
        ("1985.3.12", DAY),
        ("1985.03", MONTH),
        ("1985-03", MONTH),
        ("1985/3", MONTH),
        ("1985年3月", MONTH),
        ("1985年3月12日", DAY),
        ("1985 年 3 月 12 日", DAY),
        ("１９８５．０３", MONTH),
        ("19850312", DAY),
        ("198503", MONTH),
        (19850312, DAY),
        (198503, MONTH),
        ("1985-03-12 00:00:00", DAY),
        (dt.datetime(1985, 3, 12, 0, 0), DAY),
        (dt.date(1985, 3, 12), DAY),
        (31118, DAY),  # Excel serial number
        (31118.0, DAY),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_accepts_what_people_write(value, expected):
    assert parse_date(value) == expected


def test_a_month_keeps_its_precision_until_it_meets_a_known_day():
    month = parse_date("1974.09")
    assert (month.to_month, str(month), month.first()) == (True, "1974-09", dt.date(1974, 9, 1))
    assert month.agrees_with(dt.date(1974, 9, 23)) and month.on(dt.date(1974, 9, 23)) == dt.date(1974, 9, 23)
    # Just outside the month on either side: no agreement, and the month's own first day is what it says.
    for other in (dt.date(1974, 8, 31), dt.date(1974, 10, 1), dt.date(1975, 9, 23)):
        assert not month.agrees_with(other) and month.on(other) == dt.date(1974, 9, 1)
    assert month.on(None) == dt.date(1974, 9, 1)
    day = parse_date("1974-09-23")
    assert day.agrees_with(dt.date(1974, 9, 23)) and not day.agrees_with(dt.date(1974, 9, 22))
    assert day.on(dt.date(1974, 9, 22)) == dt.date(1974, 9, 23)  # a day given is the day kept


@pytest.mark.parametrize("value", ["1985-13-01", "1985.02.30", "八五年", "85.3", "1985-03-12x", True, -5, 99999999])
def test_parse_date_rejects_the_rest(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("姓名", "姓名"),
        (" 姓　名 ", "姓名"),
        ("身份证号：", "身份证号"),
        ("科室*", "科室"),
        ("*科室", "科室"),
        ("领导职务（层次）", "领导职务(层次)"),
    ],
)
def test_normalize_header(written, normalised):
    assert normalize_header(written) == normalised


def test_find_header_skips_title_rows_and_keeps_every_row_below(tmp_path):
    rows = [["XX局干部名册"], [], ["姓名", "科室", "备注"], ["张三", "办公室"], ["李四"]]
    with open_xlsx(_xlsx(tmp_path, rows), LIMITS) as book:
        header, below = all_rows(book, {"姓名": "name", "科室": "section"}.get)
    assert header.row == 3
    assert header.values[:3] == ("姓名", "科室", "备注") and header.ignored() == ["备注"]
    assert [(n, v) for n, v in below] == [(4, ("张三", "办公室")), (5, ("李四", None))]


def test_find_header_gives_none_without_any_known_header(tmp_path):
    with open_xlsx(_xlsx(tmp_path, [["a", "b"]]), LIMITS) as book:
        assert find_header(book.worksheets[0], {}.get, LIMITS) is None


@pytest.mark.parametrize(
    ("values", "footer"),
    [
        (("合计", None, 60), True),
        ((None, "总计：60人"), True),
        (("小计",), True),
        (("填表人：张三", None, "审核人：李四"), True),
        (("注：以上信息截至2026年11月",), True),
        ((1, "张三", "办公室"), False),
        (("合肥", "办公室"), False),
        ((None, None), False),
    ],
)
def test_footer_rows(values, footer):
    assert footer_row(values) is footer


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("张三", "张三"),
        (-2, -2),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_rows_below_number_rows_as_excel_does(tmp_path):
    workbook = Workbook()
    workbook.active["A1"] = "title"
    workbook.active["A2"] = "a"
    workbook.active["A5"] = "x"
    path = tmp_path / "gaps.xlsx"
    workbook.save(path)
    with open_xlsx(path, LIMITS) as book:
        header, below = all_rows(book)
    assert header.row == 2
    assert below == [(3, (None,)), (4, (None,)), (5, ("x",))]


def _rows_file(tmp_path, count, *, far_cell=None):
    """A header ``a`` and ``count`` rows below it; ``far_cell`` puts one value that far to the right."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["a"])
    for n in range(count):
        sheet.append([n])
    if far_cell:
        sheet.append([None] * (far_cell - 1) + ["far"])
    path = tmp_path / f"rows-{count}-{far_cell}.xlsx"
    workbook.save(path)
    return path


def test_rows_read_are_limited_not_rows_with_data(tmp_path):
    small = limits(max_rows=5)
    with open_xlsx(_rows_file(tmp_path, 5), small) as book:
        assert len(all_rows(book, limits_=small)[1]) == 5  # exactly at the limit
    with open_xlsx(_rows_file(tmp_path, 6), small) as book, pytest.raises(ExcelFileError, match="超过 5 行"):
        all_rows(book, limits_=small)
    # Blank rows count: one stray cell far below the table is a sheet too long, refused without reading on.
    workbook = Workbook()
    workbook.active.append(["a"])
    workbook.active["A1048576"] = "x"
    path = tmp_path / "far-down.xlsx"
    workbook.save(path)
    with open_xlsx(path, small) as book, pytest.raises(ExcelFileError, match="超过 5 行"):
        all_rows(book, limits_=small)


def test_a_cell_far_right_does_not_widen_the_rows(tmp_path):
    # One cell in column XFD: the header is found within max_columns and rows stop at the last known column.
    path = _rows_file(tmp_path, 3, far_cell=16384)
    with open_xlsx(path, LIMITS) as book:
        header, below = all_rows(book)
    assert header.values == ("a",) + (None,) * (LIMITS.max_columns - 1)
    assert [len(values) for _n, values in below] == [1, 1, 1, 1]
    # A header past max_columns is not read at all.
    workbook = Workbook()
    workbook.active.cell(row=1, column=LIMITS.max_columns + 1, value="a")
    path = tmp_path / "far-header.xlsx"
    workbook.save(path)
    with open_xlsx(path, LIMITS) as book:
        assert find_header(book.worksheets[0], {"a": "a"}.get, LIMITS) is None


def test_a_plain_workbook_passes(tmp_path):
    check_xlsx(_xlsx(tmp_path, [["a"]]), LIMITS)


def test_too_big_is_refused(tmp_path):
    path = _xlsx(tmp_path, [["a"]])
    with pytest.raises(ExcelFileError, match="MB"):
        check_xlsx(path, limits(max_bytes=100))


def test_old_xls_is_refused_with_save_as_advice(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ExcelFileError, match=r"\.xls"):
        check_xlsx(path, LIMITS)


def test_text_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "names.xlsx"
    path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    with pytest.raises(ExcelFileError, match="Excel"):
        check_xlsx(path, LIMITS)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("readme.txt", b"hello")
    with pytest.raises(ExcelFileError, match="Excel"):
        check_xlsx(path, LIMITS)


def test_truncated_zip_is_refused(tmp_path):
    data = _xlsx(tmp_path, [["a"]]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExcelFileError):
        check_xlsx(path, LIMITS)


def test_macro_content_type_is_refused(tmp_path):
    source = _xlsx(tmp_path, [["a"]])
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    path = _rezip(source, tmp_path / "macro.xlsx", replace={"[Content_Types].xml": types})
    with pytest.raises(ExcelFileError, match="xlsm"):
        check_xlsx(path, LIMITS)


def test_vba_project_is_refused(tmp_path):
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "vba.xlsx", add={"xl/vbaProject.bin": b"\0" * 64})
    with pytest.raises(ExcelFileError, match="xlsm"):
        check_xlsx(path, LIMITS)


def test_zip_bomb_by_ratio_is_refused_from_the_directory(tmp_path):
    # 20 MB of zeros deflate to about 20 KB: a ratio no spreadsheet has.
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "bomb.xlsx", add={"xl/media/pad.bin": b"\0" * 20_000_000})
    with pytest.raises(ExcelFileError, match="为安全起见"):
        check_xlsx(path, limits(max_bytes=10**8, max_uncompressed_bytes=10**9, max_part_bytes=10**9))


def test_zip_bomb_by_total_size_is_refused(tmp_path):
    data = os.urandom(2_000_000)  # does not compress: only the total gives it away
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "big.xlsx", add={"xl/media/a.bin": data})
    with pytest.raises(ExcelFileError, match="为安全起见"):
        check_xlsx(path, limits(max_bytes=10**8, max_uncompressed_bytes=1_000_000))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>"""


def _with_shared_strings(source, target, shared_strings):
    """openpyxl writes inline strings; wire a sharedStrings part in as Excel would."""
    with zipfile.ZipFile(source) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels")
        types = archive.read("[Content_Types].xml")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
        b' Target="sharedStrings.xml"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return _rezip(
        source,
        target,
        replace={"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
        add={"xl/sharedStrings.xml": shared_strings},
    )


def test_entity_expansion_in_shared_strings_is_refused(tmp_path):
    path = _with_shared_strings(_xlsx(tmp_path, [["姓名"]]), tmp_path / "lol.xlsx", BILLION_LAUGHS)
    with pytest.raises(ExcelFileError, match="该工作簿含有不允许的 XML 结构"), open_xlsx(path, LIMITS) as book:
        all_rows(book, {"姓名": "a"}.get)


def test_external_entity_in_sheet_is_refused(tmp_path):
    sheet = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""
    path = _rezip(_xlsx(tmp_path, [[1]]), tmp_path / "xxe.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ExcelFileError, match="该工作簿含有不允许的 XML 结构"), open_xlsx(path, LIMITS) as book:
        all_rows(book, {"姓名": "a"}.get)


def _part_file(tmp_path, name, size, *, shared_strings=False):
    """A workbook with one more part of ``size`` bytes that hardly compresses (so the ratio says nothing)."""
    data = os.urandom(size // 2 + 1).hex().encode()[:size]
    source = _xlsx(tmp_path, [["姓名"]])
    if shared_strings:
        return _with_shared_strings(source, tmp_path / "strings.xlsx", data)
    return _rezip(source, tmp_path / "part.xlsx", add={name: data})


def test_each_part_is_limited_besides_the_total(tmp_path):
    small = limits(max_part_bytes=300_000, max_uncompressed_bytes=10**9)
    check_xlsx(_part_file(tmp_path, "xl/media/a.bin", 300_000), small)  # exactly at the limit
    with pytest.raises(ExcelFileError, match=r"xl/media/a.bin.*为安全起见"):
        check_xlsx(_part_file(tmp_path, "xl/media/a.bin", 300_001), small)


def test_shared_strings_have_a_limit_of_their_own(tmp_path):
    # openpyxl reads the shared strings whole into memory before the first row: they get the smaller limit.
    small = limits(max_part_bytes=10**8, max_shared_strings_bytes=200_000, max_uncompressed_bytes=10**9)
    check_xlsx(_part_file(tmp_path, "", 200_000, shared_strings=True), small)
    with pytest.raises(ExcelFileError, match=r"sharedStrings.xml"):
        check_xlsx(_part_file(tmp_path, "", 200_001, shared_strings=True), small)
    # Declared as shared strings under another name: the same limit.
    source = _xlsx(tmp_path, [["姓名"]])
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"'
            b' PartName="/xl/words.xml"/></Types>',
        )
    path = _rezip(
        source, tmp_path / "words.xlsx", replace={"[Content_Types].xml": types}, add={"xl/words.xml": b"x" * 200_001}
    )
    with pytest.raises(ExcelFileError, match=r"xl/words.xml"):
        check_xlsx(path, small)


def test_workbook_response_names_the_download_in_rfc5987():
    response = workbook_response(Workbook(), "干部名册_20261127.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E5%B9%B2%E9%83%A8%E5%90%8D%E5%86%8C_20261127.xlsx" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames


def test_save_upload_stops_past_the_limit(tmp_path):
    target = tmp_path / "up" / "x.xlsx"
    assert save_upload(io.BytesIO(b"x" * 100), target, 1000) == 100
    with pytest.raises(ExcelFileError):
        save_upload(io.BytesIO(b"x" * 2000), target, 1000)
    assert not target.exists()


def test_opening_does_not_parse_a_sheet_to_its_end(tmp_path, monkeypatch):
    """A sheet with no declared size (openpyxl's write-only mode writes none) was parsed whole on opening."""
    path = _rows_file(tmp_path, 3000)
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")
    parsed: list[int] = []
    parse_row = WorkSheetParser.parse_row
    monkeypatch.setattr(WorkSheetParser, "parse_row", lambda self, e: parsed.append(1) or parse_row(self, e))
    read_size = WorkSheetParser.parse_dimensions
    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", lambda self: parsed.append(0) or read_size(self))
    small = limits(max_rows=5)
    with open_xlsx(path, small) as book, pytest.raises(ExcelFileError, match="超过 5 行"):
        all_rows(book, limits_=small)
    assert 0 not in parsed and len(parsed) < 30  # the header scan and six rows, not 3,000
