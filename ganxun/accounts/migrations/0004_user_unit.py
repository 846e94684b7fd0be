"""An account's role is held in a unit: today's training administrators hold theirs in the one unit there is."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Unit = apps.get_model("roster", "Unit")
    unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if unit is not None:
        User.objects.filter(role="training_admin").update(unit=unit)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_login_security_records"),
        ("roster", "0004_units_and_periods_of_service"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                help_text="The unit an administrator's role is held in; it reaches the units below. Empty for a "
                "system administrator of the whole system. Other roles act in their cadre's unit.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="accounts",
                to="roster.unit",
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
