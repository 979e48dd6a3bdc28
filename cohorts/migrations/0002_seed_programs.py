"""The two programs the portal starts with, and the Alliance staff group."""

from django.db import migrations

from cohorts.programs import PROGRAMS, ensure_programs


def create(apps, schema_editor):
    ensure_programs(apps.get_model("cohorts", "Program"))
    apps.get_model("auth", "Group").objects.get_or_create(name="Alliance staff")


def remove(apps, schema_editor):
    apps.get_model("cohorts", "Program").objects.filter(
        name__in=[p["name"] for p in PROGRAMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, remove)]
