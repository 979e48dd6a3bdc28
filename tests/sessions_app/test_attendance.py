"""Answers before a session and the facilitator's marks during and after it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from cohorts.choices import TeamRole
from sessions_app.models import Attendance
from tests.conftest import utc
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory
from tests.sessions_app.helpers import page_text

NOW = datetime(2026, 10, 6, 16, 10, tzinfo=UTC)  # ten minutes into the session below


@pytest.fixture(autouse=True)
def _during_the_session():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(world):
    """Under way: started at 16:00 UTC, ten minutes ago."""
    return LearningSessionFactory(cohort=world.cohort1, starts_at=utc(2026, 10, 6, 16, 0))


@pytest.fixture
def upcoming(world):
    return LearningSessionFactory(cohort=world.cohort1, starts_at=utc(2026, 11, 3, 17, 0))


def mark_url(session, person):
    return reverse("sessions_app:attendance_mark", args=[session.pk, person.pk])


def pressed(html):
    """The value of each attendance button that shows as pressed."""
    buttons = re.findall(r'<button[^>]*value="(\w+)"[^>]*aria-pressed="(true|false)"', html)
    return [value for value, state in buttons if state == "true"]


# Who can mark -------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["fac1", "staff"])
def test_the_cohorts_facilitator_and_staff_can_mark_attendance(client, world, session, marker):
    by = world.person(marker)
    client.force_login(by)

    response = client.post(mark_url(session, world.team_a_ed), {"mark": "present"})

    assert response.status_code == 302
    assert response["Location"] == f"{session.get_absolute_url()}#attendance"
    row = Attendance.objects.get(session=session, person=world.team_a_ed)
    assert (row.mark, row.marked_by, row.enrolment) == ("present", by, world.team_a)
    assert row.marked_at == NOW


@pytest.mark.parametrize(
    ("marker", "status"),
    [
        ("team_a", 403),  # sees the session, may not mark it
        ("team_b", 403),
        ("partner", 403),
        ("fac2", 404),  # another cohort's facilitator doesn't even see it
        ("team_c", 404),
        ("stray_partner", 404),
    ],
)
def test_nobody_else_can_mark_attendance(client, world, session, marker, status):
    client.force_login(world.person(marker))

    response = client.post(mark_url(session, world.team_b_ed), {"mark": "absent"})

    assert response.status_code == status
    assert not Attendance.objects.exists()


def test_a_facilitator_can_change_a_mark(client, world, session):
    client.force_login(world.fac1)
    client.post(mark_url(session, world.team_a_ed), {"mark": "absent"})

    client.post(mark_url(session, world.team_a_ed), {"mark": "excused"})

    assert Attendance.objects.get(session=session, person=world.team_a_ed).mark == "excused"


# htmx and plain posts -----------------------------------------------------------------------


def test_an_htmx_mark_returns_the_persons_team_with_the_button_pressed(client, world, session):
    client.force_login(world.fac1)

    response = client.post(
        mark_url(session, world.team_a_ed), {"mark": "present"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (
        f"#team-{world.team_a.pk}",
        "outerHTML",
    )
    html = page_text(response)
    assert html.lstrip().startswith(f'<details class="roll-team" id="team-{world.team_a.pk}" open>')
    team = html.split("</details>")[0]
    row = re.search(rf'<tr id="attendance-{world.team_a_ed.pk}">.*?</tr>', team, re.S).group()
    assert pressed(row) == ["present"]
    assert pressed(team) == ["present"]  # the rest of the team is not marked yet
    # Out of band: the counts of the whole roll, and the live region saying what changed.
    tally = re.search(r'<div id="attendance-tally"[^>]*hx-swap-oob="true">.*?</div>', html, re.S)
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tally.group())).split() == (
        "Present 1 Absent 0 Excused 0 Not marked 5 Mark everyone not yet marked present "
        "Anyone who answered “can't attend” is marked Excused instead. "
        "Each mark can still be changed.".split()
    )
    live = re.search(r'<div id="live-region" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert live.group(1) == f"<p>{world.team_a_ed.full_name}: Present.</p>"
    assert Attendance.objects.get(session=session, person=world.team_a_ed).mark == "present"


def test_the_session_page_shows_the_saved_mark_pressed(client, world, session):
    client.force_login(world.fac1)
    client.post(mark_url(session, world.team_a_ed), {"mark": "excused"})

    response = client.get(session.get_absolute_url())

    html = response.content.decode()
    row = re.search(rf'<tr id="attendance-{world.team_a_ed.pk}">.*?</tr>', html, re.S).group()
    assert pressed(row) == ["excused"]
    assert pressed(html) == ["excused"]  # nobody else is marked


def test_a_plain_post_redirects_with_a_message(client, world, session):
    client.force_login(world.fac1)

    response = client.post(mark_url(session, world.team_a_ed), {"mark": "present"}, follow=True)

    assert response.redirect_chain[-1][1] == 302
    assert f"Attendance saved for {world.team_a_ed.full_name}." in page_text(response)


def test_marking_more_than_thirty_minutes_before_the_start_is_refused(client, world, upcoming):
    client.force_login(world.fac1)

    response = client.post(mark_url(upcoming, world.team_a_ed), {"mark": "present"}, follow=True)

    assert "Attendance opens 30 minutes before the session starts." in page_text(response)
    assert not Attendance.objects.exists()


def test_marking_before_it_opens_with_htmx_says_why_and_shows_no_buttons(client, world, upcoming):
    client.force_login(world.fac1)

    response = client.post(
        mark_url(upcoming, world.team_a_ed), {"mark": "present"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = page_text(response)
    live = re.search(r'<div id="live-region" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert live.group(1) == "<p>Attendance opens 30 minutes before the session starts.</p>"
    assert pressed(html) == []
    assert 'name="mark"' not in html
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("minutes_before", "opens"),
    [(30, True), (31, False)],
)
def test_attendance_opens_exactly_thirty_minutes_before_the_start(
    client, world, minutes_before, opens
):
    soon = LearningSessionFactory(
        cohort=world.cohort1, starts_at=NOW + timedelta(minutes=minutes_before)
    )
    client.force_login(world.fac1)

    client.post(mark_url(soon, world.team_a_ed), {"mark": "present"})

    assert Attendance.objects.filter(session=soon).exists() is opens


def test_a_cancelled_session_takes_no_attendance(client, world):
    cancelled = LearningSessionFactory(
        cohort=world.cohort1, starts_at=utc(2026, 10, 6, 16, 0), status="cancelled"
    )
    client.force_login(world.fac1)

    response = client.post(mark_url(cancelled, world.team_a_ed), {"mark": "present"}, follow=True)

    assert "This session is cancelled" in page_text(response)
    assert not Attendance.objects.exists()


def test_an_unknown_mark_is_refused(client, world, session):
    client.force_login(world.fac1)

    response = client.post(mark_url(session, world.team_a_ed), {"mark": "asleep"}, follow=True)

    assert "Choose present, absent or excused." in page_text(response)
    assert not Attendance.objects.exists()


def test_someone_from_another_cohort_cannot_be_marked(client, world, session):
    client.force_login(world.fac1)

    response = client.post(mark_url(session, world.team_c_ed), {"mark": "present"})

    assert response.status_code == 404  # not one of this cohort's people: nothing leaks
    assert not Attendance.objects.exists()


def test_someone_from_another_cohort_has_no_row_to_return_with_htmx(client, world, session):
    client.force_login(world.fac1)

    response = client.post(
        mark_url(session, world.team_c_ed), {"mark": "present"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 404
    assert not Attendance.objects.exists()


# Answers (RSVP) -----------------------------------------------------------------------------


def rsvp(client, session, **data):
    return client.post(reverse("sessions_app:session_rsvp", args=[session.pk]), data)


def test_a_team_member_answers_for_themself(client, world, upcoming):
    client.force_login(world.team_a_ed)

    response = rsvp(client, upcoming, rsvp="not_attending", note="At the legislature")

    assert response.status_code == 302
    row = Attendance.objects.get(session=upcoming)
    assert (row.person, row.enrolment, row.rsvp, row.rsvp_note, row.mark) == (
        world.team_a_ed,
        world.team_a,
        "not_attending",
        "At the legislature",
        "",
    )


def test_a_team_member_cannot_answer_for_someone_else(client, world, upcoming):
    colleague = world.team_a.seats.get(role=TeamRole.MEMBER).person
    client.force_login(world.team_a_ed)

    rsvp(client, upcoming, rsvp="attending", person=colleague.pk, person_pk=colleague.pk)

    assert list(Attendance.objects.values_list("person", flat=True)) == [world.team_a_ed.pk]


def test_an_answer_can_be_changed(client, world, upcoming):
    client.force_login(world.team_a_ed)
    rsvp(client, upcoming, rsvp="attending")

    rsvp(client, upcoming, rsvp="not_attending", note="Sick")

    assert Attendance.objects.get().rsvp == "not_attending"


@pytest.mark.parametrize("role", ["team_c", "fac2", "stray_partner"])
def test_nobody_can_answer_for_a_session_of_another_cohort(client, world, upcoming, role):
    client.force_login(world.person(role))

    response = rsvp(client, upcoming, rsvp="attending")

    assert response.status_code == 404
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("role", ["fac1", "staff"])
def test_people_who_are_not_invited_do_not_answer(client, world, upcoming, role):
    """Facilitators run the session and staff may do everything, but neither is asked."""
    client.force_login(world.person(role))

    response = rsvp(client, upcoming, rsvp="attending")

    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_planning_partner_of_the_cohort_answers_like_a_team_member(client, world, upcoming):
    client.force_login(world.partner)

    response = rsvp(client, upcoming, rsvp="not_attending", note="At our board meeting")

    assert response.status_code == 302
    row = Attendance.objects.get(session=upcoming)
    assert (row.person, row.enrolment, row.rsvp, row.rsvp_note, row.mark) == (
        world.partner,
        None,  # a partner is on no team
        "not_attending",
        "At our board meeting",
        "",
    )


def test_a_partner_sees_the_answer_form_and_a_facilitator_does_not(client, world, upcoming):
    client.force_login(world.partner)
    assert "rsvp_form" in client.get(upcoming.get_absolute_url()).context

    for person in (world.fac1, world.staff):
        client.force_login(person)
        assert "rsvp_form" not in client.get(upcoming.get_absolute_url()).context


def test_a_partners_answer_can_never_carry_a_mark(world, upcoming):
    """Attendance is taken of the teams: a row without a team has no mark, by constraint."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            session=upcoming, person=world.partner, enrolment=None, mark="present"
        )


def test_answers_close_when_the_session_starts(client, world, session):
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("sessions_app:session_rsvp", args=[session.pk]), {"rsvp": "attending"}, follow=True
    )

    assert "The session has started: answers are closed." in page_text(response)
    assert not Attendance.objects.exists()


def test_an_answer_must_be_chosen(client, world, upcoming):
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("sessions_app:session_rsvp", args=[upcoming.pk]), {"rsvp": ""}, follow=True
    )

    assert "Choose whether you will attend." in page_text(response)
    assert not Attendance.objects.exists()


def test_the_facilitator_sees_the_answer_on_the_attendance_row(client, world, upcoming):
    client.force_login(world.team_a_ed)
    rsvp(client, upcoming, rsvp="not_attending", note="At the legislature")
    client.force_login(world.fac1)

    response = client.get(upcoming.get_absolute_url())

    row = re.search(
        rf'<tr id="attendance-{world.team_a_ed.pk}">.*?</tr>', page_text(response), re.S
    ).group()
    assert "Can't attend" in row
    assert "At the legislature" in row


# The consecutive-absence flag ---------------------------------------------------------------


@pytest.fixture
def held(world):
    """Three held sessions of cohort one, oldest first."""
    return [
        LearningSessionFactory(cohort=world.cohort1, starts_at=start)
        for start in (utc(2026, 8, 4, 16, 0), utc(2026, 9, 1, 16, 0), utc(2026, 10, 6, 16, 0))
    ]


def mark_team(team, sessions_and_marks):
    for session, mark in sessions_and_marks:
        for seat in team.seats.current():
            AttendanceFactory(session=session, person=seat.person, enrolment=team, mark=mark)


def summary_rows(response):
    return {row.enrolment.pk: row for row in response.context["attendance"]}


def test_a_team_missing_the_last_two_held_sessions_is_flagged_on_the_cohort_page(
    client, world, held
):
    first, second, third = held
    mark_team(world.team_a, [(first, "present"), (second, "present"), (third, "absent")])
    mark_team(world.team_b, [(first, "present"), (second, "absent"), (third, "absent")])
    client.force_login(world.fac1)

    response = client.get(world.cohort1.get_absolute_url())

    rows = summary_rows(response)
    assert (rows[world.team_b.pk].flagged, rows[world.team_b.pk].missed_in_a_row) == (True, 2)
    assert (rows[world.team_a.pk].flagged, rows[world.team_a.pk].missed_in_a_row) == (False, 1)
    text = page_text(response)
    team_b, team_a = world.team_b.organisation.name, world.team_a.organisation.name
    assert f"{team_b} has missed the last 2 sessions in a row." in text
    assert f"{team_a} has missed" not in text


def test_two_misses_that_are_not_the_latest_do_not_flag(client, world, held):
    first, second, third = held
    mark_team(world.team_a, [(first, "absent"), (second, "absent"), (third, "present")])
    mark_team(world.team_b, [(first, "present"), (second, "present"), (third, "present")])
    client.force_login(world.fac1)

    response = client.get(world.cohort1.get_absolute_url())

    assert not any(row.flagged for row in response.context["attendance"])
    assert "has missed" not in page_text(response)


def test_a_team_represented_by_one_person_is_not_missing(client, world, held):
    first, second, third = held
    mark_team(world.team_a, [(s, "absent") for s in held])
    member = world.team_a.seats.get(role=TeamRole.MEMBER).person
    Attendance.objects.filter(session__in=[second, third], person=member).update(mark="present")
    client.force_login(world.fac1)

    response = client.get(world.cohort1.get_absolute_url())

    row = summary_rows(response)[world.team_a.pk]
    # Per session: (represented, executive director present).
    assert row.cells == [(False, False), (True, False), (True, False)]
    assert not row.flagged


def test_the_executive_directors_presence_is_shown_per_session(client, world, held):
    mark_team(world.team_a, [(s, "present") for s in held])
    client.force_login(world.fac1)

    response = client.get(world.cohort1.get_absolute_url())

    assert summary_rows(response)[world.team_a.pk].cells == [(True, True)] * 3


def test_team_members_do_not_see_the_attendance_summary(client, world, held):
    mark_team(world.team_b, [(s, "absent") for s in held])
    client.force_login(world.team_a_ed)

    response = client.get(world.cohort1.get_absolute_url())

    assert response.status_code == 200
    assert "attendance" not in response.context
    assert "has missed" not in page_text(response)
