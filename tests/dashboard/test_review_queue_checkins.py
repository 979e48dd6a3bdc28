"""Check-ins in the facilitator's review queue: those submitted and waiting for review, and
those overdue (saying when the facilitators were told), across the cohorts the person
facilitates (staff: every cohort), the oldest first — in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from notifications.models import Notification
from tests.conftest import SEPTEMBER_1, make_team
from tests.workplans.factories import CheckInFactory
from workplans.checkin_ladder import ESCALATION, escalation_slot
from workplans.choices import CheckInStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

URL = reverse("dashboard:review_queue")
TODAY = SEPTEMBER_1.date()


def submitted(team, days_ago, number=1):
    return CheckInFactory(
        enrolment=team,
        number=number,
        status=CheckInStatus.SUBMITTED,
        submitted_at=SEPTEMBER_1 - timedelta(days=days_ago),
        due_on=TODAY - timedelta(days=days_ago),
    )


def overdue(team, days, number=2):
    return CheckInFactory(enrolment=team, number=number, due_on=TODAY - timedelta(days=days))


def told(cohort, due_on, facilitator):
    Notification.objects.create(
        kind=ESCALATION,
        content_type=ContentType.objects.get_for_model(cohort),
        object_id=cohort.pk,
        slot=escalation_slot(due_on),
        to_email=facilitator.email,
        recipient=facilitator,
        cohort=cohort,
        due_at=SEPTEMBER_1,
        not_before=SEPTEMBER_1,
        state=Notification.State.SENT,
    )


def queue_of(client, person):
    client.force_login(person)
    return client.get(URL)


def test_a_facilitator_sees_the_check_ins_of_their_cohorts_waiting_and_overdue(client, world):
    waiting = submitted(world.team_a, days_ago=2)
    late = overdue(world.team_b, days=22)
    told(world.cohort1, late.due_on, world.fac1)
    submitted(world.team_c, days_ago=2)
    overdue(world.team_c, days=30)
    CheckInFactory(enrolment=world.team_a, number=3, due_on=TODAY + timedelta(days=5))

    response = queue_of(client, world.fac1)

    assert list(response.context["checkins"]) == [waiting]
    assert list(response.context["overdue_checkins"]) == [late]
    content = response.content.decode()
    assert reverse("workplans:checkin", args=[waiting.pk]) in content
    assert "Overdue by 22 days" in content and "overdue, facilitator told" in content
    assert world.team_c.organisation.name not in content


def test_another_cohorts_facilitator_does_not_see_them(client, world):
    submitted(world.team_a, days_ago=2)
    overdue(world.team_a, days=9)
    response = queue_of(client, world.fac2)
    assert not response.context["checkins"] and not response.context["overdue_checkins"]
    assert "No workplan or check-in waits for review" in response.content.decode()


def test_staff_see_every_cohorts_check_ins(client, world):
    submitted(world.team_a, days_ago=2)
    submitted(world.team_c, days_ago=5)
    response = queue_of(client, world.staff)
    assert [c.enrolment for c in response.context["checkins"]] == [world.team_c, world.team_a]


def test_the_oldest_come_first(client, world):
    recent, old = submitted(world.team_a, days_ago=1), submitted(world.team_b, days_ago=9)
    less, more = overdue(world.team_a, days=3), overdue(world.team_b, days=15)
    response = queue_of(client, world.fac1)
    assert list(response.context["checkins"]) == [old, recent]
    assert list(response.context["overdue_checkins"]) == [more, less]


def test_reviewed_check_ins_leave_the_queue(client, world):
    checkin = submitted(world.team_a, days_ago=2)
    checkin.status = CheckInStatus.REVIEWED
    checkin.save(update_fields=["status"])
    assert not queue_of(client, world.fac1).context["checkins"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_queue_costs_the_same_queries_with_2_or_20_check_ins(
    client, world, count, django_assert_max_num_queries
):
    """1. the session row; 2. the person; 3. their roles; 4.–6. the workplans, blocked items
    and support requests (none here); 7. the check-ins submitted with team, cohort and
    sender; 8. the check-ins overdue with team and cohort; 9. the overdue digests sent (who
    was told; 10. its content type, cached after the first request)."""
    for n in range(count):
        team = make_team(world.cohort1)
        submitted(team, days_ago=n + 1, number=1)
        late = overdue(team, days=n + 8, number=2)
    told(world.cohort1, late.due_on, world.fac1)
    client.force_login(world.fac1)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    for name in ("checkins", "overdue_checkins"):
        assert len(response.context[name]) == count
        assert response.context[name][0].waiting == count
