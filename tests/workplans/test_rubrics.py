"""Rubrics are data: the two starting programs have theirs from a data migration, and staff
edit any program's rubric — a missing level is a message beside it, an answered dimension
stays."""

import pytest
from django.urls import reverse

from cohorts.models import Program
from tests.submissions import with_token
from tests.workplans.factories import DimensionFactory, RatingFactory, RubricFactory
from workplans.models import Dimension, Rubric
from workplans.rubrics import RUBRICS, ensure_rubrics

pytestmark = pytest.mark.django_db

DIMENSION = {
    "name": "Budget equity",
    "description": "Who the budget serves.",
    "level_1": "Not looked at",
    "level_2": "Looked at once",
    "level_3": "Reviewed every year",
    "level_4": "Set with the community",
}


# The seeded rubrics -----------------------------------------------------------------------------


def test_the_starting_programs_have_their_rubrics_from_the_migration():
    oe = Rubric.objects.get(program__name="Operationalizing Equity")
    cppp = Rubric.objects.get(
        program__name="Centering Parent and Practitioner Power Community of Practice"
    )

    assert list(oe.dimensions.values_list("name", flat=True)) == [
        "Personal and interpersonal awareness",
        "Organisational policies and practices",
        "Data disaggregation",
        "Community and family voice",
        "Power sharing",
        "Communications",
    ]
    assert cppp.dimensions.count() == 4
    for dimension in Dimension.objects.filter(rubric__in=[oe, cppp]):
        assert all(text.strip() for _, text in dimension.levels), dimension.name
        assert len({text for _, text in dimension.levels}) == 4, dimension.name


def test_ensuring_the_rubrics_again_keeps_staff_edits():
    oe = Rubric.objects.get(program__name="Operationalizing Equity")
    oe.dimensions.filter(position=0).update(level_1="Edited by staff")

    ensure_rubrics(Program, Rubric, Dimension)

    assert Rubric.objects.filter(program__name__in=[r["program"] for r in RUBRICS]).count() == 2
    assert oe.dimensions.count() == 6
    assert oe.dimensions.get(position=0).level_1 == "Edited by staff"


# Who edits them ----------------------------------------------------------------------------------


@pytest.fixture
def rubric(world):
    return RubricFactory(program=world.program1)


def edit_url(program):
    return reverse("workplans:rubric_edit", args=[program.pk])


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("fac1", 403), ("team_a", 403)])
def test_only_staff_edit_a_rubric_and_others_who_see_the_program_are_refused(
    client, world, rubric, role, status
):
    client.force_login(world.person(role))

    assert client.get(edit_url(world.program1)).status_code == status


@pytest.mark.parametrize("role", ["team_c", "fac2", "stray_partner"])
def test_a_program_someone_does_not_take_part_in_is_a_404(client, world, rubric, role):
    dimension = DimensionFactory(rubric=rubric)
    client.force_login(world.person(role))

    assert client.get(edit_url(world.program1)).status_code == 404
    assert (
        client.get(reverse("workplans:rubric_dimension_add", args=[world.program1.pk])).status_code
        == 404
    )
    for name in ("rubric_dimension_edit", "rubric_dimension_delete"):
        assert client.post(reverse(f"workplans:{name}", args=[dimension.pk])).status_code == 404
    assert Dimension.objects.filter(pk=dimension.pk).exists()


def test_the_program_page_links_staff_to_its_rubric(staff_client, world):
    page = staff_client.get(world.program1.get_absolute_url()).content.decode()

    assert edit_url(world.program1) in page


# Editing ----------------------------------------------------------------------------------------


def test_staff_add_a_dimension_at_the_end_of_a_program_without_a_rubric(staff_client, world):
    url = reverse("workplans:rubric_dimension_add", args=[world.program1.pk])

    response = staff_client.post(url, with_token(staff_client, url, DIMENSION))

    assert response.status_code == 302
    rubric = Rubric.objects.get(program=world.program1)
    assert rubric.title == "Program One self-assessment"
    assert rubric.dimensions.get().level_4 == "Set with the community"
    second = staff_client.post(url, with_token(staff_client, url, {**DIMENSION, "name": "Next"}))
    assert second.status_code == 302
    assert list(rubric.dimensions.values_list("name", "position")) == [
        ("Budget equity", 0),
        ("Next", 1),
    ]


@pytest.mark.parametrize("missing", ["level_1", "level_3"])
def test_a_dimension_with_a_missing_level_gets_a_message_next_to_it_and_nothing_typed_is_lost(
    staff_client, world, missing
):
    url = reverse("workplans:rubric_dimension_add", args=[world.program1.pk])

    response = staff_client.post(url, with_token(staff_client, url, {**DIMENSION, missing: "  "}))

    assert response.status_code == 200
    page = response.content.decode()
    level = missing[-1]
    assert f"Level {level}: Describe what an organisation at this level looks like." in page
    assert f'href="#id_{missing}"' in page  # the error summary links to the field
    assert f'aria-describedby="id_{missing}_helptext id_{missing}_error"' in page
    assert f'<div id="id_{missing}_error" class="invalid-feedback">' in page
    assert "Set with the community" in page  # the other levels as typed
    assert "Budget equity" in page
    assert not Dimension.objects.filter(rubric__program=world.program1).exists()


def test_two_dimensions_of_a_rubric_cannot_share_a_name(staff_client, world, rubric):
    DimensionFactory(rubric=rubric, name="Budget equity")
    url = reverse("workplans:rubric_dimension_add", args=[world.program1.pk])

    response = staff_client.post(
        url, with_token(staff_client, url, {**DIMENSION, "name": "budget EQUITY"})
    )

    assert "This rubric already has a dimension called budget EQUITY." in response.content.decode()
    assert rubric.dimensions.count() == 1


def test_staff_edit_a_dimensions_wording(staff_client, world, rubric):
    dimension = DimensionFactory(rubric=rubric)
    url = reverse("workplans:rubric_dimension_edit", args=[dimension.pk])

    response = staff_client.post(url, {**DIMENSION, "level_2": "Clearer wording"})

    assert response.status_code == 302
    dimension.refresh_from_db()
    assert (dimension.name, dimension.level_2) == ("Budget equity", "Clearer wording")


def test_staff_save_the_title_and_introduction(staff_client, world, rubric):
    response = staff_client.post(
        edit_url(world.program1), {"title": "Where we stand", "introduction": "Be honest."}
    )

    assert response.status_code == 302
    rubric.refresh_from_db()
    assert (rubric.title, rubric.introduction) == ("Where we stand", "Be honest.")
    empty = staff_client.post(edit_url(world.program1), {"title": "", "introduction": "Kept"})
    assert "Give the self-assessment a title." in empty.content.decode()
    assert "Kept" in empty.content.decode()


def test_staff_move_a_dimension_up_and_down_and_nothing_moves_past_either_end(
    staff_client, world, rubric
):
    first, second, third = (DimensionFactory(rubric=rubric, name=n) for n in "ABC")

    def move(dimension, direction):
        url = reverse("workplans:rubric_dimension_move", args=[dimension.pk])
        assert staff_client.post(url, {"direction": direction}).status_code == 302
        return list(rubric.dimensions.order_by("position").values_list("name", flat=True))

    assert move(third, "up") == ["A", "C", "B"]
    assert move(first, "down") == ["C", "A", "B"]
    assert move(third, "up") == ["C", "A", "B"]
    assert move(second, "down") == ["C", "A", "B"]
    assert move(second, "sideways") == ["C", "A", "B"]


def test_an_unanswered_dimension_is_deleted(staff_client, world, rubric):
    dimension = DimensionFactory(rubric=rubric)
    url = reverse("workplans:rubric_dimension_delete", args=[dimension.pk])

    assert "Delete the dimension" in staff_client.get(url).content.decode()
    response = staff_client.post(url)

    assert response.status_code == 302
    assert not Dimension.objects.filter(pk=dimension.pk).exists()


def test_an_answered_dimension_cannot_be_deleted_and_says_why(staff_client, world, rubric):
    dimension = DimensionFactory(rubric=rubric, name="Data")
    RatingFactory(dimension=dimension, assessment__enrolment=world.team_a)
    url = reverse("workplans:rubric_dimension_delete", args=[dimension.pk])

    rubric_page = staff_client.get(edit_url(world.program1)).content.decode()
    confirm = staff_client.get(url).content.decode()
    response = staff_client.post(url, follow=True)

    assert "So it is kept: it cannot be deleted." in rubric_page
    assert url not in rubric_page
    assert "cannot be deleted" in confirm and "Delete the dimension" not in confirm
    assert (
        "Data cannot be deleted: a team has already answered it in 1 self-assessment"
        in response.content.decode()
    )
    assert Dimension.objects.filter(pk=dimension.pk).exists()


def test_html_in_a_dimension_is_shown_escaped(staff_client, world, rubric):
    DimensionFactory(rubric=rubric, name="<b>Bold</b>", level_1="<script>alert(1)</script>")

    page = staff_client.get(edit_url(world.program1)).content.decode()

    assert "<b>Bold</b>" not in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page
