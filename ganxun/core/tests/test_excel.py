"""The shared Excel plumbing: refusing hostile files, headers, dates, formula-safe cells, downloads."""

import datetime as dt
import io
import os
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from ganxun.core.excel import (
    ExcelFileError,
    check_xlsx,
    locate_header,
    normalize_header,
    open_xlsx,
    parse_date,
    safe_cell,
    save_upload,
    sheet_rows,
    workbook_response,
)

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_uncompressed_bytes": 50 * 1024 * 1024}


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1985-03-12", dt.date(1985, 3, 12)),
        ("1985/3/12", dt.date(1985, 3, 12)),
        ("1985.3.12", dt.date(1985, 3, 12)),
        ("1985.03", dt.date(1985, 3, 1)),
        ("1985-03", dt.date(1985, 3, 1)),
        ("1985年3月", dt.date(1985, 3, 1)),
        ("1985年3月12日", dt.date(1985, 3, 12)),
        ("1985 年 3 月 12 日", dt.date(1985, 3, 12)),
        ("１９８５．０３", dt.date(1985, 3, 1)),
        ("19850312", dt.date(1985, 3, 12)),
        ("198503", dt.date(1985, 3, 1)),
        (19850312, dt.date(1985, 3, 12)),
        (198503, dt.date(1985, 3, 1)),
        ("1985-03-12 00:00:00", dt.date(1985, 3, 12)),
        (dt.datetime(1985, 3, 12, 0, 0), dt.date(1985, 3, 12)),
        (dt.date(1985, 3, 12), dt.date(1985, 3, 12)),
        (31118, dt.date(1985, 3, 12)),  # Excel serial number
        (31118.0, dt.date(1985, 3, 12)),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_accepts_what_people_write(value, expected):
    assert parse_date(value) == expected


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


def test_locate_header_skips_title_rows_and_keeps_every_row_below():
    rows = iter(
        [(1, ("XX局干部名册",)), (2, (None,)), (3, ("姓名", "科室", "备注")), (4, ("张三", "办公室")), (5, ("李四",))]
    )
    header_row, values, below = locate_header(rows, {"姓名": "name", "科室": "section"}.get)
    assert header_row == 3
    assert values == ("姓名", "科室", "备注")
    assert [n for n, _v in below] == [4, 5]


def test_locate_header_gives_none_without_any_known_header():
    assert locate_header(iter([(1, ("a", "b"))]), {}.get) is None


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


def test_sheet_rows_numbers_rows_as_excel_does(tmp_path):
    workbook = Workbook()
    workbook.active["A1"] = "title"
    workbook.active["B4"] = "x"
    path = tmp_path / "gaps.xlsx"
    workbook.save(path)
    with open_xlsx(path, **LIMITS) as book:
        numbered = list(sheet_rows(book.worksheets[0]))
    assert [n for n, _v in numbered] == [1, 2, 3, 4]
    assert numbered[3][1][1] == "x"


def test_a_plain_workbook_passes(tmp_path):
    check_xlsx(_xlsx(tmp_path, [["a"]]), **LIMITS)


def test_too_big_is_refused(tmp_path):
    path = _xlsx(tmp_path, [["a"]])
    with pytest.raises(ExcelFileError, match="MB"):
        check_xlsx(path, max_bytes=100, max_uncompressed_bytes=10**9)


def test_old_xls_is_refused_with_save_as_advice(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ExcelFileError, match=r"\.xls"):
        check_xlsx(path, **LIMITS)


def test_text_renamed_xlsx_is_refused(tmp_path):
    path = tmp_path / "names.xlsx"
    path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    with pytest.raises(ExcelFileError, match="Excel"):
        check_xlsx(path, **LIMITS)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("readme.txt", b"hello")
    with pytest.raises(ExcelFileError, match="Excel"):
        check_xlsx(path, **LIMITS)


def test_truncated_zip_is_refused(tmp_path):
    data = _xlsx(tmp_path, [["a"]]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ExcelFileError):
        check_xlsx(path, **LIMITS)


def test_macro_content_type_is_refused(tmp_path):
    source = _xlsx(tmp_path, [["a"]])
    with zipfile.ZipFile(source) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    path = _rezip(source, tmp_path / "macro.xlsx", replace={"[Content_Types].xml": types})
    with pytest.raises(ExcelFileError, match="xlsm"):
        check_xlsx(path, **LIMITS)


def test_vba_project_is_refused(tmp_path):
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "vba.xlsx", add={"xl/vbaProject.bin": b"\0" * 64})
    with pytest.raises(ExcelFileError, match="xlsm"):
        check_xlsx(path, **LIMITS)


def test_zip_bomb_by_ratio_is_refused_from_the_directory(tmp_path):
    # 20 MB of zeros deflate to about 20 KB: a ratio no spreadsheet has.
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "bomb.xlsx", add={"xl/media/pad.bin": b"\0" * 20_000_000})
    with pytest.raises(ExcelFileError, match="为安全起见"):
        check_xlsx(path, max_bytes=10**8, max_uncompressed_bytes=10**9)


def test_zip_bomb_by_total_size_is_refused(tmp_path):
    data = os.urandom(2_000_000)  # does not compress: only the total gives it away
    path = _rezip(_xlsx(tmp_path, [["a"]]), tmp_path / "big.xlsx", add={"xl/media/a.bin": data})
    with pytest.raises(ExcelFileError, match="为安全起见"):
        check_xlsx(path, max_bytes=10**8, max_uncompressed_bytes=1_000_000)


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
    with pytest.raises(ExcelFileError, match="该工作簿含有不允许的 XML 结构"), open_xlsx(path, **LIMITS) as book:
        list(sheet_rows(book.worksheets[0]))


def test_external_entity_in_sheet_is_refused(tmp_path):
    sheet = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""
    path = _rezip(_xlsx(tmp_path, [[1]]), tmp_path / "xxe.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    with pytest.raises(ExcelFileError, match="该工作簿含有不允许的 XML 结构"), open_xlsx(path, **LIMITS) as book:
        list(sheet_rows(book.worksheets[0]))


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
