"""The workplans admin: staff edit rubrics; a team's working space is theirs to look at
(the portal's pages keep its timeline, versions and notices); the action-item list, the
bench's baseline, reads a page of 100 in the same few queries however many teams it shows."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory, UserFactory
from tests.workplans.factories import (
    ActionItemFactory,
    DimensionFactory,
    GoalFactory,
    RatingFactory,
    SupportRequestFactory,
)
from workplans.models import ActionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(client):
    client.force_login(StaffFactory())
    return client


def change_url(obj):
    return reverse(f"admin:workplans_{obj._meta.model_name}_change", args=[obj.pk])


def test_staff_can_edit_a_rubrics_dimension(staff_admin):
    dimension = DimensionFactory(name="Data disaggregation")

    response = staff_admin.post(
        change_url(dimension),
        {
            "rubric": dimension.rubric.pk,
            "position": 1,
            "name": "Data disaggregation by race and language",
            "description": "",
            "level_1": "Not yet",
            "level_2": "Beginning",
            "level_3": "Growing",
            "level_4": "Leading",
        },
    )

    assert response.status_code == 302
    dimension.refresh_from_db()
    assert dimension.name == "Data disaggregation by race and language"


def test_staff_can_look_at_an_action_item_but_not_change_it(staff_admin):
    item = ActionItemFactory(title="Draft the data brief")

    page = staff_admin.get(change_url(item))
    post = staff_admin.post(change_url(item), {"title": "Changed", "status": "done"})

    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    assert post.status_code == 403
    item.refresh_from_db()
    assert (item.title, item.status) == ("Draft the data brief", "not_started")


def test_staff_see_a_self_assessments_ratings_without_fields_to_change_them(staff_admin):
    rating = RatingFactory(level=3)

    response = staff_admin.get(change_url(rating.assessment))

    assert response.status_code == 200
    (ratings,) = response.context["inline_admin_formsets"]
    assert not ratings.has_change_permission
    assert not ratings.has_add_permission


def test_staff_cannot_reassign_a_support_request_here(staff_admin):
    request = SupportRequestFactory()
    someone = UserFactory()

    response = staff_admin.post(change_url(request), {"assignee": someone.pk})

    assert response.status_code == 403
    request.refresh_from_db()
    assert request.assignee is None


def test_the_action_item_list_shows_100_a_page_with_team_and_owner(staff_admin):
    owner = UserFactory(full_name="Rebecca Tsosie")
    goal = GoalFactory()
    ActionItemFactory.create_batch(3, goal=goal, owner=owner)

    response = staff_admin.get(reverse("admin:workplans_actionitem_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].list_per_page == 100
    page = response.content.decode()
    assert "Rebecca Tsosie" in page
    assert str(goal.workplan.enrolment.organisation) in page


@pytest.mark.parametrize("teams", [2, 20])
def test_the_action_item_list_reads_the_same_queries_for_2_and_20_teams(
    staff_admin, django_assert_max_num_queries, teams
):
    for _ in range(teams):
        ActionItemFactory.create_batch(2, goal=GoalFactory(), owner=UserFactory())
    url = reverse("admin:workplans_actionitem_changelist")

    # The session, the staff member and whether they are staff (3); the cohort filter's
    # choices (1); the filtered and the full count (2); the rows with their owner, goal,
    # workplan and team (1).
    with django_assert_max_num_queries(7):
        response = staff_admin.get(url)

    assert len(response.context["cl"].result_list) == ActionItem.objects.count()
