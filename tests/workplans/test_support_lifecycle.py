"""A support request's life through its pages: team A asks, the partner organisation assigns it
to one of its people, who accepts it, logs help twice and closes it; the team reopens it. Each
step is on the timeline and tells the other side through the ledger (which kind, to whom);
the send-time re-check drops a message to someone who left the team."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from cohorts.choices import FocusArea, TeamRole
from notifications import services as ledger
from notifications.models import DigestItem, KindPreference, Notification
from tests.conftest import SEPTEMBER_1
from tests.factories import MembershipFactory, PartnerOrganisationFactory
from tests.notifications.conftest import deliver_due, html_part, mail_for
from tests.submissions import with_token
from tests.workplans.factories import GoalFactory, SupportRequestFactory
from workplans.models import SupportEvent, SupportRequest
from workplans.services import support as services

pytestmark = pytest.mark.usefixtures("september")

TODAY = SEPTEMBER_1.date()


@pytest.fixture
def partner_org(world):
    world.partner_org.focus_area = FocusArea.DATA
    world.partner_org.save()
    return world.partner_org


@pytest.fixture
def colleague(partner_org):
    """A second person of the planning partner, who is assigned the request."""
    return MembershipFactory(organisation=partner_org, person__full_name="Pat Partner").person


def team_people(team):
    return {seat.person.email for seat in team.seats.current()}


def ledger_rows(support_request, kind):
    rows = ledger.rows_about(support_request, kind)
    return {row.to_email for row in rows}


def post(client, name, support_request, data=None):
    return client.post(
        reverse(f"workplans:{name}", args=[support_request.pk]),
        {"version": SupportRequest.objects.get(pk=support_request.pk).version, **(data or {})},
    )


def test_the_whole_life_of_a_request_with_who_is_told_at_each_step(
    client, world, partner_org, colleague
):
    team = world.team_a
    asker = world.team_a_ed
    others_on_team = team_people(team) - {asker.email}

    # The team asks; the partner for the focus area is chosen for them.
    client.force_login(asker)
    url = reverse("workplans:support_create", args=[team.pk])
    response = client.post(
        url,
        with_token(
            client,
            url,
            {
                "focus_area": "data",
                "need": "Disaggregate enrolment by language",
                "needed_by": "2026-10-01",
            },
        ),
    )
    support_request = SupportRequest.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == support_request.get_absolute_url()
    )
    assert support_request.partner == partner_org
    assert support_request.status == SupportRequest.Status.OPEN
    assert ledger_rows(support_request, "support_requested") == {
        world.partner.email,
        colleague.email,
    }

    # A member of the partner organisation assigns it to their colleague.
    client.force_login(world.partner)
    response = post(client, "support_assign", support_request, {"assignee": colleague.pk})
    assert response.status_code == 302
    assert ledger_rows(support_request, "support_assigned") == {colleague.email} | team_people(team)

    # The colleague accepts, logs help twice and closes it: the team hears of each.
    client.force_login(colleague)
    assert post(client, "support_accept", support_request).status_code == 302
    for day, hours in ((TODAY - timedelta(days=1), "1.5"), (TODAY, "2")):
        response = post(
            client,
            "support_help",
            support_request,
            {"given_on": day.isoformat(), "hours": hours, "note": "Walked through the data"},
        )
        assert response.status_code == 302
    assert post(client, "support_close", support_request, {"note": "Done"}).status_code == 302
    assert ledger_rows(support_request, "support_accepted") == team_people(team)
    assert ledger.rows_about(support_request, "support_help_logged").count() == 2 * 3
    assert ledger_rows(support_request, "support_closed") == team_people(team)

    # The team reopens it: back to the colleague, who is told.
    client.force_login(asker)
    response = post(client, "support_reopen", support_request, {"note": "One more table"})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportRequest.Status.ACCEPTED
    assert support_request.assignee == colleague
    assert ledger_rows(support_request, "support_reopened") == {colleague.email}

    # The team sees every step, in order, with the hours.
    page = client.get(support_request.get_absolute_url())
    assert [event.step for event in page.context["timeline"]] == [
        "asked",
        "assigned",
        "accepted",
        "helped",
        "helped",
        "closed",
        "reopened",
    ]
    assert page.context["hours"] == 3.5
    assert "to Pat Partner" in page.content.decode()
    # Nobody is told of their own step.
    assert not Notification.objects.filter(recipient=asker, kind="support_reopened").exists()
    assert others_on_team <= ledger_rows(support_request, "support_help_logged")


def test_a_request_without_a_partner_for_its_focus_goes_to_staff(world, partner_org):
    support_request = services.ask_for_support(
        world.team_a,
        by=world.team_a_ed,
        focus_area=FocusArea.POLICY,
        need="Policy review",
        needed_by=date(2026, 10, 1),
    )
    assert support_request.partner is None
    assert ledger_rows(support_request, "support_requested") == {world.staff.email}


def test_the_team_may_choose_another_partner_of_the_cohort(world, partner_org):
    policy = PartnerOrganisationFactory(focus_area=FocusArea.POLICY)
    world.cohort1.partners.add(policy)
    support_request = services.ask_for_support(
        world.team_a,
        by=world.team_a_ed,
        focus_area=FocusArea.DATA,
        need="Both",
        needed_by=date(2026, 10, 1),
        partner=policy,
    )
    assert support_request.partner == policy


def test_the_email_names_the_team_and_the_help_and_goes_once(world, partner_org, colleague):
    support_request = SupportRequestFactory(
        enrolment=world.team_a,
        partner=partner_org,
        assignee=colleague,
        status=SupportRequest.Status.ACCEPTED,
        need="<script>alert(1)</script> help",
    )
    services.log_help(
        support_request,
        by=colleague,
        given_on=TODAY,
        hours=2,
        note="We met & planned",
    )
    deliver_due()
    deliver_due()
    message = mail_for(mail.outbox, world.team_a_ed.email)
    assert message.subject == "Support given: Data"
    assert "2 hours" in message.body
    assert "We met & planned" in message.body
    assert "&lt;script&gt;" in html_part(message)
    assert "<script>" not in html_part(message)
    assert len(mail.outbox) == 3


def test_a_member_who_left_the_team_is_not_sent_the_step(world, partner_org, colleague):
    support_request = SupportRequestFactory(
        enrolment=world.team_a, partner=partner_org, assignee=colleague, status="assigned"
    )
    services.accept_support(support_request, by=colleague)
    leaver = world.team_a.seats.get(role=TeamRole.MEMBER)
    leaver.ended_at = SEPTEMBER_1
    leaver.save()
    deliver_due()
    row = Notification.objects.get(kind="support_accepted", recipient=leaver.person)
    assert row.state == Notification.State.CANCELLED
    assert "no longer on the team" in row.cancelled_reason
    assert {message.to[0] for message in mail.outbox} == team_people(world.team_a)


def test_a_reassigned_request_does_not_tell_the_first_person(world, partner_org, colleague):
    support_request = SupportRequestFactory(enrolment=world.team_a, partner=partner_org)
    services.assign_support(support_request, by=world.staff, assignee=colleague)
    services.assign_support(support_request, by=world.staff, assignee=world.partner)
    deliver_due()
    first = Notification.objects.get(kind="support_assigned", recipient=colleague)
    assert first.state == Notification.State.CANCELLED


def test_two_partner_members_assigning_at_once_the_second_is_told_and_nothing_is_lost(
    client, world, partner_org, colleague
):
    support_request = SupportRequestFactory(enrolment=world.team_a, partner=partner_org)
    seen = support_request.version
    services.assign_support(support_request, by=colleague, assignee=colleague, version=seen)
    client.force_login(world.partner)
    response = client.post(
        reverse("workplans:support_assign", args=[support_request.pk]),
        {"version": seen, "assignee": world.partner.pk, "note": "I'll take it"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone changed this request while you had it open" in text
    assert "I&#x27;ll take it" in text or "I'll take it" in text
    support_request.refresh_from_db()
    assert support_request.assignee == colleague
    # Sent again from the page as shown, it goes through.
    response = client.post(
        reverse("workplans:support_assign", args=[support_request.pk]),
        {"version": response.context["form"].data["version"], "assignee": world.partner.pk},
    )
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.assignee == world.partner


def test_a_stale_accept_says_so_and_changes_nothing(client, world, partner_org, colleague):
    support_request = SupportRequestFactory(
        enrolment=world.team_a, partner=partner_org, assignee=colleague, status="assigned"
    )
    client.force_login(colleague)
    response = client.post(
        reverse("workplans:support_accept", args=[support_request.pk]),
        {"version": support_request.version - 1},
        follow=True,
    )
    assert "Someone changed this request" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.status == "assigned"


def test_a_goal_link_is_kept_and_preselected_from_the_workplan(client, world, partner_org):
    goal = GoalFactory(workplan__enrolment=world.team_a, title="Know who we serve")
    client.force_login(world.team_a_ed)
    url = reverse("workplans:support_create", args=[world.team_a.pk]) + f"?goal={goal.pk}"
    response = client.get(url)
    assert response.context["form"]["goal"].value() == str(goal.pk)
    client.post(
        url,
        with_token(
            client,
            url,
            {"focus_area": "data", "need": "x", "needed_by": "2026-10-01", "goal": goal.pk},
        ),
    )
    assert SupportRequest.objects.get().goal == goal
    assert SupportEvent.objects.get().step == "asked"


def test_a_person_who_chose_the_digest_gets_support_steps_there_not_at_once(
    world, partner_org, colleague
):
    reader = world.team_a_ed
    KindPreference.objects.create(
        person=reader, kind="support_help_logged", delivery=KindPreference.Delivery.DIGEST
    )
    support_request = SupportRequestFactory(
        enrolment=world.team_a, partner=partner_org, assignee=colleague, status="accepted"
    )
    services.log_help(support_request, by=colleague, given_on=TODAY, hours=1, note="Met")
    assert reader.email not in ledger_rows(support_request, "support_help_logged")
    item = DigestItem.objects.get(recipient=reader)
    assert item.kind == "support_help_logged"
    assert Notification.objects.filter(kind="daily_digest", recipient=reader).exists()


def test_every_step_sends_its_own_email_to_the_other_side(world, partner_org, colleague):
    """Delivered as each step happens: each kind renders its subject, text and HTML."""
    team_ed = world.team_a_ed.email
    sent = []

    def deliver():
        mail.outbox.clear()
        deliver_due()
        sent.append({message.to[0]: message for message in mail.outbox})

    support_request = services.ask_for_support(
        world.team_a,
        by=world.team_a_ed,
        focus_area=FocusArea.DATA,
        need="Tables by language",
        needed_by=date(2026, 10, 1),
    )
    deliver()
    services.assign_support(support_request, by=world.partner, assignee=colleague)
    deliver()
    services.accept_support(support_request, by=colleague)
    deliver()
    services.log_help(support_request, by=colleague, given_on=TODAY, hours=2, note="Met")
    deliver()
    services.close_support(support_request, by=colleague, note="All done")
    deliver()
    services.reopen_support(support_request, by=world.team_a_ed, note="One more")
    deliver()
    asked, assigned, accepted, helped, closed, reopened = sent
    team = world.team_a.organisation.name
    assert asked[colleague.email].subject == f"{team} asks for help: Data"
    assert "assigned to you" in assigned[colleague.email].body
    assert "is assigned to Pat Partner" in assigned[team_ed].body
    assert accepted[team_ed].subject == "Your support request is accepted: Data"
    assert helped[team_ed].subject == "Support given: Data"
    assert "All done" in closed[team_ed].body
    assert "reopen it on its page" in closed[team_ed].body
    assert set(reopened) == {colleague.email}
    assert "One more" in reopened[colleague.email].body
    for step in sent:
        for message in step.values():
            assert support_request.get_absolute_url() in message.body
            assert html_part(message).count(support_request.get_absolute_url()) == 1
