"""Scheduling through the pages: the series preview across zones, warnings, bad input,
one extra session, reschedule, cancel and materials."""

from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.templatetags.portal_time import clock, when
from sessions_app.models import LearningSession, Material, Reschedule
from tests.conftest import utc
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import field_errors, form_with_button, page_text, tables
from tests.submissions import with_token

# The facilitator plans on 1 September 2026, before the series starts.
pytestmark = pytest.mark.usefixtures("september")

DENVER = "America/Denver"
STATE_ZONES = [
    ("Alaska", "America/Anchorage"),
    ("Arizona", "America/Phoenix"),
    ("Hawaii", "Pacific/Honolulu"),
]


def series_url(cohort):
    return reverse("sessions_app:series_create", args=[cohort.pk])


def submit(client, url, data, **kwargs):
    """Post a create form as the browser does: with the blank form's one-time token."""
    return client.post(url, with_token(client, url, data), **kwargs)


def series_data(**changes):
    data = {
        "title": "Equity in practice",
        "first_date": "2026-10-06",
        "start_time": "10:00",
        "end_time": "11:30",
        "time_zone": DENVER,
        "repeat": "monthly_weekday",
        "every_weeks": "",
        "count": "3",
        "where": "video",
        "video_url": "https://video.example.org/zones",
        "address": "",
        "phone": "",
        "action": "preview",
    }
    data.update(changes)
    return data


def preview_table(response):
    return next(table for table in tables(response) if table and table[0][0] == "#")


# The series preview -------------------------------------------------------------------------


def test_series_preview_lists_every_date_in_the_facilitators_zone_and_each_states_zone(
    facilitator_client, zones_cohort
):
    response = submit(facilitator_client, series_url(zones_cohort), series_data())

    assert response.status_code == 200
    header, *rows = preview_table(response)
    assert header[:5] == ["#", DENVER, "Alaska", "Arizona", "Hawaii"]
    assert [row[:5] for row in rows] == [
        ["1", "Tue 6 Oct 2026, 10:00 MDT", "08:00 AKDT", "09:00 MST", "06:00 HST"],
        ["2", "Tue 3 Nov 2026, 10:00 MST", "08:00 AKST", "10:00 MST", "07:00 HST"],
        ["3", "Tue 1 Dec 2026, 10:00 MST", "08:00 AKST", "10:00 MST", "07:00 HST"],
    ]


def test_series_preview_saves_nothing(facilitator_client, zones_cohort):
    submit(facilitator_client, series_url(zones_cohort), series_data())

    assert not LearningSession.objects.exists()


def test_creating_the_previewed_series_saves_exactly_the_previewed_times(
    facilitator_client, zones_cohort
):
    preview = submit(facilitator_client, series_url(zones_cohort), series_data())
    _header, *rows = preview_table(preview)
    # The preview's own "Create" form carries the typed values back.
    confirmed = form_with_button(preview, "action", "create")
    confirmed["action"] = "create"

    response = facilitator_client.post(series_url(zones_cohort), confirmed)

    assert response.status_code == 302
    assert response["Location"] == reverse("sessions_app:schedule", args=[zones_cohort.pk])
    saved = list(zones_cohort.learning_sessions.order_by("starts_at"))
    assert [s.starts_at for s in saved] == [
        utc(2026, 10, 6, 16, 0),
        utc(2026, 11, 3, 17, 0),
        utc(2026, 12, 1, 17, 0),
    ]
    assert [row[1] for row in rows] == [when(s.starts_at, DENVER) for s in saved]
    for column, (_state, zone) in enumerate(STATE_ZONES, start=2):
        assert [row[column] for row in rows] == [clock(s.starts_at, zone) for s in saved]
    assert [(s.number, s.title) for s in saved] == [
        (1, "Equity in practice 1"),
        (2, "Equity in practice 2"),
        (3, "Equity in practice 3"),
    ]
    assert {(s.time_zone, s.duration_minutes, s.video_url) for s in saved} == {
        (DENVER, 90, "https://video.example.org/zones")
    }
    assert all(list(s.facilitators.all()) == list(zones_cohort.facilitators.all()) for s in saved)


def test_a_weekly_series_is_created_with_its_wall_clock_time_kept(facilitator_client, zones_cohort):
    data = series_data(first_date="2026-10-20", repeat="weekly", every_weeks="2", action="create")

    submit(facilitator_client, series_url(zones_cohort), data)

    assert list(
        zones_cohort.learning_sessions.order_by("starts_at").values_list("starts_at", flat=True)
    ) == [utc(2026, 10, 20, 16, 0), utc(2026, 11, 3, 17, 0), utc(2026, 11, 17, 17, 0)]


def test_the_series_count_defaults_to_the_programs_number_of_sessions(
    facilitator_client, zones_cohort
):
    response = facilitator_client.get(series_url(zones_cohort))

    assert response.status_code == 200
    assert response.context["form"]["count"].value() == zones_cohort.program.session_count
    assert response.context["form"]["time_zone"].value() == DENVER


# Warnings -----------------------------------------------------------------------------------


def warnings_by_row(response):
    _header, *rows = preview_table(response)
    return [row[-1] for row in rows]


def test_preview_warns_of_a_time_in_the_past(client, zones_cohort, denver_facilitator):
    with time_machine.travel(utc(2026, 10, 20, 12, 0), tick=False):
        client.force_login(denver_facilitator)
        response = submit(client, series_url(zones_cohort), series_data())

    october, november, december = warnings_by_row(response)
    assert "This time is in the past." in october
    assert "in the past" not in november
    assert "in the past" not in december


def test_preview_warns_of_an_overlap_with_another_session_of_the_cohort(
    facilitator_client, zones_cohort
):
    LearningSessionFactory(
        cohort=zones_cohort, number=1, title="Kick-off", starts_at=utc(2026, 11, 3, 17, 30)
    )

    response = submit(facilitator_client, series_url(zones_cohort), series_data())

    october, november, december = warnings_by_row(response)
    assert "It overlaps session 1, “Kick-off”." in page_text(response)
    assert "overlaps" in november
    assert "overlaps" not in october
    assert "overlaps" not in december


def test_a_cancelled_session_is_no_overlap(facilitator_client, zones_cohort):
    LearningSessionFactory(
        cohort=zones_cohort,
        starts_at=utc(2026, 11, 3, 17, 30),
        status=LearningSession.Status.CANCELLED,
    )

    response = submit(facilitator_client, series_url(zones_cohort), series_data())

    assert "overlaps" not in page_text(response)


def test_preview_names_the_state_where_the_time_falls_outside_working_hours(
    facilitator_client, zones_cohort
):
    response = submit(facilitator_client, series_url(zones_cohort), series_data())

    for warnings in warnings_by_row(response):
        # 6:00 or 7:00 in Honolulu; Anchorage starts at 8:00 sharp and Phoenix at 9:00 or 10:00.
        assert "It falls outside 8:00–20:00 local time in Hawaii." in warnings
        assert "Alaska" not in warnings
        assert "Arizona" not in warnings


def test_preview_of_a_time_good_everywhere_has_no_warnings(facilitator_client, zones_cohort):
    response = submit(
        facilitator_client,
        series_url(zones_cohort),
        series_data(start_time="13:00", end_time="14:30"),
    )

    assert warnings_by_row(response) == ["None—", "None—", "None—"]


# Bad input ----------------------------------------------------------------------------------

SERIES_BAD_INPUT = [
    pytest.param(
        {"end_time": "09:00"},
        "end_time",
        "The session must end after it starts.",
        'value="09:00"',
        id="end-before-start",
    ),
    pytest.param(
        {"end_time": "10:00"},
        "end_time",
        "The session must end after it starts.",
        'value="10:00"',
        id="zero-length",
    ),
    pytest.param(
        {"start_time": "06:00", "end_time": "19:30"},
        "end_time",
        "A session lasts at most 12 hours.",
        'value="19:30"',
        id="longer-than-12-hours",
    ),
    pytest.param(
        {"video_url": "zoom meeting 123"},
        "video_url",
        "Enter a full link, starting with https://",
        'value="zoom meeting 123"',
        id="invalid-link",
    ),
    pytest.param(
        {"count": "53"},
        "count",
        "A series can have at most 52 sessions.",
        'value="53"',
        id="more-than-52",
    ),
    pytest.param(
        {"first_date": "2026-03-08", "start_time": "02:30", "end_time": "04:00"},
        "start_time",
        "02:30 on 8 March 2026 does not exist in America/Denver",
        'value="2026-03-08"',
        id="skipped-hour",
    ),
    pytest.param(
        {"first_date": "2026-11-01", "start_time": "01:30", "end_time": "03:00"},
        "start_time",
        "01:30 on 1 November 2026 happens twice in America/Denver",
        'value="2026-11-01"',
        id="repeated-hour",
    ),
    pytest.param(
        {"time_zone": "Mars/Olympus_Mons"},
        "time_zone",
        "“Mars/Olympus_Mons” is not a time zone we know.",
        'value="https://video.example.org/zones"',
        id="unknown-time-zone",
    ),
]


@pytest.mark.parametrize("action", ["preview", "create"])
@pytest.mark.parametrize(("changes", "field", "message", "kept"), SERIES_BAD_INPUT)
def test_bad_series_input_is_a_clear_message_with_the_typed_values_kept(
    facilitator_client, zones_cohort, changes, field, message, kept, action
):
    response = submit(
        facilitator_client, series_url(zones_cohort), series_data(action=action, **changes)
    )

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    text = page_text(response)
    assert "There is a problem" in text
    assert "<title>Error:" in text
    assert message in text
    assert kept in text
    assert 'value="Equity in practice"' in text
    assert "preview" not in response.context
    assert not LearningSession.objects.exists()


def test_a_weekly_series_needs_the_number_of_weeks(facilitator_client, zones_cohort):
    response = submit(
        facilitator_client, series_url(zones_cohort), series_data(repeat="weekly", every_weeks="")
    )

    assert response.status_code == 200
    assert field_errors(response, "every_weeks") == ["Say how many weeks apart the sessions are."]


def test_a_video_session_needs_its_link(facilitator_client, zones_cohort):
    response = submit(facilitator_client, series_url(zones_cohort), series_data(video_url=""))

    assert response.status_code == 200
    assert field_errors(response, "video_url") == ["Paste the video link people join with."]


# One extra session --------------------------------------------------------------------------


def session_data(**changes):
    data = {
        "title": "Extra session on data",
        "date": "2026-11-17",
        "start_time": "10:00",
        "end_time": "11:00",
        "time_zone": DENVER,
        "where": "video",
        "video_url": "https://video.example.org/extra",
        "address": "",
        "phone": "",
        "agenda": "Data walk",
    }
    data.update(changes)
    return data


def test_one_extra_session_is_previewed_with_its_warnings_and_saved_only_when_confirmed(
    facilitator_client, zones_cohort
):
    LearningSessionFactory(cohort=zones_cohort, number=4)
    url = reverse("sessions_app:session_create", args=[zones_cohort.pk])

    preview = submit(facilitator_client, url, session_data())

    assert preview.status_code == 200
    _header, *rows = next(table for table in tables(preview) if table[0][0] == "Time zone")
    assert rows == [
        [f"{DENVER} (planned in)", "Tue 17 Nov 2026, 10:00 MST"],
        ["Alaska", "Tue 17 Nov 2026, 08:00 AKST"],
        ["Arizona", "Tue 17 Nov 2026, 10:00 MST"],
        ["Hawaii", "Tue 17 Nov 2026, 07:00 HST"],
    ]
    assert "It falls outside 8:00–20:00 local time in Hawaii." in page_text(preview)
    assert not zones_cohort.learning_sessions.filter(title="Extra session on data").exists()

    confirmed = form_with_button(preview, "action", "create")
    response = facilitator_client.post(url, {**confirmed, "action": "create"}, follow=True)

    session = zones_cohort.learning_sessions.get(title="Extra session on data")
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert session.starts_at == utc(2026, 11, 17, 17, 0)
    assert (session.number, session.duration_minutes, session.agenda) == (5, 60, "Data walk")


SESSION_BAD_INPUT = [
    pytest.param(
        {"end_time": "09:30"}, "end_time", "The session must end after it starts.", id="end-first"
    ),
    pytest.param(
        {"end_time": "10:00"}, "end_time", "The session must end after it starts.", id="zero"
    ),
    pytest.param(
        {"start_time": "06:00", "end_time": "19:30"},
        "end_time",
        "A session lasts at most 12 hours.",
        id="longer-than-12-hours",
    ),
    pytest.param(
        {"video_url": "zoom meeting 123"},
        "video_url",
        "Enter a full link, starting with https://",
        id="invalid-link",
    ),
    pytest.param(
        {"date": "2026-03-08", "start_time": "02:30", "end_time": "03:30"},
        "start_time",
        "does not exist in America/Denver",
        id="skipped-hour",
    ),
    pytest.param(
        {"date": "2026-11-01", "start_time": "01:30", "end_time": "02:30"},
        "start_time",
        "happens twice in America/Denver",
        id="repeated-hour",
    ),
    pytest.param(
        {"time_zone": "America/Atlantis"},
        "time_zone",
        "is not a time zone we know",
        id="unknown-time-zone",
    ),
    pytest.param(
        {"where": "in_person"}, "address", "Give the address of the meeting.", id="no-address"
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), SESSION_BAD_INPUT)
def test_bad_input_for_one_session_is_a_clear_message_with_the_typed_values_kept(
    facilitator_client, zones_cohort, changes, field, message
):
    url = reverse("sessions_app:session_create", args=[zones_cohort.pk])

    response = submit(facilitator_client, url, session_data(**changes))

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    text = page_text(response)
    assert "There is a problem" in text
    assert 'value="Extra session on data"' in text
    assert "Data walk" in text
    assert not LearningSession.objects.exists()


# Edit, reschedule, cancel -------------------------------------------------------------------


def test_editing_what_a_session_is_about_raises_its_sequence(facilitator_client, session):
    url = reverse("sessions_app:session_edit", args=[session.pk])
    data = {
        "title": "Kick-off and welcome",
        "duration_minutes": "120",
        "where": "video",
        "video_url": "https://video.example.org/room",
        "address": "",
        "phone": "",
        "agenda": "New agenda",
    }

    response = facilitator_client.post(url, data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.duration_minutes, session.agenda) == (
        "Kick-off and welcome",
        120,
        "New agenda",
    )
    assert session.sequence == 1
    assert session.starts_at == utc(2026, 10, 6, 16, 0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"duration_minutes": "0"}, "duration_minutes", "A session lasts at least one minute."),
        ({"duration_minutes": "-30"}, "duration_minutes", "A session lasts at least one minute."),
        ({"duration_minutes": "721"}, "duration_minutes", "at most 12 hours"),
        ({"video_url": "not a link"}, "video_url", "Enter a full link, starting with https://"),
    ],
)
def test_bad_input_when_editing_a_session_is_a_clear_message(
    facilitator_client, session, changes, field, message
):
    url = reverse("sessions_app:session_edit", args=[session.pk])
    data = {
        "title": "Typed title",
        "duration_minutes": "90",
        "where": "video",
        "video_url": "https://video.example.org/room",
        "address": "",
        "phone": "",
        "agenda": "",
        **changes,
    }

    response = facilitator_client.post(url, data)

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field))
    assert 'value="Typed title"' in page_text(response)
    session.refresh_from_db()
    assert (session.title, session.sequence) == ("Kick-off", 0)


def reschedule_data(**changes):
    data = {
        "date": "2026-10-13",
        "start_time": "10:00",
        "time_zone": DENVER,
        "reason": "The first date clashed with a hearing.",
        "action": "move",
    }
    data.update(changes)
    return data


def test_rescheduling_moves_the_session_and_records_who_and_why(
    facilitator_client, session, denver_facilitator
):
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    response = facilitator_client.post(url, reschedule_data())

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == utc(2026, 10, 13, 16, 0)
    assert session.sequence == 1
    move = Reschedule.objects.get(session=session)
    assert (move.old_starts_at, move.new_starts_at, move.by, move.reason) == (
        utc(2026, 10, 6, 16, 0),
        utc(2026, 10, 13, 16, 0),
        denver_facilitator,
        "The first date clashed with a hearing.",
    )


def test_rescheduling_across_the_november_change_keeps_the_typed_wall_clock_time(
    facilitator_client, session
):
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    facilitator_client.post(url, reschedule_data(date="2026-11-10"))

    session.refresh_from_db()
    assert session.starts_at == utc(2026, 11, 10, 17, 0)
    assert clock(session.starts_at, DENVER) == "10:00 MST"


@pytest.mark.parametrize("reason", ["", "   "])
def test_rescheduling_without_a_reason_is_refused_with_the_typed_date_kept(
    facilitator_client, session, reason
):
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    response = facilitator_client.post(url, reschedule_data(reason=reason, date="2026-10-20"))

    assert response.status_code == 200
    assert field_errors(response, "reason")
    assert 'value="2026-10-20"' in page_text(response)
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (utc(2026, 10, 6, 16, 0), 0)
    assert not Reschedule.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2026-03-08", "start_time": "02:30"}, "does not exist in America/Denver"),
        ({"date": "2026-11-01", "start_time": "01:30"}, "happens twice in America/Denver"),
    ],
)
def test_rescheduling_into_the_skipped_or_repeated_hour_is_refused(
    facilitator_client, session, changes, message
):
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    response = facilitator_client.post(url, reschedule_data(**changes))

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, "start_time"))
    assert not Reschedule.objects.exists()


def test_rescheduling_to_the_time_it_already_has_is_a_message_not_a_500(
    facilitator_client, session
):
    url = reverse("sessions_app:session_reschedule", args=[session.pk])

    response = facilitator_client.post(url, reschedule_data(date="2026-10-06"))

    assert response.status_code == 200
    assert "That is the time the session already has." in page_text(response)


def test_cancelling_needs_a_reason(facilitator_client, session):
    url = reverse("sessions_app:session_cancel", args=[session.pk])

    response = facilitator_client.post(url, {"reason": ""})

    assert response.status_code == 200
    assert field_errors(response, "reason")
    session.refresh_from_db()
    assert (session.status, session.sequence) == (LearningSession.Status.SCHEDULED, 0)


def test_cancelling_marks_the_session_cancelled_with_its_reason(facilitator_client, session):
    url = reverse("sessions_app:session_cancel", args=[session.pk])

    response = facilitator_client.post(url, {"reason": "We meet at the convening instead."})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == LearningSession.Status.CANCELLED
    assert session.cancel_reason == "We meet at the convening instead."
    assert session.sequence == 1


def test_cancelling_a_cancelled_session_again_is_a_message(facilitator_client, session):
    url = reverse("sessions_app:session_cancel", args=[session.pk])
    facilitator_client.post(url, {"reason": "First time."})

    response = facilitator_client.post(url, {"reason": "Second time."})

    assert response.status_code == 200
    assert "This session is already cancelled." in page_text(response)
    session.refresh_from_db()
    assert (session.cancel_reason, session.sequence) == ("First time.", 1)


def test_a_cancelled_session_cannot_be_rescheduled(facilitator_client, session):
    facilitator_client.post(
        reverse("sessions_app:session_cancel", args=[session.pk]), {"reason": "Off."}
    )

    response = facilitator_client.post(
        reverse("sessions_app:session_reschedule", args=[session.pk]), reschedule_data()
    )

    assert response.status_code == 200
    assert "A cancelled session can't be moved." in page_text(response)
    assert not Reschedule.objects.exists()


# Materials ----------------------------------------------------------------------------------


def pdf(name="agenda.pdf", content=b"%PDF-1.4 agenda for the session"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_file_over_the_size_limit_is_refused_on_its_field(
    facilitator_client, session, media, settings
):
    settings.MATERIAL_MAX_BYTES = 10
    url = reverse("sessions_app:material_add", args=[session.pk])

    response = submit(facilitator_client, url, {"title": "Big slides", "file": pdf(), "url": ""})

    assert response.status_code == 200
    assert field_errors(response, "file") == [
        "This file is 31\xa0bytes; the most a file can be is 10\xa0bytes."
    ]
    assert 'value="Big slides"' in page_text(response)
    assert not Material.objects.exists()
    assert not list(media.rglob("*.pdf"))


def test_a_forbidden_file_type_is_refused_on_its_field(facilitator_client, session, media):
    url = reverse("sessions_app:material_add", args=[session.pk])
    program = SimpleUploadedFile(
        "setup.exe", b"MZ\x90\x00", content_type="application/x-msdownload"
    )

    response = submit(facilitator_client, url, {"title": "Installer", "file": program, "url": ""})

    assert response.status_code == 200
    (error,) = field_errors(response, "file")
    assert error.startswith("Files of type “.exe” can't be shared here. Allowed: ")
    assert "pdf" in error
    assert not Material.objects.exists()


def test_a_material_needs_a_file_or_a_link(facilitator_client, session, media):
    url = reverse("sessions_app:material_add", args=[session.pk])

    response = submit(facilitator_client, url, {"title": "Nothing attached", "url": ""})

    assert response.status_code == 200
    assert field_errors(response, "file") == ["Attach a file or give a link (one of the two)."]


def test_an_uploaded_pdf_downloads_as_an_attachment_with_its_bytes(
    facilitator_client, session, media
):
    content = b"%PDF-1.4 the agenda, byte for byte"
    url = reverse("sessions_app:material_add", args=[session.pk])

    response = submit(facilitator_client, url, {"title": "Agenda", "file": pdf(content=content)})

    assert response.status_code == 302
    material = Material.objects.get(session=session)
    assert material.filename == "agenda.pdf"
    assert material.file.path.startswith(str(media))
    download = facilitator_client.get(
        reverse("sessions_app:material_download", args=[session.pk, material.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="agenda.pdf"'


def test_removing_a_material_deletes_its_file(facilitator_client, session, media):
    url = reverse("sessions_app:material_add", args=[session.pk])
    submit(facilitator_client, url, {"title": "Slides", "file": pdf()})
    material = Material.objects.get(session=session)
    stored = Path(material.file.path)
    assert stored.exists()

    response = facilitator_client.post(
        reverse("sessions_app:material_delete", args=[session.pk, material.pk])
    )

    assert response.status_code == 302
    assert not Material.objects.exists()
    assert not stored.exists()
