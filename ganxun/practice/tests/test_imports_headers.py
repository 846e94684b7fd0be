"""Header spellings: a date column is found whether the office writes …日期 or …时间."""

import pytest

from ganxun.core.excel import normalize_header
from ganxun.practice.imports.columns import COMMUNITY, DEPLOYMENT, SECONDMENT, TEAM, header_matcher


@pytest.mark.parametrize(
    ("kind", "header", "key"),
    [
        (DEPLOYMENT, "截止时间", "end"),  # only 截止日期 is listed
        (DEPLOYMENT, "终止时间", "end"),
        (DEPLOYMENT, "下沉时间", "start"),
        (DEPLOYMENT, "起始日期", "start"),
        (TEAM, "离队日期", "left"),
        (TEAM, "入队时间", "joined"),
        (SECONDMENT, "期满时间", "end"),
        (SECONDMENT, "派出时间", "start"),
        (COMMUNITY, "报到时间", "date"),
    ],
)
def test_a_date_header_in_either_spelling(kind, header, key):
    assert header_matcher(kind)(normalize_header(header)) == key


def test_a_header_that_is_no_date_column_is_still_unknown():
    match = header_matcher(DEPLOYMENT)
    assert match(normalize_header("备注时间")) is None
    assert match(normalize_header("任务")) == "task"
