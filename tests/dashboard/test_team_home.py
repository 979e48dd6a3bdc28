"""A team's home page: the next session, the workplan's progress, the person's own action
items, open support requests, the self-assessment to take, and what arrived since the person
last looked — for the team, its cohort's facilitators and staff only, in a fixed number of
queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dashboard.selectors import NEWS_SHOWN
from tests.conftest import SEPTEMBER_1, executive_director
from tests.sessions_app.factories import LearningSessionFactory
from tests.workplans.factories import (
    ActionItemFactory,
    CommentFactory,
    GoalFactory,
    SelfAssessmentFactory,
    SupportRequestFactory,
    WorkplanFactory,
)
from workplans.choices import ActionStatus, AssessmentStatus, ChangedField, Phase, SupportStep
from workplans.models import ProgressUpdate, SupportEvent, TeamVisit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

NOW = SEPTEMBER_1
TODAY = date(2026, 9, 1)


def home_of(team):
    return reverse("dashboard:team_home", args=[team.pk])


def get_home(client, person, team):
    client.force_login(person)
    return client.get(home_of(team))


def seen(person, team, at):
    TeamVisit.objects.create(person=person, enrolment=team, seen_at=at)


# Who may look ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["team_a", "fac1", "staff"])
def test_the_team_its_facilitator_and_staff_see_the_team_home(client, world, role):
    response = get_home(client, world.person(role), world.team_a)
    assert response.status_code == 200
    assert world.team_a.organisation.name in response.content.decode()


@pytest.mark.parametrize("role", ["team_b", "team_c", "fac2", "partner", "stray_partner"])
def test_everyone_else_is_told_there_is_no_such_page(client, world, role):
    """Another team (even in the same cohort), another cohort's facilitator, and the planning
    partners (the cohort's too: they see the requests assigned to them, not the team's home)."""
    assert get_home(client, world.person(role), world.team_a).status_code == 404


def test_a_partner_with_an_assigned_request_still_gets_no_team_home(client, world):
    SupportRequestFactory(enrolment=world.team_a, partner=world.partner_org, assignee=world.partner)
    assert get_home(client, world.partner, world.team_a).status_code == 404


def test_someone_who_left_the_team_no_longer_sees_its_home(client, world):
    person = world.team_a_ed
    seat = world.team_a.seats.get(person=person)
    seat.ended_at = seat.started_at
    seat.save()
    assert get_home(client, person, world.team_a).status_code == 404


def test_a_refused_visit_records_nothing(client, world):
    get_home(client, world.team_b_ed, world.team_a)
    assert not TeamVisit.objects.exists()


# What it shows ---------------------------------------------------------------------------------


def test_the_next_session_of_the_cohort_is_shown(client, world):
    LearningSessionFactory(
        cohort=world.cohort1, title="Held already", starts_at=NOW - timedelta(days=7)
    )
    LearningSessionFactory(
        cohort=world.cohort1, title="Power sharing", starts_at=NOW + timedelta(days=2)
    )
    LearningSessionFactory(
        cohort=world.cohort1, title="Later on", starts_at=NOW + timedelta(days=30)
    )
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "Power sharing" in content
    assert "Held already" not in content
    assert "Later on" not in content


def test_without_a_session_to_come_the_page_says_so(client, world):
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "No session is scheduled yet" in content


def test_progress_counts_actions_done_of_total_and_the_overdue_ones(client, world):
    goal = GoalFactory(workplan__enrolment=world.team_a)
    ActionItemFactory(goal=goal, status=ActionStatus.DONE, due_on=TODAY - timedelta(days=9))
    ActionItemFactory(goal=goal, status=ActionStatus.IN_PROGRESS, due_on=TODAY - timedelta(days=1))
    ActionItemFactory(goal=goal, due_on=TODAY)
    ActionItemFactory(goal=goal, due_on=None)
    # Another team's items count for nothing here.
    ActionItemFactory(goal__workplan__enrolment=world.team_b, due_on=TODAY - timedelta(days=3))

    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "1 of 4 actions done" in content
    assert "1 action is overdue" in content


def test_my_action_items_are_my_open_ones_overdue_first_and_overdue_in_words(client, world):
    me = world.team_a_ed
    goal = GoalFactory(workplan__enrolment=world.team_a, title="Data we can trust")
    ActionItemFactory(goal=goal, owner=me, title="Soon", due_on=TODAY + timedelta(days=3))
    ActionItemFactory(goal=goal, owner=me, title="Late", due_on=TODAY - timedelta(days=3))
    ActionItemFactory(goal=goal, owner=me, title="Finished", status=ActionStatus.DONE)
    someone_else = world.team_a.seats.exclude(person=me).first().person
    ActionItemFactory(goal=goal, owner=someone_else, title="Not mine")

    response = get_home(client, me, world.team_a)
    items = response.context["my_items"]
    assert [item.title for item in items] == ["Late", "Soon"]
    content = response.content.decode()
    late = content.index("Late")
    assert "Overdue" in content[late : content.index("Soon")]
    assert "Finished" not in content
    assert "Not mine" not in content


def test_a_facilitator_has_no_action_items_of_their_own_here(client, world):
    response = get_home(client, world.fac1, world.team_a)
    assert "my_items" not in response.context
    assert "My action items" not in response.content.decode()


def test_open_support_requests_are_listed_and_closed_ones_are_not(client, world):
    request = SupportRequestFactory(enrolment=world.team_a, need="Help with our data dashboard")
    SupportRequestFactory(enrolment=world.team_a, need="Long done", status="closed")
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "Help with our data dashboard" in content
    assert reverse("workplans:support_request", args=[request.pk]) in content
    assert reverse("workplans:support_list", args=[world.team_a.pk]) in content
    assert "Waiting to be assigned" in content
    assert "Long done" not in content


def test_without_requests_the_page_says_how_to_get_help(client, world):
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "No open requests" in content


@pytest.mark.parametrize(
    ("start", "end", "phase", "state"),
    [
        (None, None, Phase.START, "not_started"),
        (AssessmentStatus.DRAFT, None, Phase.START, "draft"),
        (AssessmentStatus.SUBMITTED, None, Phase.END, "not_started"),
        (AssessmentStatus.SUBMITTED, AssessmentStatus.DRAFT, Phase.END, "draft"),
        (AssessmentStatus.SUBMITTED, AssessmentStatus.SUBMITTED, Phase.END, "submitted"),
    ],
)
def test_the_self_assessment_to_take_follows_the_models_state(
    client, world, start, end, phase, state
):
    """Cohort One ends in early September: the end-of-cohort self-assessment is open."""
    assert world.cohort1.ends_on - timedelta(days=31) <= TODAY
    for which, status in ((Phase.START, start), (Phase.END, end)):
        if status is not None:
            SelfAssessmentFactory(enrolment=world.team_a, phase=which, status=status)
    assessment = get_home(client, world.team_a_ed, world.team_a).context["assessment"]
    assert (assessment.phase, assessment.state) == (phase, state)


def test_before_the_last_month_the_end_assessment_is_not_open_yet(client, world):
    world.cohort1.ends_on = date(2026, 11, 15)
    world.cohort1.save()
    SelfAssessmentFactory(
        enrolment=world.team_a, phase=Phase.START, status=AssessmentStatus.SUBMITTED
    )
    response = get_home(client, world.team_a_ed, world.team_a)
    assessment = response.context["assessment"]
    assert (assessment.phase, assessment.state) == (Phase.START, "submitted")
    assert assessment.end_opens_on == date(2026, 10, 15)
    assert "The end-of-cohort self-assessment opens on" in response.content.decode()


# Since your last visit -------------------------------------------------------------------------


def test_a_first_visit_says_so_and_is_recorded(client, world):
    me = world.team_a_ed
    CommentFactory(action_item__goal__workplan__enrolment=world.team_a, author=world.fac1)
    response = get_home(client, me, world.team_a)
    assert "This is your first visit" in response.content.decode()
    assert "news" not in response.context
    assert TeamVisit.objects.get(person=me, enrolment=world.team_a).seen_at == NOW


def test_what_others_did_since_the_last_visit_is_news_and_the_rest_is_not(client, world):
    me = world.team_a_ed
    mate = world.team_a.seats.exclude(person=me).first().person
    last_visit = NOW - timedelta(days=2)
    seen(me, world.team_a, last_visit)
    workplan = WorkplanFactory(enrolment=world.team_a)
    item = ActionItemFactory(goal__workplan=workplan, title="Survey families")
    recently, long_ago = NOW - timedelta(hours=5), last_visit - timedelta(hours=1)

    CommentFactory(action_item=item, author=world.fac1, body="Who reads it?", created_at=recently)
    CommentFactory(action_item=item, author=world.fac1, body="Old remark", created_at=long_ago)
    CommentFactory(action_item=item, author=me, body="My own words", created_at=recently)
    for by, at, new in ((mate, recently, "in_progress"), (me, recently, "blocked")):
        ProgressUpdate.objects.create(
            workplan=workplan,
            action_item=item,
            field=ChangedField.STATUS,
            old_value="not_started",
            new_value=new,
            by=by,
            at=at,
        )
    ProgressUpdate.objects.create(
        workplan=workplan, action_item=item, field=ChangedField.OWNER, by=mate, at=recently
    )
    request = SupportRequestFactory(enrolment=world.team_a, requested_by=me)
    SupportEvent.objects.create(request=request, step=SupportStep.ASKED, by=mate, at=recently)
    SupportEvent.objects.create(
        request=request, step=SupportStep.ACCEPTED, by=world.partner, at=recently
    )

    response = get_home(client, me, world.team_a)
    news = response.context["news"]
    assert sorted((item.kind, item.who) for item in news) == [
        ("comment", world.fac1.full_name),
        ("status", mate.full_name),
        ("support", world.partner.full_name),
    ]
    content = response.content.decode()
    assert "Who reads it?" in content
    assert "from Not started to In progress" in content
    assert "Accepted" in content
    for not_news in ("Old remark", "My own words"):
        assert not_news not in content
    # This visit is the next one's starting point.
    assert TeamVisit.objects.get(person=me, enrolment=world.team_a).seen_at == NOW


def test_nothing_new_since_the_last_visit_says_so(client, world):
    seen(world.team_a_ed, world.team_a, NOW - timedelta(days=1))
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "Nothing new since you last looked" in content


def test_another_teams_activity_is_never_news_here(client, world):
    seen(world.team_a_ed, world.team_a, NOW - timedelta(days=1))
    WorkplanFactory(enrolment=world.team_a)
    CommentFactory(
        action_item__goal__workplan__enrolment=world.team_b,
        author=world.fac1,
        body="For team B only",
    )
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert "For team B only" not in content


def test_comments_are_shown_escaped(client, world):
    me = world.team_a_ed
    seen(me, world.team_a, NOW - timedelta(days=1))
    CommentFactory(
        action_item__goal__workplan__enrolment=world.team_a,
        author=world.fac1,
        body="<script>alert(1)</script>",
    )
    content = get_home(client, me, world.team_a).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_a_second_visit_moves_the_last_one_on(client, world, september):
    me = world.team_a_ed
    get_home(client, me, world.team_a)
    september.shift(timedelta(hours=2))
    response = client.get(home_of(world.team_a))
    assert response.context["enrolment"].last_seen == NOW
    visit = TeamVisit.objects.get(person=me, enrolment=world.team_a)
    assert visit.seen_at == NOW + timedelta(hours=2)


def test_each_person_has_their_own_last_visit(client, world):
    me, ed_b = world.team_a_ed, executive_director(world.team_b)
    get_home(client, me, world.team_a)
    get_home(client, world.fac1, world.team_a)
    get_home(client, ed_b, world.team_b)
    assert TeamVisit.objects.count() == 3


# Query count -------------------------------------------------------------------------------------


def fill_workplan(team, owner, goals):
    """`goals` goals of three action items each (one overdue and mine), a comment and a status
    change on each goal since yesterday, and one open support request per goal."""
    workplan = WorkplanFactory(enrolment=team)
    for n in range(goals):
        goal = GoalFactory(workplan=workplan)
        late = ActionItemFactory(goal=goal, owner=owner, due_on=TODAY - timedelta(days=n + 1))
        ActionItemFactory(goal=goal, owner=owner, status=ActionStatus.BLOCKED, blocked_reason="x")
        ActionItemFactory(goal=goal, status=ActionStatus.DONE)
        CommentFactory(action_item=late, author=None)
        ProgressUpdate.objects.create(
            workplan=workplan,
            action_item=late,
            field=ChangedField.STATUS,
            old_value="not_started",
            new_value="in_progress",
        )
        request = SupportRequestFactory(enrolment=team)
        SupportEvent.objects.create(request=request, step=SupportStep.ASSIGNED)


@pytest.mark.parametrize("goals", [2, 20])
def test_the_team_home_costs_the_same_queries_with_2_or_20_goals(
    client, world, goals, django_assert_max_num_queries
):
    """1. the session row; 2. the person;
    3. whether the person is Alliance staff (the scope of workplans.assessment_teams_for);
    4. the team, scoped, with its workplan, its progress (three counts), both
       self-assessments' states, whether the person is on it and their last visit;
    5. the cohort's next session;
    6. the team's open support requests with partner and assignee;
    7. the person's open action items with their goals;
    8. what arrived since the last visit (comments, status changes, support answers: one
       UNION);
    9. this visit recorded (one upsert);
    10. the person's roles, for the menu (request.roles)."""
    me = world.team_a_ed
    fill_workplan(world.team_a, me, goals)
    LearningSessionFactory(cohort=world.cohort1, starts_at=NOW + timedelta(days=2))
    seen(me, world.team_a, NOW - timedelta(days=1))
    client.force_login(me)
    with django_assert_max_num_queries(10):
        response = client.get(home_of(world.team_a))
    assert response.status_code == 200
    assert len(response.context["news"]) == min(3 * goals, NEWS_SHOWN)
    assert response.context["more_news"] == (3 * goals > NEWS_SHOWN)


def test_the_team_is_sent_to_the_self_assessment_to_take(client, world):
    content = get_home(client, world.team_a_ed, world.team_a).content.decode()
    assert reverse("workplans:assessment", args=[world.team_a.pk, Phase.START]) in content
    assert "Start the self-assessment" in content


def test_a_facilitator_is_not_asked_to_take_the_teams_self_assessment(client, world):
    content = get_home(client, world.fac1, world.team_a).content.decode()
    assert "Start the self-assessment" not in content
