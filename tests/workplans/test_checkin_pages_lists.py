"""The team's list of check-ins (where each stands, in words), the cohort's community page
(who sees whose highlights), the email that tells the team of a review, and what the pages
cost in queries with 2 and with 20 goals or check-ins."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from notifications import kinds
from notifications.models import Notification
from tests.conftest import SEPTEMBER_1
from tests.notifications.conftest import deliver_due, html_part, mail_for
from tests.workplans.checkin_data import checkin_of, with_snapshot
from tests.workplans.factories import CheckInFactory
from workplans import notices
from workplans.checkin_ladder import ESCALATION, escalation_slot
from workplans.choices import CheckInStatus
from workplans.models import CheckInGoal
from workplans.services import checkins as services

pytestmark = pytest.mark.usefixtures("september")

TODAY = SEPTEMBER_1.date()


def signed_in(client, person):
    client.force_login(person)
    return client


def escalation_sent(cohort, due_on, facilitator):
    """The ladder's overdue digest for `due_on`, as sent to the facilitator."""
    return Notification.objects.create(
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


# The team's list ---------------------------------------------------------------------------


def test_the_list_says_where_each_check_in_stands_in_words(client, world):
    team = world.team_a
    with_snapshot(team)
    stages = {
        1: {"due_on": TODAY - timedelta(days=90), "status": CheckInStatus.REVIEWED},
        2: {"due_on": TODAY - timedelta(days=30), "status": CheckInStatus.SUBMITTED},
        3: {"due_on": TODAY - timedelta(days=22)},
        4: {"due_on": TODAY - timedelta(days=15)},
        5: {"due_on": TODAY + timedelta(days=3)},
        6: {"due_on": TODAY + timedelta(days=60)},
    }
    made = {n: CheckInFactory(enrolment=team, number=n, **kw) for n, kw in stages.items()}
    escalation_sent(world.cohort1, made[3].due_on, world.fac1)

    response = signed_in(client, world.team_a_ed).get(
        reverse("workplans:checkin_list", args=[team.pk])
    )

    rows = {row["checkin"].number: row for row in response.context["rows"]}
    assert [rows[n]["stage"] for n in range(1, 7)] == [
        "reviewed",
        "submitted",
        "overdue",
        "overdue",
        "due",
        "upcoming",
    ]
    assert [rows[n]["told"] for n in (3, 4)] == [True, False]
    content = response.content.decode()
    for words in ["Reviewed", "Submitted", "Overdue by 22 days", "Overdue by 15 days"]:
        assert words in content
    assert content.count("overdue, facilitator told") == 1
    assert "Due soon" in content and "Upcoming" in content
    assert 'aria-hidden="true">⚠</span>' in content


def test_an_extended_check_in_shows_its_first_date_in_the_list(client, world):
    checkin = checkin_of(world.team_a, due_on=TODAY + timedelta(days=10))
    services.extend_checkin(
        checkin, by=world.fac1, due_on=TODAY + timedelta(days=40), reason="Budget session"
    )
    content = (
        signed_in(client, world.team_a_ed)
        .get(reverse("workplans:checkin_list", args=[world.team_a.pk]))
        .content.decode()
    )
    assert "extended (was" in content


def test_a_team_before_its_cohort_is_completed_is_told_when_check_ins_come(client, world):
    response = signed_in(client, world.team_a_ed).get(
        reverse("workplans:checkin_list", args=[world.team_a.pk])
    )
    assert "Check-ins are planned when the cohort is completed" in response.content.decode()


def test_the_team_home_and_the_workplan_link_to_the_check_ins_once_the_cohort_is_completed(
    client, world
):
    with_snapshot(world.team_a)
    client = signed_in(client, world.team_a_ed)
    url = reverse("workplans:checkin_list", args=[world.team_a.pk])
    for page in ("dashboard:team_home", "workplans:workplan"):
        assert url in client.get(reverse(page, args=[world.team_a.pk])).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_the_same_queries_with_2_or_20_check_ins(
    client, world, count, django_assert_max_num_queries
):
    with_snapshot(world.team_a)
    for n in range(1, count + 1):
        CheckInFactory(enrolment=world.team_a, number=n, due_on=TODAY - timedelta(days=n * 10))
    client = signed_in(client, world.team_a_ed)
    # 1. the session; 2. the person; 3. whether they are staff (the scope); 4. the team in
    # their scope; 5. its check-ins with team and cohort; 6. the overdue digests sent
    # (facilitator told; 7. its content type, cached after the first request); 8. whether
    # anyone still holds a seat on the team; 9. the person again, for the page's navigation.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("workplans:checkin_list", args=[world.team_a.pk]))
    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_check_in_page_costs_the_same_queries_with_2_or_20_goals_and_earlier_check_ins(
    client, world, count, django_assert_max_num_queries
):
    checkin = checkin_of(world.team_a, goals=count, number=count + 1, due_on=TODAY)
    for number in range(1, count + 1):
        earlier = CheckInFactory(
            enrolment=world.team_a,
            number=number,
            due_on=TODAY - timedelta(days=90 * number),
            status=CheckInStatus.REVIEWED,
            submitted_at=SEPTEMBER_1 - timedelta(days=90 * number),
        )
        CheckInGoal.objects.bulk_create(
            CheckInGoal(checkin=earlier, goal_key=key, title=f"Goal {key}", status="done")
            for key in range(1, count + 1)
        )
    client = signed_in(client, world.team_a_ed)
    client.post(reverse("workplans:checkin", args=[checkin.pk]), {"version": "1"})
    # 1. the session; 2. the person; 3. whether they are staff (the scope); 4. the check-in
    # in their scope; 5. its goals' rows; 6. the snapshot; 7. the seat that lets the person
    # fill it in; 8. whether they facilitate (may review); 9. whether the team still has
    # members; 10. the person again, for the page's navigation; 11. the earlier check-ins.
    # (Not overdue: no read of the overdue digests.)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("workplans:checkin", args=[checkin.pk]))
    assert len(response.context["form"].questions()) == count
    assert len(response.context["previous"]) == count


# The community page ---------------------------------------------------------------------


@pytest.fixture
def shared(world):
    """Team A shared a submitted check-in; team B submitted one without sharing."""
    with_snapshot(world.team_a)
    a = CheckInFactory(
        enrolment=world.team_a,
        status=CheckInStatus.SUBMITTED,
        submitted_at=SEPTEMBER_1,
        shared=True,
        what_changed="Alpha news",
        whats_next="Alpha plan",
        support_needed="Alpha private need",
    )
    b = CheckInFactory(
        enrolment=world.team_b,
        status=CheckInStatus.SUBMITTED,
        submitted_at=SEPTEMBER_1,
        what_changed="Beta private news",
    )
    return a, b


def community(client, person, cohort):
    return signed_in(client, person).get(reverse("workplans:community", args=[cohort.pk]))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("team_a", 200),
        ("team_b", 200),
        ("fac1", 200),
        ("staff", 200),
        ("partner", 404),
        ("stray_partner", 404),
        ("team_c", 404),
        ("fac2", 404),
    ],
)
def test_who_may_open_a_cohorts_community_page(client, world, shared, role, status):
    assert community(client, world.person(role), world.cohort1).status_code == status


def test_a_team_that_does_not_share_sees_why_it_sees_nothing(client, world, shared):
    content = community(client, world.team_b_ed, world.cohort1).content.decode()
    assert "Why you see no other team's highlights" in content
    assert "Alpha news" not in content and "Beta private news" not in content


def test_a_team_that_shares_sees_the_shared_highlights_only(client, world, shared):
    b = shared[1]
    b.shared = True
    b.save(update_fields=["shared"])
    CheckInFactory(enrolment=world.team_b, shared=True, what_changed="Beta open draft")

    content = community(client, world.team_a_ed, world.cohort1).content.decode()

    assert "Alpha news" in content and "Alpha plan" in content
    assert "Beta private news" in content
    assert "Beta open draft" not in content
    assert "Alpha private need" not in content


def test_facilitators_and_staff_see_every_shared_highlight(client, world, shared):
    for person in (world.fac1, world.staff):
        content = community(client, person, world.cohort1).content.decode()
        assert "Alpha news" in content
        assert "Beta private news" not in content


# The review's email --------------------------------------------------------------------------


def test_the_review_email_names_the_reviewer_and_quotes_the_comment_escaped(world):
    assert kinds.get(notices.CHECKIN_REVIEWED).digestible
    checkin = checkin_of(world.team_a, status=CheckInStatus.SUBMITTED, submitted_at=SEPTEMBER_1)

    services.review_checkin(checkin, by=world.fac1, comment="<b>Great</b> & steady")
    deliver_due()

    message = mail_for(mail.outbox, world.team_a_ed.email)
    assert message.subject == "Your check-in 1 has been reviewed (Cohort One)".replace(
        "1", str(checkin.number)
    )
    assert f"{world.fac1.get_full_name()} reviewed" in message.body
    assert "<b>Great</b> & steady" in message.body
    assert "&lt;b&gt;Great&lt;/b&gt; &amp; steady" in html_part(message)
    assert f"/checkins/{checkin.pk}/" in message.body
    assert len(mail.outbox) == 3


def test_a_review_email_not_yet_sent_when_the_check_in_is_reopened_is_not_sent(world):
    checkin = checkin_of(world.team_a, status=CheckInStatus.SUBMITTED, submitted_at=SEPTEMBER_1)
    services.review_checkin(checkin, by=world.fac1)
    services.reopen_checkin(checkin, by=world.fac1)

    deliver_due()

    assert not [m for m in mail.outbox if "reviewed" in m.subject]
    assert set(
        Notification.objects.filter(kind=notices.CHECKIN_REVIEWED).values_list("state", flat=True)
    ) == {Notification.State.CANCELLED}


def test_a_team_member_who_takes_the_daily_digest_gets_the_review_in_it(world):
    from notifications.models import DigestItem, KindPreference

    KindPreference.objects.create(
        person=world.team_a_ed,
        kind=notices.CHECKIN_REVIEWED,
        delivery=KindPreference.Delivery.DIGEST,
    )
    checkin = checkin_of(world.team_a, status=CheckInStatus.SUBMITTED, submitted_at=SEPTEMBER_1)

    services.review_checkin(checkin, by=world.fac1, comment="Steady work")

    assert DigestItem.objects.filter(
        recipient=world.team_a_ed, kind=notices.CHECKIN_REVIEWED, object_id=checkin.pk
    ).exists()
    at_once = Notification.objects.filter(kind=notices.CHECKIN_REVIEWED)
    assert world.team_a_ed.email not in set(at_once.values_list("to_email", flat=True))
    label = kinds.get(notices.CHECKIN_REVIEWED).describe([checkin])[checkin.pk]
    assert label == f"Check-in {checkin.number} of {world.team_a.organisation.name}"
