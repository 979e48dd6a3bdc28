"""The workplan's review: the team submits it, facilitators (and staff) comment and mark it
reviewed, the team sees the comments and answers them."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.submissions import with_token
from tests.workplans.factories import ActionItemFactory, CommentFactory, GoalFactory
from workplans.models import Comment, Workplan
from workplans.notices import COMMENT, REVIEWED, SUBMITTED


@pytest.fixture
def goal(world):
    return GoalFactory(workplan__enrolment=world.team_a, title="Disaggregate enrolment data")


@pytest.fixture
def item(goal):
    return ActionItemFactory(goal=goal, title="Ask the data partner")


def signed_in(client, person):
    client.force_login(person)
    return client


def recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("to_email", flat=True))


def team_emails(enrolment):
    return {seat.person.email for seat in enrolment.seats.current().select_related("person")}


# Submit --------------------------------------------------------------------------------------


def test_the_team_submits_its_workplan_and_the_facilitators_are_told(client, world, goal):
    response = signed_in(client, world.team_a_ed).post(
        reverse("workplans:workplan_submit", args=[world.team_a.pk])
    )

    assert response.status_code == 302
    workplan = Workplan.objects.get(enrolment=world.team_a)
    assert workplan.status == Workplan.Status.SUBMITTED
    assert workplan.submitted_by == world.team_a_ed
    assert recipients(SUBMITTED) == {world.fac1.email}


def test_an_empty_workplan_cannot_be_submitted_and_the_team_is_told_why(client, world):
    response = signed_in(client, world.team_a_ed).post(
        reverse("workplans:workplan_submit", args=[world.team_a.pk]), follow=True
    )

    assert "Add at least one goal before you submit" in response.content.decode()
    assert not Workplan.objects.filter(status=Workplan.Status.SUBMITTED).exists()
    assert not Notification.objects.filter(kind=SUBMITTED).exists()


def test_a_workplan_waiting_for_review_is_not_submitted_twice(client, world, goal):
    url = reverse("workplans:workplan_submit", args=[world.team_a.pk])
    signed_in(client, world.team_a_ed).post(url)

    response = client.post(url, follow=True)

    assert "already waiting for review" in response.content.decode()
    assert Notification.objects.filter(kind=SUBMITTED).count() == 1


def test_a_facilitator_cannot_submit_a_teams_workplan(client, world, goal):
    response = signed_in(client, world.fac1).post(
        reverse("workplans:workplan_submit", args=[world.team_a.pk])
    )

    assert response.status_code == 403


def test_another_team_cannot_submit_the_workplan(client, world, goal):
    response = signed_in(client, world.team_b_ed).post(
        reverse("workplans:workplan_submit", args=[world.team_a.pk])
    )

    assert response.status_code == 404


# Mark reviewed -------------------------------------------------------------------------------


def submitted(world, goal):
    workplan = goal.workplan
    workplan.status = Workplan.Status.SUBMITTED
    workplan.save()
    return workplan


def test_the_facilitator_marks_the_workplan_reviewed_and_the_team_is_told(client, world, goal):
    submitted(world, goal)

    signed_in(client, world.fac1).post(
        reverse("workplans:workplan_reviewed", args=[world.team_a.pk])
    )

    workplan = Workplan.objects.get(enrolment=world.team_a)
    assert workplan.status == Workplan.Status.REVIEWED
    assert workplan.reviewed_by == world.fac1
    assert recipients(REVIEWED) == team_emails(world.team_a)


def test_staff_may_mark_a_workplan_reviewed(client, world, goal):
    submitted(world, goal)

    signed_in(client, world.staff).post(
        reverse("workplans:workplan_reviewed", args=[world.team_a.pk])
    )

    assert Workplan.objects.get(enrolment=world.team_a).status == Workplan.Status.REVIEWED


def test_a_draft_is_not_marked_reviewed(client, world, goal):
    response = signed_in(client, world.fac1).post(
        reverse("workplans:workplan_reviewed", args=[world.team_a.pk]), follow=True
    )

    assert "Only a workplan submitted for review" in response.content.decode()
    assert Workplan.objects.get(enrolment=world.team_a).status == Workplan.Status.DRAFT


def test_a_team_member_cannot_mark_its_own_workplan_reviewed(client, world, goal):
    submitted(world, goal)

    response = signed_in(client, world.team_a_ed).post(
        reverse("workplans:workplan_reviewed", args=[world.team_a.pk])
    )

    assert response.status_code == 403
    assert Workplan.objects.get(enrolment=world.team_a).status == Workplan.Status.SUBMITTED


def test_a_reviewed_workplan_can_be_submitted_again_after_changes(client, world, goal):
    submitted(world, goal)
    signed_in(client, world.fac1).post(
        reverse("workplans:workplan_reviewed", args=[world.team_a.pk])
    )

    signed_in(client, world.team_a_ed).post(
        reverse("workplans:workplan_submit", args=[world.team_a.pk])
    )

    assert Workplan.objects.get(enrolment=world.team_a).status == Workplan.Status.SUBMITTED


def test_the_facilitator_marks_a_goal_and_an_item_reviewed(client, world, item):
    signed_in(client, world.fac1)

    client.post(reverse("workplans:goal_reviewed", args=[item.goal.pk]))
    client.post(reverse("workplans:action_reviewed", args=[item.pk]))

    item.refresh_from_db()
    item.goal.refresh_from_db()
    assert item.reviewed_by == world.fac1 and item.reviewed_at
    assert item.goal.reviewed_by == world.fac1 and item.goal.reviewed_at


@pytest.mark.parametrize("name", ["workplans:goal_reviewed", "workplans:action_reviewed"])
def test_a_team_member_cannot_mark_a_goal_or_item_reviewed(client, world, item, name):
    pk = item.goal.pk if name == "workplans:goal_reviewed" else item.pk

    response = signed_in(client, world.team_a_ed).post(reverse(name, args=[pk]))

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.reviewed_at is None


@pytest.mark.parametrize("name", ["workplans:goal_reviewed", "workplans:action_reviewed"])
def test_another_cohorts_facilitator_gets_a_404_marking_reviewed(client, world, item, name):
    pk = item.goal.pk if name == "workplans:goal_reviewed" else item.pk

    response = signed_in(client, world.fac2).post(reverse(name, args=[pk]))

    assert response.status_code == 404


# Comments ------------------------------------------------------------------------------------


def test_a_facilitators_comment_on_a_goal_reaches_the_teams_current_members(client, world, goal):
    url = reverse("workplans:goal_comment", args=[goal.pk])
    signed_in(client, world.fac1)

    response = client.post(url, with_token(client, url, {"body": "Who owns the data request?"}))

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert (comment.goal, comment.author, comment.workplan) == (goal, world.fac1, goal.workplan)
    assert recipients(COMMENT) == team_emails(world.team_a)


def test_the_team_answers_a_comment_on_an_item_and_the_facilitators_are_told(client, world, item):
    CommentFactory(action_item=item, author=world.fac1)
    url = reverse("workplans:action_comment", args=[item.pk])
    signed_in(client, world.team_a_ed)

    client.post(url, with_token(client, url, {"body": "The data lead owns it."}))

    answer = Comment.objects.get(author=world.team_a_ed)
    assert answer.action_item == item
    assert recipients(COMMENT) == {world.fac1.email}


def test_the_team_sees_the_comments_on_its_workplan_and_its_item_page(client, world, item):
    CommentFactory(action_item=item, author=world.fac1, body="Item feedback")
    Comment.objects.create(
        workplan=item.goal.workplan, goal=item.goal, author=world.fac1, body="Goal feedback"
    )
    signed_in(client, world.team_a_ed)

    workplan_page = client.get(reverse("workplans:workplan", args=[world.team_a.pk]))
    item_page = client.get(reverse("workplans:action_item", args=[item.pk]))

    assert "Goal feedback" in workplan_page.content.decode()
    assert "Item feedback" in item_page.content.decode()


def test_an_empty_comment_is_refused_next_to_the_field(client, world, goal):
    url = reverse("workplans:goal_comment", args=[goal.pk])
    signed_in(client, world.fac1)

    response = client.post(url, with_token(client, url, {"body": "   "}))

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Write your comment."]
    assert response.content.decode().count("Write your comment.") >= 2  # summary and field
    assert not Comment.objects.exists()


def test_html_in_a_comment_is_shown_escaped(client, world, item):
    url = reverse("workplans:action_comment", args=[item.pk])
    signed_in(client, world.fac1)
    client.post(url, with_token(client, url, {"body": "<script>alert('x')</script> <b>bold</b>"}))

    page = client.get(reverse("workplans:action_item", args=[item.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in page


def test_a_comment_sent_twice_is_posted_once(client, world, goal):
    url = reverse("workplans:goal_comment", args=[goal.pk])
    signed_in(client, world.fac1)
    data = with_token(client, url, {"body": "Once is enough"})

    client.post(url, data)
    again = client.post(url, data)

    assert "already submitted" in again.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("who", ["team_b", "fac2", "team_c", "stray_partner"])
def test_a_comment_on_another_teams_goal_is_a_404(client, world, goal, who):
    signed_in(client, world.person(who))

    response = client.post(
        reverse("workplans:goal_comment", args=[goal.pk]), {"body": "Not mine to comment"}
    )

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_team_reading_a_shared_workplan_may_not_comment(client, world, goal):
    world.cohort1.shares_workplans = True
    world.cohort1.save()
    goal.workplan.shared = True
    goal.workplan.save()
    signed_in(client, world.team_b_ed)

    response = client.post(reverse("workplans:goal_comment", args=[goal.pk]), {"body": "Hi"})

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_team_reading_a_shared_workplan_does_not_see_its_comments(client, world, goal):
    world.cohort1.shares_workplans = True
    world.cohort1.save()
    goal.workplan.shared = True
    goal.workplan.save()
    Comment.objects.create(
        workplan=goal.workplan, goal=goal, author=world.fac1, body="Between you and me"
    )

    page = signed_in(client, world.team_b_ed).get(
        reverse("workplans:workplan", args=[world.team_a.pk])
    )

    assert page.status_code == 200
    assert "Between you and me" not in page.content.decode()
    assert "Mark goal reviewed" not in page.content.decode()


# What each person is offered on the workplan page -----------------------------------------------


def test_the_facilitator_is_offered_marks_and_comments_but_not_submit_or_sharing(
    client, world, goal
):
    submitted(world, goal)

    page = signed_in(client, world.fac1).get(reverse("workplans:workplan", args=[world.team_a.pk]))

    text = page.content.decode()
    assert "Mark the workplan reviewed" in text
    assert "Mark goal reviewed" in text
    assert reverse("workplans:goal_comment", args=[goal.pk]) in text
    assert "Submit for review" not in text
    assert reverse("workplans:workplan_sharing", args=[world.team_a.pk]) not in text


def test_the_team_is_offered_submit_sharing_and_answers_but_no_review_marks(client, world, goal):
    page = signed_in(client, world.team_a_ed).get(
        reverse("workplans:workplan", args=[world.team_a.pk])
    )

    text = page.content.decode()
    assert "Submit for review" in text
    assert reverse("workplans:workplan_sharing", args=[world.team_a.pk]) in text
    assert "Answer or ask" in text
    assert "Mark goal reviewed" not in text
    assert "Mark the workplan reviewed" not in text


# Query counts --------------------------------------------------------------------------------


def workplan_with_goals(world, count):
    workplan = GoalFactory(workplan__enrolment=world.team_a).workplan
    for _ in range(count - 1):
        GoalFactory(workplan=workplan)
    for goal in workplan.goals.all():
        Comment.objects.create(workplan=workplan, goal=goal, author=world.fac1, body="A thought")
        ActionItemFactory(goal=goal, owner=world.team_a_ed)
    return workplan


@pytest.mark.parametrize("goals", [2, 20])
@pytest.mark.parametrize("who", ["fac1", "team_a"])
def test_the_review_on_the_workplan_page_costs_the_same_for_2_and_20_goals(
    client, world, django_assert_max_num_queries, goals, who
):
    workplan_with_goals(world, goals)
    signed_in(client, world.person(who))
    url = reverse("workplans:workplan", args=[world.team_a.pk])

    # The workplan page's nine (session, user, staff or not, the team in scope, its workplan,
    # goals, items with owners, comments with authors, may the person edit) and the review's
    # three, asked once however many goals: staff or not, facilitator or not, on the team.
    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("A thought") == goals


@pytest.mark.parametrize("comments", [2, 20])
def test_the_comments_on_the_item_page_cost_the_same_for_2_and_20(
    client, world, item, django_assert_max_num_queries, comments
):
    for number in range(comments):
        CommentFactory(action_item=item, author=world.fac1, body=f"Comment {number}")
    signed_in(client, world.team_a_ed)

    # The item page's six (session, user, staff or not, the item in scope with its team, may
    # the person edit, its timeline) and the review's four: staff or not, facilitator or not,
    # on the team, the comments with their authors.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("workplans:action_item", args=[item.pk]))

    assert response.content.decode().count("Comment ") >= comments
