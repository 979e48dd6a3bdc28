"""Nothing saved before it is seen: a reschedule is previewed in every enrolled state's time
with its warnings, like a series; a create form creates once however often it is sent.

The facilitator works on 1 September 2026; the session is Tuesday 6 October 2026, 10:00 in
Denver.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import formats

from notifications.models import Notification
from sessions_app.models import LearningSession, Reschedule
from tests.conftest import make_team, utc
from tests.factories import CohortFactory, OrganisationFactory
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import field_errors, form_with_button, page_text, tables
from tests.submissions import submission_token, with_token

pytestmark = pytest.mark.usefixtures("september")

DENVER = "America/Denver"


def reschedule_url(session):
    return reverse("sessions_app:session_reschedule", args=[session.pk])


def move_data(**changes):
    return {
        "date": "2026-10-13",
        "start_time": "10:00",
        "time_zone": DENVER,
        "reason": "The first date clashed with a hearing.",
        "action": "preview",
        **changes,
    }


def preview_times(response):
    """The preview's table of one time: {zone or state: its local time there}."""
    header, *rows = next(table for table in tables(response) if table[0][0] == "Time zone")
    assert header == ["Time zone", "Local time"]
    return dict(rows)


def preview_warnings(response):
    """The warnings the preview lists above its table (each checked to be on the page)."""
    (_starts_at, warnings), *others = response.context["preview"]
    assert not others
    text = page_text(response)
    assert all(warning in text for warning in warnings)
    return warnings


def nothing_moved(session):
    session.refresh_from_db()
    return (
        session.starts_at == utc(2026, 10, 6, 16, 0)
        and session.sequence == 0
        and not Reschedule.objects.exists()
        and not Notification.objects.filter(kind="session_rescheduled").exists()
    )


# The reschedule preview ----------------------------------------------------------------------


def test_a_reschedule_is_previewed_in_every_states_zone_and_saves_nothing(
    facilitator_client, session
):
    response = facilitator_client.post(reschedule_url(session), move_data())

    assert response.status_code == 200
    assert preview_times(response) == {
        f"{DENVER} (planned in)": "Tue 13 Oct 2026, 10:00 MDT",
        "Alaska": "Tue 13 Oct 2026, 08:00 AKDT",
        "Arizona": "Tue 13 Oct 2026, 09:00 MST",
        "Hawaii": "Tue 13 Oct 2026, 06:00 HST",
    }
    assert preview_warnings(response) == ["It falls outside 8:00–20:00 local time in Hawaii."]
    assert "Check the new time" in page_text(response)
    assert nothing_moved(session)


def test_the_previewed_time_is_saved_only_when_confirmed(facilitator_client, session):
    preview = facilitator_client.post(reschedule_url(session), move_data())
    confirmed = form_with_button(preview, "action", "move")

    response = facilitator_client.post(reschedule_url(session), {**confirmed, "action": "move"})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == utc(2026, 10, 13, 16, 0)
    move = Reschedule.objects.get()
    assert move.reason == "The first date clashed with a hearing."


def test_a_post_without_the_confirm_button_only_previews(facilitator_client, session):
    data = move_data()
    del data["action"]

    response = facilitator_client.post(reschedule_url(session), data)

    assert response.status_code == 200
    assert response.context["preview"]
    assert nothing_moved(session)


def test_five_oclock_mst_is_warned_for_arizona_and_colorado_before_anything_is_saved(
    client, denver_facilitator
):
    cohort = CohortFactory(
        name="Mountain Cohort",
        facilitators=[denver_facilitator],
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 2, 26),
    )
    for state, name in [("AZ", "Arizona Team"), ("CO", "Colorado Team")]:
        make_team(cohort, OrganisationFactory(name=name, state=state))
    session = LearningSessionFactory(cohort=cohort, starts_at=utc(2026, 11, 10, 17, 0))
    client.force_login(denver_facilitator)

    # 05:00 on Tuesday 10 November: Denver is on MST again, like Phoenix all year.
    response = client.post(
        reschedule_url(session), move_data(date="2026-11-10", start_time="05:00")
    )

    assert preview_times(response) == {
        f"{DENVER} (planned in)": "Tue 10 Nov 2026, 05:00 MST",
        "Arizona": "Tue 10 Nov 2026, 05:00 MST",
        "Colorado": "Tue 10 Nov 2026, 05:00 MST",
    }
    assert preview_warnings(response) == [
        "It falls outside 8:00–20:00 local time in Arizona, Colorado."
    ]
    session.refresh_from_db()
    assert session.starts_at == utc(2026, 11, 10, 17, 0)
    assert not Reschedule.objects.exists()
    assert not Notification.objects.filter(kind="session_rescheduled").exists()


def test_the_preview_warns_of_an_overlap_with_another_of_the_cohorts_sessions(
    facilitator_client, session, zones_cohort
):
    LearningSessionFactory(
        cohort=zones_cohort, number=2, title="Data walk", starts_at=utc(2026, 10, 13, 17, 0)
    )

    response = facilitator_client.post(reschedule_url(session), move_data())

    assert "It overlaps session 2, “Data walk”." in preview_warnings(response)
    assert nothing_moved(session)


def test_a_session_does_not_overlap_itself(facilitator_client, session):
    response = facilitator_client.post(
        reschedule_url(session), move_data(date="2026-10-06", start_time="10:30")
    )

    assert not [warning for warning in preview_warnings(response) if "overlaps" in warning]


def test_the_preview_warns_of_a_time_after_the_cohorts_end(facilitator_client, session):
    response = facilitator_client.post(reschedule_url(session), move_data(date="2027-03-02"))

    last_day = formats.date_format(date(2027, 2, 26), "DATE_FORMAT")
    assert f"It is after the cohort ends on {last_day}." in preview_warnings(response)


def test_the_last_day_of_the_cohort_is_not_after_its_end(facilitator_client, session):
    # 18:00 in Denver on 26 February is already 27 February in UTC.
    response = facilitator_client.post(
        reschedule_url(session), move_data(date="2027-02-26", start_time="18:00")
    )

    assert not [warning for warning in preview_warnings(response) if "after the" in warning]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": " "}, "reason", "Say why the session moves: everyone is told."),
        ({"date": "2026-10-06"}, "start_time", "That is the time the session already has."),
        ({"date": "2026-03-08", "start_time": "02:30"}, "start_time", "does not exist"),
        ({"date": "9999-12-31"}, "date", "Choose a date between 2000 and 2100."),
    ],
)
def test_bad_input_to_the_preview_is_a_message_with_everything_typed_kept(
    facilitator_client, session, changes, field, message
):
    data = move_data(**{"reason": "Typed reason that must survive.", **changes})

    response = facilitator_client.post(reschedule_url(session), data)

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    text = page_text(response)
    assert "There is a problem" in text
    assert "preview" not in response.context
    assert f'value="{data["date"]}"' in text
    assert f'value="{data["start_time"]}"' in text
    assert data["reason"] in text
    assert nothing_moved(session)


def test_a_cancelled_session_gets_no_preview(facilitator_client, session):
    session.status = LearningSession.Status.CANCELLED
    session.save()

    response = facilitator_client.post(reschedule_url(session), move_data())

    assert "A cancelled session can't be moved." in page_text(response)
    assert "preview" not in response.context


# Once per submission -------------------------------------------------------------------------


def series_url(cohort):
    return reverse("sessions_app:series_create", args=[cohort.pk])


SERIES = {
    "title": "Equity in practice",
    "first_date": "2026-10-06",
    "start_time": "13:00",
    "end_time": "14:30",
    "time_zone": DENVER,
    "repeat": "monthly_weekday",
    "count": "2",
    "where": "video",
    "video_url": "https://video.example.org/zones",
}


def test_the_series_form_sent_twice_creates_the_series_once(facilitator_client, zones_cohort):
    url = series_url(zones_cohort)
    preview = facilitator_client.post(url, with_token(facilitator_client, url, SERIES))
    confirmed = {**form_with_button(preview, "action", "create"), "action": "create"}

    first = facilitator_client.post(url, confirmed)
    # The browser's Back button shows the preview again; its button is pressed again.
    again = facilitator_client.post(url, confirmed)

    assert first.status_code == 302
    assert again.status_code == 200
    assert zones_cohort.learning_sessions.count() == 2
    text = page_text(again)
    assert "There is a problem" in text
    assert "This form was already submitted, so nothing new was created." in text
    schedule = reverse("sessions_app:schedule", args=[zones_cohort.pk])
    assert f'<a href="{schedule}">See what it created.</a>' in text


def test_one_extra_session_sent_twice_is_created_once(facilitator_client, zones_cohort):
    url = reverse("sessions_app:session_create", args=[zones_cohort.pk])
    data = {
        "title": "Extra session on data",
        "date": "2026-11-17",
        "start_time": "11:00",
        "end_time": "12:00",
        "time_zone": DENVER,
        "where": "video",
        "video_url": "https://video.example.org/extra",
        "action": "create",
    }
    data = with_token(facilitator_client, url, data)

    first = facilitator_client.post(url, data)
    again = facilitator_client.post(url, data)

    (created,) = zones_cohort.learning_sessions.all()
    assert first["Location"] == created.get_absolute_url()
    assert f'<a href="{created.get_absolute_url()}">See what it created.</a>' in page_text(again)


def test_the_material_form_sent_twice_adds_the_material_once(facilitator_client, session):
    url = reverse("sessions_app:material_add", args=[session.pk])
    data = with_token(
        facilitator_client, url, {"title": "Reading", "url": "https://example.org/reading"}
    )

    first = facilitator_client.post(url, data)
    again = facilitator_client.post(url, data)

    assert first.status_code == 302
    assert session.materials.count() == 1
    assert f'<a href="{session.get_absolute_url()}">See what it created.</a>' in page_text(again)


def test_a_fresh_form_creates_again(facilitator_client, zones_cohort):
    url = series_url(zones_cohort)
    for first_date in ("2026-10-06", "2026-12-01"):
        data = with_token(facilitator_client, url, {**SERIES, "first_date": first_date})
        assert facilitator_client.post(url, {**data, "action": "create"}).status_code == 302

    assert zones_cohort.learning_sessions.count() == 4


def test_previewing_does_not_use_up_the_token(facilitator_client, zones_cohort):
    url = series_url(zones_cohort)
    data = with_token(facilitator_client, url, SERIES)
    for _ in range(3):
        facilitator_client.post(url, {**data, "action": "preview"})

    response = facilitator_client.post(url, {**data, "action": "create"})

    assert response.status_code == 302


def test_a_form_without_its_token_is_refused_and_shown_again_with_a_fresh_one(
    facilitator_client, zones_cohort
):
    url = series_url(zones_cohort)

    response = facilitator_client.post(url, {**SERIES, "action": "create"})

    assert response.status_code == 200
    assert "This page was out of date. Check the form and send it again." in page_text(response)
    assert not zones_cohort.learning_sessions.exists()
    token = submission_token(response)
    again = facilitator_client.post(url, {**SERIES, "submission": token, "action": "create"})
    assert again.status_code == 302
