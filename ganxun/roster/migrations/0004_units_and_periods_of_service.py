"""Units (单位) above the 科室, and dated periods of service (任职经历).

Today's data becomes one unit holding every 科室 and cadre, and one first period per cadre with the
values it holds now, in force from its hire date (or work start date, or 1900-01-01 when neither is known),
so that no figure of a past year changes by the migration.
"""

import datetime as dt

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import ganxun.roster.models

EARLIEST = dt.date(1900, 1, 1)
PERIOD_FIELDS = ("unit_id", "section_id", "post", "rank", "leadership_level", "status")


def forwards(apps, schema_editor):
    Unit = apps.get_model("roster", "Unit")
    Section = apps.get_model("roster", "Section")
    Cadre = apps.get_model("roster", "Cadre")
    CadrePeriod = apps.get_model("roster", "CadrePeriod")
    if not Section.objects.exists() and not Cadre.objects.exists():
        return  # a new database: the first unit is made when it is first needed
    unit = Unit.objects.create(name="本单位", code="HOME", kind="bureau")
    Unit.objects.filter(pk=unit.pk).update(path=f"/{unit.pk}/")
    Section.objects.update(unit=unit)
    Cadre.objects.update(unit=unit)
    batch = []
    for cadre in Cadre.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            CadrePeriod(
                cadre_id=cadre.pk,
                valid_from=cadre.hire_date or cadre.work_start_date or EARLIEST,
                **{name: getattr(cadre, name) for name in PERIOD_FIELDS},
            )
        )
        if len(batch) >= 2000:
            CadrePeriod.objects.bulk_create(batch)
            batch = []
    CadrePeriod.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    apps.get_model("roster", "CadrePeriod").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0003_cadre_democratic_party"),
    ]

    operations = [
        migrations.CreateModel(
            name="Unit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "code",
                    models.CharField(
                        help_text="Letters and digits, e.g. QFGJ; used by commands and exports.",
                        max_length=20,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Za-z0-9_-]+$", "Use letters, digits, - or _ only."
                            )
                        ],
                        verbose_name="short code",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("organisation_department", "Organisation department"),
                            ("bureau", "Bureau or commission"),
                            ("sub_district", "Sub-district or town"),
                            ("institution", "Public institution"),
                            ("other", "Other unit"),
                        ],
                        default="bureau",
                        max_length=30,
                        verbose_name="kind of unit",
                    ),
                ),
                ("path", models.CharField(db_index=True, default="", editable=False, max_length=255, verbose_name="path")),
                ("depth", models.PositiveSmallIntegerField(default=0, editable=False, verbose_name="depth")),
                ("sort_order", models.PositiveIntegerField(default=100, verbose_name="sort order")),
                ("is_active", models.BooleanField(default=True, verbose_name="in use")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="roster.unit",
                        verbose_name="parent unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "unit",
                "verbose_name_plural": "units",
                "ordering": ["path"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("parent", "name"),
                        name="unit_name_unique_under_parent",
                        violation_error_message="A unit of this name already exists under the same parent.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("parent__isnull", True)),
                        fields=("name",),
                        name="unit_root_name_unique",
                        violation_error_message="A top-level unit of this name already exists.",
                    ),
                ],
            },
        ),
        migrations.AlterField(
            model_name="cadre",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "In post"),
                    ("transferred", "Transferred out"),
                    ("retired", "Retired"),
                    ("resigned", "Resigned"),
                    ("deceased", "Deceased"),
                ],
                default="active",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sections",
                to="roster.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="cadre",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cadres",
                to="roster.unit",
                verbose_name="unit",
            ),
        ),
        migrations.CreateModel(
            name="CadrePeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("valid_from", models.DateField(verbose_name="in force from")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="in force until")),
                ("post", models.CharField(blank=True, max_length=50, verbose_name="post")),
                (
                    "rank",
                    models.CharField(
                        blank=True,
                        choices=ganxun.roster.models.Rank.choices,
                        max_length=30,
                        verbose_name="rank",
                    ),
                ),
                (
                    "leadership_level",
                    models.CharField(
                        blank=True,
                        choices=ganxun.roster.models.LeadershipLevel.choices,
                        max_length=30,
                        verbose_name="leadership post level",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=ganxun.roster.models.Status.choices,
                        default="active",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="reason for the change")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "cadre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="periods",
                        to="roster.cadre",
                        verbose_name="cadre",
                    ),
                ),
                (
                    "section",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="roster.section",
                        verbose_name="section",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="roster.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "period of service",
                "verbose_name_plural": "periods of service",
                "ordering": ["cadre", "valid_from"],
                "indexes": [
                    models.Index(fields=["valid_from", "valid_to"], name="roster_cadr_valid_f_879779_idx"),
                    models.Index(fields=["unit", "valid_from"], name="roster_cadr_unit_id_651fff_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cadre", "valid_from"),
                        name="cadre_period_one_per_day",
                        violation_error_message="The cadre already has a change taking effect on this date.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("valid_to__isnull", True), ("valid_to__gt", models.F("valid_from")), _connector="OR"),
                        name="cadre_period_ends_after_start",
                        violation_error_message="A period must end after it starts.",
                    ),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="section",
            name="unit",
            field=models.ForeignKey(
                default=ganxun.roster.models.home_unit_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sections",
                to="roster.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="cadre",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cadres",
                to="roster.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="section",
            name="name",
            field=models.CharField(max_length=50, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                fields=("unit", "name"),
                name="section_name_unique_in_unit",
                violation_error_message="A section of this name already exists in the unit.",
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(fields=["unit", "status"], name="roster_cadr_unit_id_912aa0_idx"),
        ),
    ]
