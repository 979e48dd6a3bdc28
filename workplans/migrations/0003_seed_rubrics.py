"""The self-assessment rubrics of the two starting programs (workplans/rubrics.py)."""

from django.db import migrations

from workplans.rubrics import RUBRICS, ensure_rubrics


def create(apps, schema_editor):
    ensure_rubrics(
        apps.get_model("cohorts", "Program"),
        apps.get_model("workplans", "Rubric"),
        apps.get_model("workplans", "Dimension"),
    )


def remove(apps, schema_editor):
    """The seeded rubrics go back out, unless a team has answered them."""
    apps.get_model("workplans", "Rubric").objects.filter(
        program__name__in=[rubric["program"] for rubric in RUBRICS]
    ).exclude(dimensions__ratings__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workplans", "0002_workplan_updated_by"),
        ("cohorts", "0002_seed_programs"),
    ]

    operations = [migrations.RunPython(create, remove)]
