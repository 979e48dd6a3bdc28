from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0002_reminder_minutes_in_payload"),
    ]

    operations = [
        migrations.AddField(
            model_name="reschedule",
            name="old_time_zone",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="reschedule",
            name="undone_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
