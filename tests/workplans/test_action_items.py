"""Goal and action item forms: what the team types is saved, bad input gets a message next to
its field with nothing typed lost, and the one-click status works with htmx and without."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.submissions import with_token
from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans.models import ActionItem, Goal, ProgressUpdate, Workplan

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_client(client, world):
    client.force_login(world.team_a_ed)
    return client


@pytest.fixture
def goal(world):
    return GoalFactory(workplan__enrolment=world.team_a, title="Disaggregate enrolment data")


def action_data(**values):
    return {
        "title": "Ask the data office for the tables",
        "owner": "",
        "due_on": "2027-01-15",
        "status": "not_started",
        "blocked_reason": "",
        "note": "",
        **values,
    }


def test_the_first_goal_starts_the_workplan(team_client, world):
    url = reverse("workplans:goal_create", args=[world.team_a.pk])
    data = {"title": "Hear families first", "focus_area": "community", "target_date": ""}

    response = team_client.post(url, with_token(team_client, url, data))

    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response.url == goal.get_absolute_url()
    assert goal.workplan.enrolment == world.team_a
    assert goal.created_by == world.team_a_ed


def test_a_goal_form_sent_twice_creates_one_goal(team_client, world):
    url = reverse("workplans:goal_create", args=[world.team_a.pk])
    data = with_token(team_client, url, {"title": "Once", "focus_area": "data"})

    team_client.post(url, data)
    again = team_client.post(url, data)

    assert again.status_code == 200
    assert Goal.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the goal."),
        ({"title": "   "}, "title", "Enter a title for the goal."),
        ({"focus_area": "astrology"}, "focus_area", "Select a valid choice"),
        ({"target_date": "2026-01-31"}, "target_date", "when the cohort started"),
        ({"target_date": "31 Febtember"}, "target_date", "Enter a real date"),
    ],
)
def test_a_bad_goal_gets_a_message_next_to_the_field_and_keeps_what_was_typed(
    team_client, world, values, field, message
):
    url = reverse("workplans:goal_create", args=[world.team_a.pk])
    data = {
        "title": "Hear families first",
        "focus_area": "community",
        "description": "<script>alert('x')</script>",
        **values,
    }

    response = team_client.post(url, with_token(team_client, url, data))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert page.count('aria-invalid="true"') >= 1
    assert not Workplan.objects.exists()


def test_an_action_item_is_added_with_its_creation_on_the_timeline(team_client, world, goal):
    url = reverse("workplans:action_create", args=[goal.pk])
    owner = world.team_a_ed

    response = team_client.post(
        url, with_token(team_client, url, action_data(owner=owner.pk, note="From the kick-off"))
    )

    item = ActionItem.objects.get()
    assert response.status_code == 302
    assert (item.owner, item.due_on, item.status) == (owner, date(2027, 1, 15), "not_started")
    update = ProgressUpdate.objects.get()
    assert (update.field, update.new_value, update.note, update.by) == (
        "created",
        "not_started",
        "From the kick-off",
        owner,
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the action item."),
        ({"due_on": "2026-03-01"}, "due_on", "when the cohort started"),
        ({"status": "blocked"}, "blocked_reason", "Say why it is blocked"),
        ({"status": "blocked", "blocked_reason": "  "}, "blocked_reason", "Say why it is blocked"),
        ({"status": "finished"}, "status", "Select a valid choice"),
        ({"owner": "not-a-number"}, "owner", "Choose someone who is on the team now."),
    ],
)
def test_a_bad_action_item_gets_a_message_next_to_the_field(
    team_client, goal, values, field, message
):
    url = reverse("workplans:action_create", args=[goal.pk])
    data = action_data(**{"title": "<b>Typed</b>", "note": "Kept"} | values)

    response = team_client.post(url, with_token(team_client, url, data))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "Kept" in page
    assert "<b>Typed</b>" not in page
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("who", ["another_team", "outsider", "former_member"])
def test_a_forged_owner_who_is_not_on_the_team_is_a_field_error(team_client, world, goal, who):
    if who == "another_team":
        person = world.team_b_ed
    elif who == "outsider":
        person = UserFactory()
    else:
        seat = world.team_a.seats.current().exclude(person=world.team_a_ed).first()
        seat.ended_at = seat.started_at
        seat.save()
        person = seat.person
    url = reverse("workplans:action_create", args=[goal.pk])

    response = team_client.post(url, with_token(team_client, url, action_data(owner=person.pk)))

    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == ["Choose someone who is on the team now."]
    assert not ActionItem.objects.exists()


def test_the_owner_choices_are_the_current_team(team_client, world, goal):
    response = team_client.get(reverse("workplans:action_create", args=[goal.pk]))

    choices = set(response.context["form"].fields["owner"].queryset)
    assert choices == {seat.person for seat in world.team_a.seats.current()}


def test_editing_an_item_records_each_change_of_status_owner_and_due_date(team_client, world, goal):
    item = ActionItemFactory(goal=goal, owner=None, due_on=date(2027, 1, 15))
    url = reverse("workplans:action_edit", args=[item.pk])
    member = world.team_a.seats.current().exclude(person=world.team_a_ed).first().person

    response = team_client.post(
        url,
        action_data(
            title="Renamed",
            owner=member.pk,
            due_on="2027-02-01",
            status="blocked",
            blocked_reason="Waiting for the state's data office",
            version=item.version,
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.owner, item.status, item.version) == ("Renamed", member, "blocked", 2)
    changes = {
        u.field: (u.old_value, u.new_value) for u in ProgressUpdate.objects.filter(action_item=item)
    }
    assert changes == {
        "status": ("not_started", "blocked"),
        "owner": ("", str(member.pk)),
        "due_on": ("2027-01-15", "2027-02-01"),
    }


def test_a_save_without_changes_records_nothing(team_client, goal):
    item = ActionItemFactory(goal=goal)
    url = reverse("workplans:action_edit", args=[item.pk])

    team_client.post(url, action_data(title=item.title, version=item.version))

    assert not ProgressUpdate.objects.exists()


def test_another_teams_goal_is_404_for_the_action_form(team_client, world):
    other = GoalFactory(workplan__enrolment=world.team_b)

    assert team_client.get(reverse("workplans:action_create", args=[other.pk])).status_code == 404
    assert team_client.get(reverse("workplans:goal_edit", args=[other.pk])).status_code == 404


# One-click status ------------------------------------------------------------------------------


def test_one_click_with_htmx_returns_the_row_and_announces_the_new_status(team_client, goal):
    item = ActionItemFactory(goal=goal, title="Ask the data office")

    response = team_client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "in_progress", "version": item.version},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "workplans/_action_row.html"
    page = response.content.decode()
    assert f'id="action-{item.pk}"' in page
    assert 'hx-swap-oob="innerHTML"' in page
    assert "“Ask the data office” is In progress." in page
    assert 'value="in_progress" id="status-' in page
    item.refresh_from_db()
    assert (item.status, item.version) == ("in_progress", 2)
    assert ProgressUpdate.objects.get().new_value == "in_progress"


def test_one_click_as_a_plain_post_redirects_back(team_client, world, goal):
    item = ActionItemFactory(goal=goal)
    back = reverse("workplans:action_item", args=[item.pk])

    response = team_client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "done", "version": item.version, "next": back},
    )

    assert response.status_code == 302
    assert response.url == back
    item.refresh_from_db()
    assert item.status == "done" and item.done_at is not None


def test_a_plain_post_never_redirects_off_the_site(team_client, world, goal):
    item = ActionItemFactory(goal=goal)

    response = team_client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "done", "version": item.version, "next": "https://evil.example/"},
    )

    assert response.url == reverse("workplans:workplan", args=[world.team_a.pk]) + (
        f"#action-{item.pk}"
    )


def test_a_click_to_blocked_without_a_reason_opens_the_small_form(team_client, goal):
    item = ActionItemFactory(goal=goal)
    url = reverse("workplans:action_status", args=[item.pk])

    plain = team_client.post(url, {"status": "blocked", "version": item.version})
    htmx = team_client.post(
        url, {"status": "blocked", "version": item.version}, headers={"HX-Request": "true"}
    )

    assert plain.status_code == 200
    assert "Say why it is blocked" in plain.context["form"].errors["blocked_reason"][0]
    assert '<details class="block-form" open>' in htmx.content.decode()
    assert "Say why it is blocked" in htmx.content.decode()
    item.refresh_from_db()
    assert item.status == "not_started"


def test_a_click_to_blocked_with_a_reason_keeps_it_on_the_timeline(team_client, goal):
    item = ActionItemFactory(goal=goal)

    team_client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "blocked", "blocked_reason": "No data yet", "version": item.version},
    )

    item.refresh_from_db()
    assert (item.status, item.blocked_reason) == ("blocked", "No data yet")
    assert ProgressUpdate.objects.get().note == "No data yet"


def test_leaving_blocked_clears_the_reason(team_client, goal):
    item = ActionItemFactory(goal=goal, status="blocked", blocked_reason="No data yet")

    team_client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "in_progress", "version": item.version},
    )

    item.refresh_from_db()
    assert (item.status, item.blocked_reason) == ("in_progress", "")
