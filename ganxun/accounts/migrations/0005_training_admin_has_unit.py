"""A training administrator holds the role in a unit: any still without one is placed in the home unit."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Unit = apps.get_model("roster", "Unit")
    homeless = User.objects.filter(role="training_admin", unit__isnull=True)
    if not homeless.exists():
        return
    unit = Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
    if unit is None:
        unit = Unit.objects.create(name="本单位", code="HOME")
        Unit.objects.filter(pk=unit.pk).update(path=f"/{unit.pk}/")
    homeless.update(unit=unit)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_unit"),
        ("roster", "0004_units_and_periods_of_service"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=~models.Q(role="training_admin") | models.Q(unit__isnull=False),
                name="account_training_admin_has_unit",
                violation_error_message="A training administrator must hold the role in a unit.",
            ),
        ),
    ]
