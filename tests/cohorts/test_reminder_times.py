"""Reminder times are data: set per program, overridden per cohort, typed as "7d, 1d, 2h"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from sessions_app import services as session_services
from sessions_app.timing import PlannedTime
from tests.cohorts.test_views import program_data, submit

pytestmark = pytest.mark.django_db


def test_a_new_program_gets_a_week_and_a_day_when_left_empty(client, world):
    client.force_login(world.staff)
    submit(client, reverse("cohorts:program_create"), program_data())
    program = world.program1.__class__.objects.get(name="Quarterly Learning Community")
    assert program.reminder_offsets == [7 * 24 * 60, 24 * 60]


def test_reminder_times_are_typed_in_days_hours_and_minutes(client, world):
    client.force_login(world.staff)
    submit(client, reverse("cohorts:program_create"), program_data(reminder_offsets="2h, 3d, 30m"))
    program = world.program1.__class__.objects.get(name="Quarterly Learning Community")
    assert program.reminder_offsets == [3 * 24 * 60, 120, 30]


def test_a_reminder_time_that_cannot_be_read_is_a_field_error_and_keeps_the_text(client, world):
    client.force_login(world.staff)
    response = submit(
        client, reverse("cohorts:program_create"), program_data(reminder_offsets="7 days, 1d")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "isn't a reminder time" in form.errors["reminder_offsets"][0]
    assert form["reminder_offsets"].value() == "7 days, 1d"


def test_a_cohort_override_replans_its_upcoming_reminders(client, world):
    cohort = world.cohort1
    starts_at = timezone.now() + timedelta(days=10)
    [session] = session_services.create_series(
        cohort,
        planned=[PlannedTime(starts_at.date(), starts_at)],
        title="Session",
        by=world.staff,
        duration_minutes=60,
        time_zone="America/Denver",
        where="video",
        video_url="https://video.example.org/x",
    )
    planned = Notification.objects.filter(kind="session_reminder", object_id=session.pk)
    assert set(planned.filter(state="scheduled").values_list("slot", flat=True)) == {
        "before-10080m",
        "before-1440m",
    }

    client.force_login(world.staff)
    data = {
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "reminder_offsets": "2h",
        "facilitators": [p.pk for p in cohort.facilitators.all()],
        "partners": [o.pk for o in cohort.partners.all()],
    }
    response = client.post(reverse("cohorts:cohort_edit", args=[cohort.pk]), data)

    assert response.status_code == 302
    assert set(planned.filter(state="scheduled").values_list("slot", flat=True)) == {"before-120m"}
    assert planned.filter(state="cancelled", slot="before-1440m").exists()
