"""Who reads team A's workplan: role × page → 200 or 404, with the cohort sharing workplans or
not and team A opted in or not. Another team of the cohort reads it only when both hold, and
never changes it; self-assessments are never shared."""

import pytest
from django.urls import reverse

from tests.workplans.factories import (
    ActionItemFactory,
    GoalFactory,
    SelfAssessmentFactory,
    SupportRequestFactory,
)
from workplans.models import Comment, Workplan, WorkplanSnapshot

OPTED_IN = "team A opted in"
COHORT_SHARES = "the cohort shares workplans"
SETTINGS = {
    "private": (),
    "opted in, cohort does not share": (OPTED_IN,),
    "cohort shares, not opted in": (COHORT_SHARES,),
    "shared": (OPTED_IN, COHORT_SHARES),
}
# Always: the team itself, the cohort's facilitator, staff. Never: a team and a facilitator
# of another cohort, a planning partner with no request of team A's, one assigned nowhere.
ALWAYS = ["team_a", "fac1", "staff"]
NEVER = ["team_c", "fac2", "partner", "stray_partner"]


@pytest.fixture
def team_a_work(world):
    item = ActionItemFactory(goal=GoalFactory(workplan__enrolment=world.team_a))
    WorkplanSnapshot.objects.create(workplan=item.goal.workplan, data={"goals": []})
    return {
        "assessment": SelfAssessmentFactory(enrolment=world.team_a),
        "goal": item.goal,
        "item": item,
    }


def arrange(world, setting):
    world.cohort1.shares_workplans = COHORT_SHARES in SETTINGS[setting]
    world.cohort1.save(update_fields=["shares_workplans"])
    Workplan.objects.filter(enrolment=world.team_a).update(shared=OPTED_IN in SETTINGS[setting])


def read_pages(world, work):
    return {
        "workplan": reverse("workplans:workplan", args=[world.team_a.pk]),
        "action item": reverse("workplans:action_item", args=[work["item"].pk]),
        "snapshot": reverse("workplans:snapshot", args=[world.team_a.pk]),
        "timeline": reverse("workplans:timeline", args=[world.team_a.pk]),
    }


def expected(who, setting):
    if who in ALWAYS:
        return 200
    if who == "team_b" and setting == "shared":
        return 200
    return 404


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("who", [*ALWAYS, "team_b", *NEVER])
def test_who_reads_team_as_workplan(client, world, team_a_work, who, setting):
    arrange(world, setting)
    client.force_login(world.person(who))

    answers = {
        page: client.get(url).status_code for page, url in read_pages(world, team_a_work).items()
    }

    assert answers == dict.fromkeys(answers, expected(who, setting))


@pytest.mark.parametrize("setting", SETTINGS)
def test_self_assessments_are_never_shared_with_another_team(client, world, team_a_work, setting):
    arrange(world, setting)
    client.force_login(world.team_b_ed)

    response = client.get(reverse("workplans:assessment", args=[world.team_a.pk, "start"]))

    assert response.status_code == 404


def test_a_reading_team_changes_nothing(client, world, team_a_work):
    arrange(world, "shared")
    client.force_login(world.team_b_ed)
    goal, item = team_a_work["goal"], team_a_work["item"]

    answers = [
        client.post(reverse("workplans:workplan_submit", args=[world.team_a.pk])),
        client.post(
            reverse("workplans:workplan_sharing", args=[world.team_a.pk]), {"shared": "no"}
        ),
        client.post(reverse("workplans:goal_comment", args=[goal.pk]), {"body": "Nice"}),
        client.post(reverse("workplans:action_comment", args=[item.pk]), {"body": "Nice"}),
        client.post(reverse("workplans:goal_reviewed", args=[goal.pk])),
        client.post(reverse("workplans:action_reviewed", args=[item.pk])),
    ]

    assert [response.status_code for response in answers] == [403] * len(answers)
    workplan = Workplan.objects.get(enrolment=world.team_a)
    assert (workplan.status, workplan.shared) == (Workplan.Status.DRAFT, True)
    assert not Comment.objects.exists()


def test_the_reading_team_is_told_it_only_reads(client, world, team_a_work):
    arrange(world, "shared")
    client.force_login(world.team_b_ed)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "You are reading this workplan; you can't change it." in page
    assert "Submit for review" not in page


# The team's choice -----------------------------------------------------------------------------


def test_the_team_opts_in_and_another_team_can_read_it(client, world, team_a_work):
    arrange(world, "cohort shares, not opted in")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:workplan_sharing", args=[world.team_a.pk]),
        {"shared": "yes"},
        follow=True,
    )

    assert "the other teams of your cohort can read it" in response.content.decode()
    client.force_login(world.team_b_ed)
    assert client.get(reverse("workplans:workplan", args=[world.team_a.pk])).status_code == 200


def test_opting_in_while_the_cohort_does_not_share_is_kept_and_says_it_has_no_effect(
    client, world, team_a_work
):
    arrange(world, "private")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:workplan_sharing", args=[world.team_a.pk]),
        {"shared": "yes"},
        follow=True,
    )

    assert "does not share workplans at the moment" in response.content.decode()
    assert Workplan.objects.get(enrolment=world.team_a).shared
    client.force_login(world.team_b_ed)
    assert client.get(reverse("workplans:workplan", args=[world.team_a.pk])).status_code == 404


def test_the_sharing_control_says_whether_the_cohort_shares(client, world, team_a_work):
    client.force_login(world.team_a_ed)
    url = reverse("workplans:workplan", args=[world.team_a.pk])

    arrange(world, "private")
    not_sharing = client.get(url).content.decode()
    arrange(world, "cohort shares, not opted in")
    sharing = client.get(url).content.decode()

    assert "Your cohort does not share workplans at the moment" in not_sharing
    assert "Your cohort shares workplans" in sharing


def test_the_team_opts_out_and_the_other_team_loses_sight_of_it(client, world, team_a_work):
    arrange(world, "shared")
    client.force_login(world.team_a_ed)

    client.post(reverse("workplans:workplan_sharing", args=[world.team_a.pk]), {"shared": "no"})

    client.force_login(world.team_b_ed)
    assert client.get(reverse("workplans:workplan", args=[world.team_a.pk])).status_code == 404


def test_a_sharing_answer_that_is_neither_yes_nor_no_changes_nothing(client, world, team_a_work):
    arrange(world, "private")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:workplan_sharing", args=[world.team_a.pk]),
        {"shared": "<script>x</script>"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Choose yes or no: share your workplan or not." in response.content.decode()
    assert "<script>x</script>" not in response.content.decode()
    assert not Workplan.objects.get(enrolment=world.team_a).shared


def test_a_facilitator_does_not_choose_for_the_team(client, world, team_a_work):
    client.force_login(world.fac1)

    response = client.post(
        reverse("workplans:workplan_sharing", args=[world.team_a.pk]), {"shared": "yes"}
    )

    assert response.status_code == 403
    assert not Workplan.objects.get(enrolment=world.team_a).shared


def test_a_partner_helping_the_team_reads_the_workplan_without_its_comments(
    client, world, team_a_work
):
    SupportRequestFactory(enrolment=world.team_a, partner=world.partner_org, status="assigned")
    Comment.objects.create(
        workplan=team_a_work["goal"].workplan,
        goal=team_a_work["goal"],
        author=world.fac1,
        body="Between the team and its facilitators",
    )
    client.force_login(world.partner)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk]))
    comment_page = client.get(reverse("workplans:goal_comment", args=[team_a_work["goal"].pk]))

    assert page.status_code == 200
    assert "Between the team and its facilitators" not in page.content.decode()
    assert "You are reading this workplan" in page.content.decode()
    assert comment_page.status_code == 403
