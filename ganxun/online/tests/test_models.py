"""The data migration's platforms and outlier rules, and what a profile's header names fall back to."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ganxun.online.models import Cumulation, OutlierKind, OutlierRule, Platform, PlatformUnit

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_four_platforms_with_their_profiles():
    found = {p.name: (p.unit, p.cumulation) for p in Platform.objects.all()}
    assert found == {
        "干部在线学习": (PlatformUnit.HOURS, Cumulation.YEAR),
        "学习强国": (PlatformUnit.POINTS, Cumulation.YEAR),
        "宣讲联盟": (PlatformUnit.MINUTES, Cumulation.YEAR),
        "大家微讲堂": (PlatformUnit.HOURS, Cumulation.PERIOD),
    }
    xuexi = Platform.objects.get(name="学习强国").synonyms()
    assert xuexi["amount"][0] == "年度积分" and "总积分" in xuexi["amount"]
    assert "required" not in xuexi  # points have no 必修/选修
    assert Platform.objects.get(name="干部在线学习").synonyms()["required"][0] == "必修学时"


def test_the_default_outlier_rules():
    rules = {r.kind: (r.threshold, r.active) for r in OutlierRule.objects.all()}
    assert rules == {
        OutlierKind.PER_DAY: (Decimal("8.00"), True),
        OutlierKind.PER_YEAR: (Decimal("400.00"), True),
        OutlierKind.NOT_IN_POST: (None, True),
    }


def test_a_profile_falls_back_to_its_units_defaults_and_rejects_unknown_columns():
    platform = Platform(name="区党建云课堂", unit=PlatformUnit.MINUTES, headers={"name": ["学员"]})
    platform.full_clean()
    assert platform.synonyms()["name"] == ["学员"]
    assert platform.synonyms()["amount"][0] == "学习时长(分钟)"
    platform.headers = {"salary": ["工资"]}
    with pytest.raises(ValidationError):
        platform.full_clean()


def test_a_threshold_rule_needs_its_threshold():
    rule = OutlierRule.objects.get(kind=OutlierKind.PER_YEAR)
    rule.threshold = None
    with pytest.raises(ValidationError):
        rule.full_clean()
