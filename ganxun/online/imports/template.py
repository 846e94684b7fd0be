"""A platform's template: a title row, the profile's first header of each column, and one sample row."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Cumulation, Platform, PlatformUnit

ORDER = ("name", "id_number", "phone", "section", "required", "elective", "amount", "courses", "year", "period")
SAMPLE = {
    "name": "张三",
    "id_number": "110101199003077777",
    "phone": "13912345678",
    "section": "办公室",
    "required": "20",
    "elective": "12.5",
    "courses": "9",
}


def template_workbook(platform: Platform, year: int) -> Workbook:
    names = platform.synonyms()
    columns = [key for key in ORDER if key in names]
    if platform.cumulation == Cumulation.YEAR:
        columns.remove("period")
    else:
        columns.remove("year")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = platform.name[:31]
    sheet.append([f"{platform.name} {year}年 学习情况统计"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([names[key][0] for key in columns])
    amount = {PlatformUnit.HOURS: "32.5", PlatformUnit.MINUTES: "1950", PlatformUnit.POINTS: "8600"}[platform.unit]
    sample = {
        **SAMPLE,
        "amount": amount,
        "year": str(year),
        "period": f"{year}-01-01至{year}-03-31",
    }
    sheet.append([sample[key] for key in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for column in ("B", "C"):
        for cell in sheet[column]:
            cell.number_format = "@"
        sheet.column_dimensions[column].width = 22
    return workbook
