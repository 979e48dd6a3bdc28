"""After a session: a wrap-up (notes, recording link, the session's materials) that goes, through
the ledger, to every team member who was not marked present — absent, excused or not marked —
once the notice hold is over. The session was Tuesday 6 October 2026, 16:00–17:30 UTC."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import TeamRole
from notifications import services as ledger
from sessions_app import notices, services
from sessions_app.models import Attendance, LearningSession, WrapUp
from tests.conftest import make_team
from tests.notifications.conftest import deliver_due, html_part, mail_for
from tests.sessions_app.factories import LearningSessionFactory, LinkMaterialFactory
from tests.sessions_app.helpers import page_text

STARTS = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
AFTER = STARTS + timedelta(hours=2)
HOLD = timedelta(minutes=10)
NOTES = "We mapped each state's next steps.\nBring your workplan draft next time."
RECORDING = "https://video.example.org/recordings/6"
WRAP_UP = notices.WRAP_UP

pytestmark = pytest.mark.usefixtures("after_the_session")


@pytest.fixture
def after_the_session(settings):
    settings.NOTICE_HOLD_MINUTES = 10
    with time_machine.travel(AFTER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(world):
    return LearningSessionFactory(
        cohort=world.cohort1, starts_at=STARTS, number=6, title="Learning session 6"
    )


def person(team, role):
    return team.seats.get(role=role).person


def mark(session, who, value, by):
    row = Attendance.objects.filter(session=session, person=who).first()
    enrolment = who.seats.get(ended_at__isnull=True).enrolment
    if row is None:
        Attendance.objects.create(
            session=session, person=who, enrolment=enrolment, mark=value, marked_by=by
        )
    else:
        Attendance.objects.filter(pk=row.pk).update(mark=value)


@pytest.fixture
def held(world, session):
    """Team A: ED present, member absent, lead excused. Team B: ED present, the rest not
    marked."""
    mark(session, world.team_a_ed, "present", world.fac1)
    mark(session, person(world.team_a, TeamRole.MEMBER), "absent", world.fac1)
    mark(session, person(world.team_a, TeamRole.TEAM_LEAD), "excused", world.fac1)
    mark(session, world.team_b_ed, "present", world.fac1)
    return session


def missed_by(world):
    return {
        person(world.team_a, TeamRole.MEMBER).email,
        person(world.team_a, TeamRole.TEAM_LEAD).email,
        person(world.team_b, TeamRole.MEMBER).email,
        person(world.team_b, TeamRole.TEAM_LEAD).email,
    }


def write(world, session, notes=NOTES, recording_url=RECORDING):
    return services.write_wrap_up(session, notes=notes, recording_url=recording_url, by=world.fac1)


def planned(session):
    return ledger.rows_about(session, WRAP_UP)


# Who it goes to, and when ----------------------------------------------------------------------


def test_the_wrap_up_goes_to_every_team_member_not_marked_present(world, held):
    wrap_up = write(world, held)

    assert (wrap_up.notes, wrap_up.recording_url, wrap_up.written_by) == (
        NOTES,
        RECORDING,
        world.fac1,
    )
    rows = planned(held)
    assert {row.to_email for row in rows} == missed_by(world)
    # Not to those present, nor to the partner or the facilitator: they are not marked.
    assert {row.due_at for row in rows} == {AFTER + HOLD}
    assert {row.state for row in rows} == {ledger.State.SCHEDULED}


def test_it_goes_after_the_hold_with_the_notes_the_recording_and_the_materials(
    world, held, after_the_session
):
    LinkMaterialFactory(session=held, title="State workplan template")
    write(world, held, notes="First draft")
    write(world, held)  # a correction within the hold: the email says what the page says

    assert deliver_due(now=AFTER + HOLD - timedelta(minutes=1)) == {}
    after_the_session.move_to(AFTER + HOLD)
    deliver_due(now=AFTER + HOLD)

    assert {message.to[0] for message in mail.outbox} == missed_by(world)
    message = mail_for(mail.outbox, person(world.team_b, TeamRole.MEMBER).email)
    assert message.subject == "Cohort One — Learning session 6 wrap-up: what you missed"
    assert "We mapped each state's next steps.\nBring your workplan draft next time." in (
        message.body
    )
    assert f"Recording: {RECORDING}" in message.body
    assert "- State workplan template" in message.body
    assert held.get_absolute_url() in message.body
    assert "First draft" not in message.body
    assert "<p>We mapped each state&#x27;s next steps.<br>" in html_part(message)


def test_someone_marked_present_before_it_goes_is_not_sent_it(world, held, after_the_session):
    write(world, held)
    came_late = person(world.team_a, TeamRole.MEMBER)
    mark(held, came_late, "present", world.fac1)

    after_the_session.move_to(AFTER + HOLD)
    deliver_due(now=AFTER + HOLD)

    assert came_late.email not in {message.to[0] for message in mail.outbox}
    row = planned(held).get(to_email=came_late.email)
    assert row.state == ledger.State.CANCELLED


def test_a_second_save_tells_only_those_newly_marked_as_missing_it(world, held):
    write(world, held)
    write(world, held, notes="Notes, corrected")
    assert planned(held).count() == 4

    mark(held, world.team_b_ed, "absent", world.fac1)
    write(world, held)

    assert {row.to_email for row in planned(held)} == missed_by(world) | {world.team_b_ed.email}
    assert WrapUp.objects.get(session=held).notes == NOTES


def plan_queries(world, session):
    facilitator = type(world.fac1).objects.get(pk=world.fac1.pk)  # nothing cached on it
    with CaptureQueriesContext(connection) as queries:
        services.write_wrap_up(session, notes=NOTES, by=facilitator)
    return len(queries)


def test_planning_it_costs_the_same_for_2_and_12_teams(world):
    first = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS)
    second = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS - timedelta(days=7))
    for session in (first, second):
        mark(session, world.team_a_ed, "present", world.fac1)
    ContentType.objects.get_for_model(LearningSession)  # the process-wide cache, warmed
    few = plan_queries(world, first)

    for _ in range(10):
        make_team(world.cohort1)
    many = plan_queries(world, second)

    assert planned(first).count() == 5
    assert planned(second).count() == 35  # everyone on the 12 teams but team A's ED
    assert many == few


# What can't be wrapped up ----------------------------------------------------------------------


def test_a_session_not_yet_over_has_no_wrap_up(world):
    under_way = LearningSessionFactory(cohort=world.cohort1, starts_at=AFTER - timedelta(hours=1))
    mark(under_way, world.team_a_ed, "present", world.fac1)

    with pytest.raises(ValidationError, match="once the session has ended"):
        write(world, under_way)
    assert not WrapUp.objects.exists()


def test_a_cancelled_session_has_no_wrap_up(world, held):
    LearningSession.objects.filter(pk=held.pk).update(status="cancelled")
    held.refresh_from_db()

    with pytest.raises(ValidationError, match="was cancelled"):
        write(world, held)
    assert not planned(held).exists()


def test_attendance_is_taken_before_the_wrap_up(world, session):
    with pytest.raises(ValidationError, match="Take attendance first"):
        write(world, session)
    assert not planned(session).exists()


def test_only_those_who_run_the_session_write_it(world, held):
    for someone in (world.team_a_ed, world.partner, world.fac2):
        with pytest.raises(PermissionDenied):
            services.write_wrap_up(held, notes=NOTES, by=someone)
    assert not WrapUp.objects.exists()


# The pages -------------------------------------------------------------------------------------


def test_the_form_says_who_gets_it_and_sends_it(client, world, held):
    client.force_login(world.fac1)
    url = reverse("sessions_app:session_wrap_up", args=[held.pk])

    form_page = page_text(client.get(url))
    response = client.post(url, {"notes": NOTES, "recording_url": RECORDING}, follow=True)

    assert (
        "When you save, it goes by email to the 4 team members who were not marked present."
        in form_page
    )
    assert response.redirect_chain[-1][0] == f"{held.get_absolute_url()}#wrap-up"
    text = page_text(response)
    assert "The wrap-up is saved. The people who missed the session get it by email." in text
    assert planned(held).count() == 4


def test_the_form_asks_for_notes(client, world, held):
    client.force_login(world.fac1)
    url = reverse("sessions_app:session_wrap_up", args=[held.pk])

    response = client.post(url, {"notes": "  ", "recording_url": "not a link"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "notes": ["Write a few lines on what the session covered."],
        "recording_url": ["Enter a full link, starting with https://"],
    }
    assert not WrapUp.objects.exists()


def test_the_cohort_reads_the_wrap_up_on_the_session_page(client, world, held):
    write(world, held)

    for reader in (world.team_b_ed, world.partner):
        client.force_login(reader)
        text = page_text(client.get(held.get_absolute_url()))
        assert (
            "<p>We mapped each state's next steps.<br>Bring your workplan draft next time.</p>"
            in (text)
        )
        assert f'<a href="{RECORDING}" rel="noopener noreferrer">Watch the recording' in text
        assert "Edit the wrap-up" not in text


def test_the_facilitator_is_offered_the_wrap_up_once_the_session_is_over(client, world, held):
    client.force_login(world.fac1)

    text = page_text(client.get(held.get_absolute_url()))

    assert "Write the wrap-up" in text
    with time_machine.travel(STARTS, tick=False):
        assert "Write the wrap-up" not in page_text(client.get(held.get_absolute_url()))
