"""Activities are organised by a unit: every existing activity is the home unit's (the first top-level one)."""

import django.db.models.deletion
from django.db import migrations, models

import ganxun.roster.models


def home_unit(apps):
    """The first top-level unit, made as roster.models.home_unit_id makes it when there is none yet."""
    Unit = apps.get_model("roster", "Unit")
    unit = Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
    if unit is None:
        unit = Unit.objects.create(name="本单位", code="HOME")
        Unit.objects.filter(pk=unit.pk).update(path=f"/{unit.pk}/")
    return unit


def forwards(apps, schema_editor):
    Activity = apps.get_model("training", "Activity")
    if Activity.objects.exists():
        Activity.objects.update(unit=home_unit(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0004_units_and_periods_of_service"),
        ("training", "0005_lecturers_per_session"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="roster.unit",
                verbose_name="organising unit",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="unit",
            field=models.ForeignKey(
                default=ganxun.roster.models.home_unit_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="roster.unit",
                verbose_name="organising unit",
            ),
        ),
    ]
