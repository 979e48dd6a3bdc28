"""A person who no longer holds a current seat on a team stops owning its action items (the
timeline says so) and stops getting the team's messages."""

from django.core import mail
from django.urls import reverse

from cohorts import services as cohort_services
from cohorts.choices import TeamRole
from notifications.models import Notification
from tests.factories import SeatFactory, UserFactory
from tests.notifications.conftest import deliver_due
from tests.submissions import with_token
from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans.models import ProgressUpdate
from workplans.notices import COMMENT
from workplans.services.review import LEFT_THE_TEAM


def member(enrolment):
    return enrolment.seats.current().get(role=TeamRole.MEMBER)


def test_a_person_who_leaves_stops_owning_the_teams_action_items(world):
    seat = member(world.team_a)
    leaver = seat.person
    goal = GoalFactory(workplan__enrolment=world.team_a)
    theirs = ActionItemFactory(goal=goal, owner=leaver)
    kept = ActionItemFactory(goal=goal, owner=world.team_a_ed)

    cohort_services.end_seat(seat, by=world.staff)

    theirs.refresh_from_db()
    kept.refresh_from_db()
    assert theirs.owner is None
    assert theirs.version == 2  # an edit opened before is told the item changed
    assert kept.owner == world.team_a_ed
    update = ProgressUpdate.objects.get(action_item=theirs)
    assert (update.field, update.old_value, update.new_value) == ("owner", str(leaver.pk), "")
    assert (update.by, update.note) == (None, LEFT_THE_TEAM)
    assert not ProgressUpdate.objects.filter(action_item=kept).exists()


def test_the_timeline_shows_the_owner_change_as_leaving_the_team(client, world):
    seat = member(world.team_a)
    item = ActionItemFactory(goal=GoalFactory(workplan__enrolment=world.team_a), owner=seat.person)
    cohort_services.end_seat(seat, by=world.staff)
    client.force_login(world.team_a_ed)

    page = client.get(reverse("workplans:action_item", args=[item.pk])).content.decode()

    assert LEFT_THE_TEAM in page
    assert seat.person.get_full_name() in page


def test_a_replaced_seat_releases_the_old_holders_items(world):
    seat = member(world.team_a)
    item = ActionItemFactory(goal=GoalFactory(workplan__enrolment=world.team_a), owner=seat.person)

    cohort_services.replace_seat(seat, person=UserFactory(), role=TeamRole.MEMBER, by=world.staff)

    item.refresh_from_db()
    assert item.owner is None


def test_leaving_one_team_keeps_the_items_of_another_team(world):
    """The same person on teams A and C (a fourth seat there): leaving A keeps what they
    own on C."""
    seat = member(world.team_a)
    SeatFactory(enrolment=world.team_c, person=seat.person)
    on_c = ActionItemFactory(goal=GoalFactory(workplan__enrolment=world.team_c), owner=seat.person)

    cohort_services.end_seat(seat, by=world.staff)

    on_c.refresh_from_db()
    assert on_c.owner == seat.person


def test_a_person_who_left_is_not_told_of_a_new_comment(client, world):
    seat = member(world.team_a)
    goal = GoalFactory(workplan__enrolment=world.team_a)
    cohort_services.end_seat(seat, by=world.staff)
    url = reverse("workplans:goal_comment", args=[goal.pk])
    client.force_login(world.fac1)

    client.post(url, with_token(client, url, {"body": "A question for the team"}))

    told = set(Notification.objects.filter(kind=COMMENT).values_list("to_email", flat=True))
    assert seat.person.email not in told
    assert told == {s.person.email for s in world.team_a.seats.current()}


def test_a_message_planned_before_they_left_is_not_sent_to_them(client, world):
    seat = member(world.team_a)
    goal = GoalFactory(workplan__enrolment=world.team_a)
    url = reverse("workplans:goal_comment", args=[goal.pk])
    client.force_login(world.fac1)
    client.post(url, with_token(client, url, {"body": "A question for the team"}))
    row = Notification.objects.get(kind=COMMENT, recipient=seat.person)

    cohort_services.end_seat(seat, by=world.staff)
    deliver_due()

    row.refresh_from_db()
    assert row.state == Notification.State.CANCELLED
    assert row.cancelled_reason == "The person is no longer on the team."
    assert seat.person.email not in {address for message in mail.outbox for address in message.to}
    assert len(mail.outbox) == 2  # the two who stayed
