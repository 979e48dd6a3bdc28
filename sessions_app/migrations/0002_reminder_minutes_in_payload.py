"""A reminder's offset lives in its row's payload, no longer parsed out of the slot."""

from django.db import migrations


def minutes_into_payload(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(kind="session_reminder", slot__startswith="before-")
    for row in rows.iterator():
        minutes = int(row.slot.removeprefix("before-").removesuffix("m"))
        row.payload = {**row.payload, "minutes": minutes}
        row.save(update_fields=["payload"])


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(minutes_into_payload, migrations.RunPython.noop)]
