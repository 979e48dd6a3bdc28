"""The workplan's messages go through the ledger: who is told of a comment, a submission, a
review and a status change, what the email says, and the send-time re-check."""

import pytest
from django.core import mail

from notifications import kinds
from notifications.models import KindPreference, Notification
from notifications.selectors import with_labels
from tests.notifications.conftest import deliver_due, html_part, mail_for
from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans import notices
from workplans.models import Workplan
from workplans.services import review
from workplans.services.workplan import set_status


@pytest.fixture
def item(world):
    goal = GoalFactory(workplan__enrolment=world.team_a, title="Disaggregate enrolment data")
    return ActionItemFactory(goal=goal, title="Ask the data partner", owner=world.team_a_ed)


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("to_email", flat=True))


def team(enrolment):
    return [seat.person for seat in enrolment.seats.current().select_related("person")]


def emails(people):
    return {person.email for person in people}


@pytest.mark.parametrize(
    "code", [notices.COMMENT, notices.SUBMITTED, notices.REVIEWED, notices.STATUS_CHANGED]
)
def test_each_kind_is_registered_and_may_come_in_the_daily_digest(code):
    assert kinds.get(code).digestible


def test_a_status_change_tells_the_other_team_members_not_the_one_who_made_it(world, item):
    changer = next(person for person in team(world.team_a) if person != world.team_a_ed)

    set_status(item, by=changer, status="in_progress", version=item.version)

    others = [person for person in team(world.team_a) if person != changer]
    assert told(notices.STATUS_CHANGED) == emails(others)
    assert world.team_a_ed.email in told(notices.STATUS_CHANGED)  # the owner


def test_the_owner_changing_their_own_item_is_not_told_of_it(world, item):
    set_status(item, by=world.team_a_ed, status="done", version=item.version)

    assert world.team_a_ed.email not in told(notices.STATUS_CHANGED)
    assert len(told(notices.STATUS_CHANGED)) == 2


def test_the_status_change_email_says_who_changed_what(world, item):
    changer = next(person for person in team(world.team_a) if person != world.team_a_ed)
    set_status(item, by=changer, status="in_progress", version=item.version)

    deliver_due()

    message = mail_for(mail.outbox, world.team_a_ed.email)
    assert message.subject == "“Ask the data partner” is now In progress"
    assert (
        f"{changer.get_full_name()} changed “Ask the data partner” from Not started to In "
        "progress." in message.body
    )
    assert f"/actions/{item.pk}/" in message.body


def test_the_comment_email_quotes_the_comment_escaped_in_html(world, item):
    review.comment_on_item(item, body="<b>Who</b> & when?", by=world.fac1)

    deliver_due()

    message = mail_for(mail.outbox, world.team_a_ed.email)
    assert message.subject == (
        f"{world.fac1.get_full_name()} commented on “Ask the data partner” in your workplan"
    )
    assert "<b>Who</b> & when?" in message.body
    assert "&lt;b&gt;Who&lt;/b&gt; &amp; when?" in html_part(message)
    assert len(mail.outbox) == 3


def test_the_teams_answer_reaches_the_facilitators(world, item):
    review.comment_on_goal(item.goal, body="We asked on Monday.", by=world.team_a_ed)

    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)
    assert world.team_a.organisation.name in message.subject
    assert "We asked on Monday." in message.body
    assert len(mail.outbox) == 1


def test_a_staff_comment_goes_to_the_team(world, item):
    review.comment_on_goal(item.goal, body="Looks good.", by=world.staff)

    assert told(notices.COMMENT) == emails(team(world.team_a))


def test_submission_and_review_emails(world, item):
    review.submit_workplan(world.team_a, by=world.team_a_ed)
    review.mark_workplan_reviewed(Workplan.objects.get(enrolment=world.team_a), by=world.fac1)

    deliver_due()

    submitted = mail_for(mail.outbox, world.fac1.email)
    assert "submitted its workplan for review" in submitted.subject
    assert world.team_a_ed.get_full_name() in submitted.body
    reviewed = mail_for(mail.outbox, world.team_a_ed.email)
    assert reviewed.subject == "Your workplan has been reviewed (Cohort One)"
    assert world.fac1.get_full_name() in reviewed.body


def test_each_submission_tells_the_facilitators_again(world, item):
    review.submit_workplan(world.team_a, by=world.team_a_ed)
    review.mark_workplan_reviewed(Workplan.objects.get(enrolment=world.team_a), by=world.fac1)
    review.submit_workplan(world.team_a, by=world.team_a_ed)

    assert Notification.objects.filter(kind=notices.SUBMITTED).count() == 2


def test_a_facilitator_who_no_longer_facilitates_is_not_sent_the_teams_answer(world, item):
    review.comment_on_goal(item.goal, body="We asked on Monday.", by=world.team_a_ed)
    world.cohort1.facilitators.remove(world.fac1)

    deliver_due()

    row = Notification.objects.get(kind=notices.COMMENT)
    assert row.cancelled_reason == "The person no longer facilitates this cohort."
    assert mail.outbox == []


def test_a_comment_waits_for_the_digest_of_a_person_who_chose_it(world, item):
    """The kinds are digestible: a team member who chose the daily digest gets no email as it
    happens, the event waits for the digest (notifications.services.notify decides)."""
    KindPreference.objects.create(
        person=world.team_a_ed, kind=notices.COMMENT, delivery=KindPreference.Delivery.DIGEST
    )

    review.comment_on_goal(item.goal, body="Looks good.", by=world.fac1)

    assert world.team_a_ed.email not in told(notices.COMMENT)
    assert len(told(notices.COMMENT)) == 2


def test_the_outbox_says_what_each_message_is_about(world, item, django_assert_max_num_queries):
    review.comment_on_item(item, body="Looks good.", by=world.fac1)
    set_status(item, by=world.team_a_ed, status="done", version=item.version)
    review.submit_workplan(world.team_a, by=world.team_a_ed)
    rows = list(Notification.objects.order_by("kind"))
    team_name = world.team_a.organisation.name

    # One read of each model's rows (comments, progress updates, workplans) and one more
    # each for describing them with their team.
    with django_assert_max_num_queries(6):
        labels = {row.kind: row.about_label for row in with_labels(rows)}

    assert labels == {
        notices.STATUS_CHANGED: f"“Ask the data partner” ({team_name}): Done",
        notices.COMMENT: f"Comment on “Ask the data partner” ({team_name})",
        notices.SUBMITTED: f"Workplan of {team_name}",
    }
