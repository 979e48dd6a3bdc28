"""The check-in pages: who reaches them, the team's form (drafts, submit once, a second save
from an out-of-date page told and nothing lost), the facilitator's review, reopening and
extension, and bad input (HTML, confidence out of range, forged goals, a team that left)."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from notifications.models import Notification
from tests.conftest import SEPTEMBER_1
from tests.workplans.checkin_data import answers, checkin_of
from workplans import checkin_ladder
from workplans.choices import CheckInStatus
from workplans.models import CheckIn, CheckInGoal
from workplans.services import checkins as services

pytestmark = pytest.mark.usefixtures("september")

TODAY = SEPTEMBER_1.date()


@pytest.fixture
def checkin(world):
    return checkin_of(world.team_a, due_on=TODAY + timedelta(days=20))


def page(checkin):
    return reverse("workplans:checkin", args=[checkin.pk])


def signed_in(client, person):
    client.force_login(person)
    return client


# Who reaches what ----------------------------------------------------------------------------

READS = [
    ("team_a", 200),
    ("fac1", 200),
    ("staff", 200),
    ("team_b", 404),
    ("team_c", 404),
    ("fac2", 404),
    ("partner", 404),
    ("stray_partner", 404),
]


@pytest.mark.parametrize(("role", "status"), READS)
def test_who_may_open_a_teams_check_in(client, world, checkin, role, status):
    assert signed_in(client, world.person(role)).get(page(checkin)).status_code == status


@pytest.mark.parametrize(("role", "status"), READS)
def test_who_may_list_a_teams_check_ins(client, world, checkin, role, status):
    url = reverse("workplans:checkin_list", args=[world.team_a.pk])
    assert signed_in(client, world.person(role)).get(url).status_code == status


@pytest.mark.parametrize("role", ["team_b", "team_c", "fac2", "partner"])
def test_nobody_else_can_write_to_a_teams_check_in(client, world, checkin, role):
    client = signed_in(client, world.person(role))
    for name, data in [
        ("workplans:checkin", answers(checkin, action="submit")),
        ("workplans:checkin_review", {"review_comment": "x"}),
        ("workplans:checkin_reopen", {}),
        ("workplans:checkin_extend", {"due_on": "2026-12-01", "reason": "x"}),
    ]:
        assert client.post(reverse(name, args=[checkin.pk]), data).status_code == 404
    checkin.refresh_from_db()
    assert (checkin.status, checkin.version, checkin.due_on) == (
        CheckInStatus.OPEN,
        1,
        TODAY + timedelta(days=20),
    )


def test_facilitators_read_the_check_in_but_do_not_fill_it_in(client, world, checkin):
    response = signed_in(client, world.fac1).get(page(checkin))
    assert response.context["form"] is None
    assert signed_in(client, world.fac1).post(page(checkin), answers(checkin)).status_code == 403


# Drafts, submitting once, reopening ---------------------------------------------------------


def test_a_draft_keeps_the_answers_and_each_goals_row(client, world, checkin):
    client = signed_in(client, world.team_a_ed)
    response = client.post(page(checkin), answers(checkin, confidence=None, what_changed=""))

    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.OPEN
    assert checkin.version == 2
    assert checkin.updated_by == world.team_a_ed
    assert checkin.whats_next == "Share it with the advisory board."
    assert checkin.confidence is None
    assert list(checkin.goals.values_list("goal_key", "title", "status", "note")) == [
        (1, "Goal 1", "in_progress", "Note on goal 1"),
        (2, "Goal 2", "in_progress", "Note on goal 2"),
    ]
    again = client.get(page(checkin)).content.decode()
    assert "Note on goal 2" in again and "Share it with the advisory board." in again


def test_submitting_needs_every_goal_and_answer_and_keeps_what_was_typed(client, world, checkin):
    client = signed_in(client, world.team_a_ed)
    data = answers(checkin, action="submit", status_2="", whats_next="", confidence=None)

    response = client.post(page(checkin), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["status_2"] == ["Choose where this goal stands now."]
    assert form.errors["whats_next"] == ["Say what the team will do next."]
    assert form.errors["confidence"] == ["Choose how confident the team is."]
    content = response.content.decode()
    assert "There is a problem" in content and "<title>Error:" in content
    assert "We ran the first disaggregated report." in content
    checkin.refresh_from_db()
    assert (checkin.status, checkin.version) == (CheckInStatus.OPEN, 1)


def test_a_team_submits_once_and_a_second_submission_is_refused_with_a_clear_message(
    client, world, checkin
):
    client = signed_in(client, world.team_a_ed)
    assert client.post(page(checkin), answers(checkin, action="submit")).status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.SUBMITTED
    assert checkin.submitted_by == world.team_a_ed

    second = client.post(
        page(checkin), answers(checkin, action="submit", whats_next="Changed"), follow=True
    )

    assert "This check-in was already submitted" in second.content.decode()
    assert "A facilitator can reopen it" in second.content.decode()
    checkin.refresh_from_db()
    assert checkin.whats_next == "Share it with the advisory board."
    assert second.context["form"] is None


def test_a_save_from_an_out_of_date_page_is_told_and_loses_nothing(client, world, checkin):
    other = world.team_a.seats.exclude(person=world.team_a_ed).first().person
    signed_in(client, other).post(page(checkin), answers(checkin, whats_next="Theirs"))

    response = signed_in(client, world.team_a_ed).post(
        page(checkin), answers(checkin, whats_next="Mine")
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "changed this check-in since you opened it" in content
    assert "Theirs" in content and "Mine" in content
    checkin.refresh_from_db()
    assert (checkin.whats_next, checkin.version) == ("Theirs", 2)
    # The page now carries the stored version: saving again puts the typed answers in.
    assert response.context["form"].data["version"] == 2
    again = client.post(page(checkin), answers(checkin, whats_next="Mine"))
    assert again.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.whats_next, checkin.version) == ("Mine", 3)


def test_a_page_without_its_version_is_treated_as_out_of_date(client, world, checkin):
    client = signed_in(client, world.team_a_ed)
    response = client.post(page(checkin), answers(checkin, version="abc"))
    assert "This page was out of date" in response.content.decode()
    assert response.context["form"].data["version"] == 1
    assert CheckIn.objects.get(pk=checkin.pk).version == 1


def test_the_facilitator_reopens_a_submitted_check_in_for_the_team(client, world, checkin):
    signed_in(client, world.team_a_ed).post(page(checkin), answers(checkin, action="submit"))
    url = reverse("workplans:checkin_reopen", args=[checkin.pk])
    assert client.post(url).status_code == 403  # the team can't reopen its own

    response = signed_in(client, world.fac1).post(url, follow=True)

    assert "The check-in is reopened" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.OPEN
    assert checkin.reopened_by == world.fac1
    form = signed_in(client, world.team_a_ed).get(page(checkin)).context["form"]
    assert form is not None and form["whats_next"].value() == "Share it with the advisory board."


# Review and extension ----------------------------------------------------------------------


def test_the_facilitator_marks_a_submitted_check_in_reviewed_and_the_team_is_told(
    client, world, checkin
):
    signed_in(client, world.team_a_ed).post(page(checkin), answers(checkin, action="submit"))
    url = reverse("workplans:checkin_review", args=[checkin.pk])

    response = signed_in(client, world.fac1).post(url, {"review_comment": "Strong progress."})

    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.status, checkin.reviewed_by, checkin.review_comment) == (
        CheckInStatus.REVIEWED,
        world.fac1,
        "Strong progress.",
    )
    told = Notification.objects.filter(kind="checkin_reviewed").values_list("recipient", flat=True)
    team = set(world.team_a.seats.current().values_list("person", flat=True))
    assert set(told) == team
    assert "Strong progress." in client.get(page(checkin)).content.decode()
    again = client.post(url, {"review_comment": "Again"}, follow=True)
    assert "already marked reviewed" in again.content.decode()
    checkin.refresh_from_db()
    assert checkin.review_comment == "Strong progress."


def test_an_open_check_in_cannot_be_marked_reviewed(client, world, checkin):
    url = reverse("workplans:checkin_review", args=[checkin.pk])
    response = signed_in(client, world.fac1).post(url, {"review_comment": ""}, follow=True)
    assert "the team has not sent it" in response.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).status == CheckInStatus.OPEN


def test_an_extension_sets_the_new_date_and_tells_the_team(client, world, checkin):
    url = reverse("workplans:checkin_extend", args=[checkin.pk])
    new_date = TODAY + timedelta(days=45)

    response = signed_in(client, world.fac1).post(
        url, {"due_on": new_date.isoformat(), "reason": "The state budget session."}
    )

    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.due_on == new_date
    assert checkin.planned_due_on == TODAY + timedelta(days=20)
    assert (checkin.extension_reason, checkin.extended_by) == (
        "The state budget session.",
        world.fac1,
    )
    assert Notification.objects.filter(kind="checkin_extended", object_id=checkin.pk).exists()
    content = client.get(page(checkin)).content.decode()
    assert "The state budget session." in content


@pytest.mark.parametrize("day", [TODAY - timedelta(days=1), TODAY])
def test_an_extension_to_a_past_date_is_refused_beside_the_field(client, world, checkin, day):
    url = reverse("workplans:checkin_extend", args=[checkin.pk])

    response = signed_in(client, world.fac1).post(
        url, {"due_on": day.isoformat(), "reason": "Typed reason"}
    )

    assert response.status_code == 200
    errors = response.context["extend_form"].errors["due_on"]
    assert errors[0].startswith("Choose a date after today")
    assert "Typed reason" in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.due_on == TODAY + timedelta(days=20) and checkin.extended_at is None


def test_the_team_cannot_extend_its_own_check_in(client, world, checkin):
    url = reverse("workplans:checkin_extend", args=[checkin.pk])
    response = signed_in(client, world.team_a_ed).post(
        url, {"due_on": "2027-01-01", "reason": "More time"}
    )
    assert response.status_code == 403


# Bad input -----------------------------------------------------------------------------------

SCRIPT = '<script>alert("x")</script><b>bold</b>'


def test_html_and_script_in_every_text_field_are_shown_escaped(client, world, checkin):
    client = signed_in(client, world.team_a_ed)
    fields = ["what_changed", "whats_next", "support_needed", "note_1", "note_2"]
    data = answers(checkin, action="submit", shared="on", **dict.fromkeys(fields, SCRIPT))
    client.post(page(checkin), data)
    signed_in(client, world.fac1).post(
        reverse("workplans:checkin_review", args=[checkin.pk]), {"review_comment": SCRIPT}
    )

    for person, url in [
        (world.team_a_ed, page(checkin)),
        (world.fac1, page(checkin)),
        (world.team_a_ed, reverse("workplans:community", args=[world.cohort1.pk])),
    ]:
        content = signed_in(client, person).get(url).content.decode()
        assert "<script>alert" not in content and "<b>bold</b>" not in content
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


@pytest.mark.parametrize("value", ["0", "6", "99", "high", "-1"])
def test_a_confidence_out_of_range_is_told_beside_the_field(client, world, checkin, value):
    response = signed_in(client, world.team_a_ed).post(
        page(checkin), answers(checkin, confidence=value)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confidence"] == [
        "Choose how confident you are, from 1 to 5."
    ]
    assert CheckIn.objects.get(pk=checkin.pk).version == 1


def test_forged_goal_keys_are_ignored_and_a_forged_status_is_told(client, world, checkin):
    client = signed_in(client, world.team_a_ed)
    forged = answers(checkin, status_999="done", note_999="Forged", status_1="finished")

    response = client.post(page(checkin), forged)

    assert response.context["form"].errors["status_1"] == ["Choose one of the statuses listed."]
    assert not CheckInGoal.objects.filter(goal_key=999).exists()
    client.post(page(checkin), answers(checkin, status_999="done", note_999="Forged"))
    assert list(CheckInGoal.objects.values_list("goal_key", flat=True)) == [1, 2]


def test_the_service_refuses_a_goal_the_snapshot_does_not_have(world, checkin):
    with pytest.raises(ValidationError, match="not in the team's workplan snapshot"):
        services.save_draft(
            checkin,
            {"goals": {999: {"status": "done", "note": ""}}},
            by=world.team_a_ed,
            version=1,
        )


def test_a_null_character_is_told_beside_its_field(client, world, checkin):
    response = signed_in(client, world.team_a_ed).post(
        page(checkin), answers(checkin, whats_next="a\x00b")
    )
    assert response.status_code == 200
    assert "whats_next" in response.context["form"].errors


def test_a_member_of_a_team_that_left_the_cohort_is_told_so_and_nothing_changes(
    client, world, checkin
):
    person = world.team_a_ed
    world.team_a.seats.update(ended_at=SEPTEMBER_1)
    client = signed_in(client, person)

    for response in [client.get(page(checkin)), client.post(page(checkin), answers(checkin))]:
        assert response.status_code == 404
        assert "This check-in is closed to you" in response.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).version == 1
    facilitator = signed_in(client, world.fac1).get(page(checkin)).content.decode()
    assert "it has left the cohort" in facilitator


def test_a_check_in_whose_team_was_removed_is_a_404(client, world, checkin):
    pk = checkin.pk
    world.team_a.delete()
    client = signed_in(client, world.fac1)
    assert client.get(reverse("workplans:checkin", args=[pk])).status_code == 404
    assert client.post(reverse("workplans:checkin_review", args=[pk])).status_code == 404


# Support from the check-in -----------------------------------------------------------------


def test_asking_for_the_support_needed_saves_the_draft_and_opens_the_request_with_it(
    client, world, checkin
):
    client = signed_in(client, world.team_a_ed)
    need = "Help reading the survey's language data & trends"

    response = client.post(page(checkin), answers(checkin, action="support", support_needed=need))

    assert response.status_code == 302
    assert response.url.startswith(reverse("workplans:support_create", args=[world.team_a.pk]))
    checkin.refresh_from_db()
    assert (checkin.status, checkin.support_needed) == (CheckInStatus.OPEN, need)
    form = client.get(response.url).context["form"]
    assert form["need"].value() == need


# The side panel: previous check-ins and the snapshot ---------------------------------------


def test_the_page_shows_the_previous_check_ins_and_the_snapshot(client, world, checkin):
    checkin.number = 2
    checkin.save(update_fields=["number"])
    CheckIn.objects.create(
        enrolment=world.team_a,
        number=1,
        due_on=date(2026, 6, 1),
        planned_due_on=date(2026, 6, 1),
        status=CheckInStatus.REVIEWED,
        what_changed="Hired a data lead.",
        submitted_at=SEPTEMBER_1 - timedelta(days=90),
    )

    content = signed_in(client, world.team_a_ed).get(page(checkin)).content.decode()

    assert "Previous check-ins" in content and "Hired a data lead." in content
    assert "Goal 1" in content and "1 of 2 action items done" in content


@pytest.mark.django_db(transaction=True)
def test_of_two_submissions_at_the_same_moment_the_second_waits_and_is_refused(world):
    """The check-in is read under a row lock: a second submission waits for the first to
    commit, then finds it submitted and says so, instead of both submitting."""
    checkin = checkin_of(world.team_a, due_on=TODAY + timedelta(days=20))
    other = world.team_a.seats.exclude(person=world.team_a_ed).first().person
    answered = {
        "goals": {key: {"status": "done", "note": ""} for key in (1, 2)},
        "what_changed": "Changed",
        "whats_next": "Next",
        "confidence": 3,
    }
    first_holds_the_lock = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.submit_checkin(checkin, answered, by=world.team_a_ed, version=1)
                first_holds_the_lock.set()
                time.sleep(0.5)  # the second submission starts meanwhile, and must wait
        finally:
            connection.close()

    def second():
        first_holds_the_lock.wait(5)
        try:
            services.submit_checkin(checkin, answered, by=other, version=1)
        except ValidationError as refused:
            outcome["code"] = refused.code
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome == {"code": "submitted"}
    checkin.refresh_from_db()
    assert (checkin.status, checkin.submitted_by, checkin.version) == (
        CheckInStatus.SUBMITTED,
        world.team_a_ed,
        2,
    )


def test_submitting_stops_the_reminders_and_reopening_plans_those_still_ahead(world, checkin):
    checkin_ladder.plan_ladder(checkin)
    reminders = Notification.objects.filter(kind=checkin_ladder.REMINDER, object_id=checkin.pk)
    scheduled = Notification.State.SCHEDULED
    assert reminders.filter(state=scheduled).count() == 3 * 4  # three members, four steps

    services.submit_checkin(
        checkin,
        {
            "goals": {key: {"status": "done", "note": ""} for key in (1, 2)},
            "what_changed": "Changed",
            "whats_next": "Next",
            "confidence": 3,
        },
        by=world.team_a_ed,
        version=1,
    )
    assert not reminders.filter(state=scheduled).exists()

    services.reopen_checkin(checkin, by=world.fac1)
    assert reminders.filter(state=scheduled).count() == 3 * 4
