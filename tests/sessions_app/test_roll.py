"""The facilitator's roll of a session: the answers at a glance (in all and per team, partners
apart), when attendance opens, "can't attend" carried over to Excused, everyone not yet marked
marked present at once, and teams that fold. The session is Tuesday 6 October 2026, 16:00 UTC
(10:00 in Denver)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import TeamRole
from portal.templatetags.portal_time import when
from sessions_app import selectors, services
from sessions_app.models import Attendance, LearningSession
from tests.conftest import make_team
from tests.factories import SeatFactory
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import page_text

STARTS = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
BEFORE = STARTS - timedelta(days=2)
DURING = STARTS + timedelta(minutes=10)


@pytest.fixture
def session(world):
    return LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS)


def member(team, role=TeamRole.MEMBER):
    return team.seats.get(role=role).person


def answer(session, person, rsvp, note=""):
    with time_machine.travel(BEFORE, tick=False):
        services.set_rsvp(session, person=person, rsvp=rsvp, note=note)


def text_of(html):
    """The words of a piece of HTML, tags dropped."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html, element_id):
    """What the element with this id holds, up to the first closing tag of its kind."""
    opening = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>', html)
    return html[opening.end() : html.index(f"</{opening.group(1)}>", opening.end())]


def mark_buttons(html):
    return re.findall(r'<button name="mark"[^>]*>', html)


# The answers at a glance ----------------------------------------------------------------------


@pytest.fixture
def answered(world, session):
    """Team A: the ED attending, a member can't attend. Team B: the lead attending. The
    partner attending. Three team members have not answered."""
    answer(session, world.team_a_ed, "attending")
    answer(session, member(world.team_a), "not_attending", "At the legislature")
    answer(session, member(world.team_b, TeamRole.TEAM_LEAD), "attending")
    answer(session, world.partner, "attending", "Joining for the data part")
    return session


def test_the_answers_are_counted_in_all_and_per_team_with_partners_apart(world, answered):
    roll = selectors.session_roll(answered)

    counts = (roll.tally.attending, roll.tally.not_attending, roll.tally.no_answer)
    assert counts == (2, 1, 3)
    per_team = {
        team.enrolment: (team.tally.attending, team.tally.not_attending, team.tally.no_answer)
        for team in roll.teams
    }
    assert per_team == {world.team_a: (1, 1, 1), world.team_b: (1, 0, 2)}
    partners = [(p.person, p.answer, p.note) for p in roll.partners]
    assert partners == [(world.partner, "attending", "Joining for the data part")]
    assert (roll.partner_tally.attending, roll.partner_tally.no_answer) == (1, 0)


@time_machine.travel(BEFORE, tick=False)
def test_the_facilitator_reads_the_answers_on_the_page(client, world, answered):
    client.force_login(world.fac1)

    html = page_text(client.get(answered.get_absolute_url()))

    roll = section(html, "attendance")
    assert "Answers from 6 team members 2 Attending 1 Can't attend 3 No answer" in text_of(roll)
    team_a = text_of(section(html, f"team-{world.team_a.pk}"))
    assert team_a.startswith(
        f"{world.team_a.organisation.name} Attending 1 Can't attend 1 No answer 1"
    )
    assert "Can't attend — At the legislature" in team_a
    partners = text_of(roll[roll.index("Planning partners") :])
    assert partners.startswith("Planning partners Attending 1 Can't attend 0 No answer 0")
    assert f"{world.partner.full_name} Data Partners Attending — Joining for the data part" in (
        partners
    )


# When attendance opens ------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["America/Denver", "Pacific/Honolulu"])
@time_machine.travel(BEFORE, tick=False)
def test_before_the_window_the_page_says_when_attendance_opens_in_the_viewers_zone(
    client, world, session, zone
):
    world.fac1.time_zone = zone
    world.fac1.save(update_fields=["time_zone"])
    client.force_login(world.fac1)

    response = client.get(session.get_absolute_url())

    opens = when(STARTS - timedelta(minutes=30), zone)
    assert opens.endswith(" MDT" if zone == "America/Denver" else " HST")
    html = page_text(response)
    assert f"Attendance opens at <strong>{opens}</strong>, half an hour before the start." in html
    assert mark_buttons(html) == []
    assert 'id="mark-rest"' not in html


@time_machine.travel(STARTS - timedelta(minutes=30), tick=False)
def test_from_half_an_hour_before_the_start_attendance_can_be_taken(client, world, session):
    client.force_login(world.fac1)

    html = page_text(client.get(session.get_absolute_url()))

    assert "Attendance opens at" not in html
    assert len(mark_buttons(html)) == 6 * 3  # six team members, three marks each
    assert 'id="mark-rest"' in html


@time_machine.travel(DURING, tick=False)
def test_a_cancelled_session_has_no_roll_and_takes_no_marks(client, world, session):
    LearningSession.objects.filter(pk=session.pk).update(status="cancelled")
    session.refresh_from_db()
    client.force_login(world.fac1)

    response = client.get(session.get_absolute_url())

    assert "roll" not in response.context
    assert 'id="attendance"' not in page_text(response)
    with pytest.raises(ValidationError, match="This session is cancelled"):
        services.mark_rest_present(session, by=world.fac1)
    assert not Attendance.objects.exclude(mark="").exists()


@time_machine.travel(STARTS - timedelta(minutes=31), tick=False)
def test_marking_everyone_before_the_window_is_refused(world, session):
    with pytest.raises(ValidationError, match="Attendance opens 30 minutes before"):
        services.mark_rest_present(session, by=world.fac1)
    assert not Attendance.objects.exists()


# "Can't attend" carried over to Excused --------------------------------------------------------


def test_the_first_mark_carries_cant_attend_over_to_excused(world, session):
    absent_member = member(world.team_a)
    answer(session, absent_member, "not_attending")

    with time_machine.travel(DURING, tick=False):
        row = services.mark_attendance(
            session, person=world.team_a_ed, mark="present", by=world.fac1
        )

    carried = Attendance.objects.get(session=session, person=absent_member)
    assert (carried.mark, carried.marked_by, carried.marked_at) == ("excused", world.fac1, DURING)
    assert row.carried_over == [absent_member.pk]


def test_an_excused_answer_can_still_be_changed(world, session):
    late_after_all = member(world.team_a)
    answer(session, late_after_all, "not_attending")

    with time_machine.travel(DURING, tick=False):
        services.mark_attendance(session, person=world.team_a_ed, mark="present", by=world.fac1)
        services.mark_attendance(session, person=late_after_all, mark="present", by=world.fac1)
        # Later marks leave the changed one alone.
        services.mark_attendance(session, person=world.team_b_ed, mark="absent", by=world.fac1)

    assert Attendance.objects.get(session=session, person=late_after_all).mark == "present"


@time_machine.travel(DURING, tick=False)
def test_a_mark_that_carries_answers_over_returns_the_whole_roll(client, world, session):
    answer(session, member(world.team_b), "not_attending")
    client.force_login(world.fac1)
    url = reverse("sessions_app:attendance_mark", args=[session.pk, world.team_a_ed.pk])

    response = client.post(url, {"mark": "present"}, headers={"HX-Request": "true"})

    assert response["HX-Retarget"] == "#attendance"
    team_b = section(page_text(response), f"team-{world.team_b.pk}")
    assert "Excused 1" in text_of(team_b)


# Everyone not yet marked, present ----------------------------------------------------------------


@pytest.fixture
def half_marked(world, session):
    """Team A's ED marked absent, a team A member can't attend, a team B lead attending (a
    row without a mark), the partner attending; nobody else has a row."""
    answer(session, member(world.team_a), "not_attending")
    answer(session, member(world.team_b, TeamRole.TEAM_LEAD), "attending")
    answer(session, world.partner, "attending")
    with time_machine.travel(DURING, tick=False):
        # The first mark carries the "can't attend" over already.
        services.mark_attendance(session, person=world.team_a_ed, mark="absent", by=world.fac1)
    return session


@time_machine.travel(DURING, tick=False)
def test_everyone_not_yet_marked_is_marked_present_and_the_rest_kept(world, half_marked):
    count = services.mark_rest_present(half_marked, by=world.fac1)

    marks = dict(Attendance.objects.filter(session=half_marked).values_list("person", "mark"))
    team_members = [s.person for t in (world.team_a, world.team_b) for s in t.seats.all()]
    assert count == 4  # team A's lead, team B's three
    assert marks.pop(world.team_a_ed.pk) == "absent"
    assert marks.pop(member(world.team_a).pk) == "excused"
    assert marks.pop(world.partner.pk) == ""  # partners are not marked
    assert marks == {person.pk: "present" for person in team_members if person.pk in marks}
    assert len(marks) == 4


@time_machine.travel(DURING, tick=False)
def test_marking_everyone_present_marks_no_one_who_left_the_team(world, session):
    leaver = member(world.team_a)
    world.team_a.seats.filter(person=leaver).update(
        started_at=DURING - timedelta(days=60), ended_at=DURING - timedelta(days=1)
    )

    services.mark_rest_present(session, by=world.fac1)

    assert not Attendance.objects.filter(person=leaver).exists()
    assert Attendance.objects.filter(session=session, mark="present").count() == 5


def rest_queries(world, session):
    facilitator = type(world.fac1).objects.get(pk=world.fac1.pk)  # nothing cached on it
    with CaptureQueriesContext(connection) as queries:
        services.mark_rest_present(session, by=facilitator)
    return len(queries)


def test_marking_everyone_present_costs_the_same_for_2_and_12_teams(world):
    small = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS)
    other = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS + timedelta(hours=3))
    with time_machine.travel(DURING, tick=False):
        few = rest_queries(world, small)
        for _ in range(10):
            make_team(world.cohort1)
    with time_machine.travel(DURING + timedelta(hours=3), tick=False):
        many = rest_queries(world, other)

    assert Attendance.objects.filter(session=other, mark="present").count() == 36
    # The savepoint and its release, the permission checks (2), the session locked, the
    # carry-over, the update of answered rows, the seats without a row, one insert: the same
    # whatever the number of people.
    assert many == few == 9


@time_machine.travel(DURING, tick=False)
def test_mark_the_rest_with_htmx_returns_the_roll_and_says_how_many(client, world, half_marked):
    client.force_login(world.fac1)
    url = reverse("sessions_app:attendance_mark_rest", args=[half_marked.pk])

    response = client.post(url, headers={"HX-Request": "true"})

    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#attendance", "outerHTML")
    html = page_text(response)
    assert html.lstrip().startswith('<section id="attendance"')
    assert "<p>4 people marked present.</p>" in html
    tally = text_of(section(html, "attendance-tally"))
    assert tally == "Present 4 Absent 1 Excused 1 Not marked 0"  # and no button left
    assert "data-focus-result" in html  # where focus goes now the button is gone


@time_machine.travel(DURING, tick=False)
def test_mark_the_rest_without_javascript_redirects_with_a_message(client, world, half_marked):
    client.force_login(world.fac1)
    url = reverse("sessions_app:attendance_mark_rest", args=[half_marked.pk])

    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == f"{half_marked.get_absolute_url()}#attendance"
    assert "4 people marked present." in page_text(response)


# Rendering: one form, no per-row machinery, teams that fold -----------------------------------


@time_machine.travel(DURING, tick=False)
def test_the_roll_is_one_form_whose_buttons_post_to_each_persons_address(client, world, session):
    client.force_login(world.fac1)

    html = page_text(client.get(session.get_absolute_url()))

    roll = section(html, "attendance")
    assert roll.count("<form") == 1
    assert roll.count('name="csrfmiddlewaretoken"') == 1
    for seat in (s for team in (world.team_a, world.team_b) for s in team.seats.all()):
        url = reverse("sessions_app:attendance_mark", args=[session.pk, seat.person.pk])
        assert roll.count(f'formaction="{url}"') == 3


@time_machine.travel(DURING, tick=False)
def test_a_small_roll_shows_open_teams_until_everyone_in_them_is_marked(client, world, session):
    for seat in world.team_a.seats.all():
        services.mark_attendance(session, person=seat.person, mark="present", by=world.fac1)
    client.force_login(world.fac1)

    html = page_text(client.get(session.get_absolute_url()))

    assert f'<details class="roll-team" id="team-{world.team_a.pk}">' in html
    assert f'<details class="roll-team" id="team-{world.team_b.pk}" open>' in html


@time_machine.travel(DURING, tick=False)
def test_beyond_24_people_every_team_shows_folded_but_the_one_just_marked(client, world, session):
    teams = [world.team_a, world.team_b] + [make_team(world.cohort1) for _ in range(7)]
    SeatFactory(enrolment=teams[-1], role=TeamRole.MEMBER)  # 28 people
    client.force_login(world.fac1)

    html = page_text(client.get(session.get_absolute_url()))

    assert html.count('<details class="roll-team"') == 9
    assert " open>" not in html
    url = reverse("sessions_app:attendance_mark", args=[session.pk, world.team_b_ed.pk])
    response = client.post(url, {"mark": "present"}, headers={"HX-Request": "true"})
    assert f'<details class="roll-team" id="team-{world.team_b.pk}" open>' in page_text(response)
