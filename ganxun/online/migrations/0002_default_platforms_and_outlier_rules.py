"""The four platforms the bureau's cadres study on, with the profiles of their exports, and the default outlier
rules (8 学时 a day on average, 400 in a year, a figure for a cadre not in post)."""

from decimal import Decimal

from django.db import migrations

COMMON = {
    "name": ["姓名", "学员姓名", "真实姓名", "名字"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"],
    "phone": ["手机号", "手机号码", "手机", "联系电话"],
    "username": ["用户名", "账号", "登录账号", "学员账号"],
    "section": ["单位/部门", "单位", "部门", "所在单位", "所在部门", "科室", "工作单位"],
    "courses": ["完成课程数", "完成课程", "课程数", "已完成课程数"],
    "year": ["年度", "学习年度", "统计年度"],
    "period": ["统计起止日期", "统计周期", "统计时段", "起止日期"],
}
PLATFORMS = [
    (
        "干部在线学习",
        "hours",
        "year",
        {
            **COMMON,
            "required": ["必修学时", "必修"],
            "elective": ["选修学时", "选修"],
            "amount": ["总学时", "合计学时", "学时", "获得学时", "已获学时"],
        },
        "区干部在线学习平台：导出年度累计学时。",
    ),
    (
        "学习强国",
        "points",
        "year",
        {**COMMON, "amount": ["年度积分", "本期积分", "积分", "总积分"]},
        "积分不是学时：只有设置了积分折算规则才计入学时。",
    ),
    (
        "宣讲联盟",
        "minutes",
        "year",
        {**COMMON, "amount": ["学习时长(分钟)", "学习时长（分钟）", "学习时长", "时长(分钟)", "分钟数"]},
        "导出学习时长（分钟），按当年线上学习分钟折算规则计学时。",
    ),
    (
        "大家微讲堂",
        "hours",
        "period",
        {
            **COMMON,
            "required": ["必修学时", "必修"],
            "elective": ["选修学时", "选修"],
            "amount": ["本期学时", "总学时", "学时", "获得学时"],
        },
        "按期导出本期学时，逐期累加。",
    ),
]
RULES = [("per_day", Decimal("8")), ("per_year", Decimal("400")), ("not_in_post", None)]


def create(apps, schema_editor):
    Platform = apps.get_model("online", "Platform")
    OutlierRule = apps.get_model("online", "OutlierRule")
    for name, unit, cumulation, headers, note in PLATFORMS:
        Platform.objects.get_or_create(
            name=name, defaults={"unit": unit, "cumulation": cumulation, "headers": headers, "note": note}
        )
    for kind, threshold in RULES:
        OutlierRule.objects.get_or_create(kind=kind, defaults={"threshold": threshold, "active": True})


def remove(apps, schema_editor):
    apps.get_model("online", "OutlierRule").objects.filter(kind__in=[k for k, _t in RULES]).delete()
    Platform = apps.get_model("online", "Platform")
    Platform.objects.filter(name__in=[p[0] for p in PLATFORMS], imports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("online", "0001_platforms_imports_figures")]

    operations = [migrations.RunPython(create, remove)]
