"""The comparison page: start and end side by side per dimension, on known numbers, as a chart
with a table alternative, at a constant cost."""

import re

import pytest
from django.urls import reverse

from tests.workplans.factories import DimensionFactory
from workplans.models import SelfAssessment
from workplans.selectors import assessment_comparison
from workplans.services.assessments import UNSAVED, save_draft, submit_assessment

pytestmark = pytest.mark.django_db


def take(world, phase, dimensions, levels, *, submit=True):
    answers = {
        d.pk: {"level": level, "note": ""} for d, level in zip(dimensions, levels, strict=True)
    }
    service = submit_assessment if submit else save_draft
    return service((world.team_a, phase), answers, by=world.team_a_ed, version=UNSAVED)


@pytest.fixture
def dimensions(world):
    return [
        DimensionFactory(rubric__program=world.program1, name=name)
        for name in ("Awareness", "Policies", "Data")
    ]


@pytest.fixture
def completed(world):
    world.cohort1.status = "completed"
    world.cohort1.save(update_fields=["status"])


def compare_url(world):
    return reverse("workplans:assessment_compare", args=[world.team_a.pk])


def table_rows(page):
    """[(dimension, start, end, change)] as the table shows them."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [
        tuple(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        )
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_start_1_2_3_and_end_3_2_4_change_by_2_0_and_1_an_average_of_1(
    client, world, dimensions, completed
):
    take(world, "start", dimensions, [1, 2, 3])
    take(world, "end", dimensions, [3, 2, 4])

    comparison = assessment_comparison(world.team_a)
    assert [row.change for row in comparison.rows] == [2, 0, 1]
    assert comparison.average_change == 1.0

    client.force_login(world.team_a_ed)
    page = client.get(compare_url(world)).content.decode()
    assert table_rows(page) == [
        ("Awareness", "1", "3", "+2"),
        ("Policies", "2", "2", "no change"),
        ("Data", "3", "4", "+1"),
    ]
    assert "Average change: <strong>+1.0</strong>" in page


def test_a_drop_shows_a_minus_and_a_missing_end_is_not_taken(client, world, dimensions, completed):
    take(world, "start", dimensions, [3, 2, 4])
    take(world, "end", dimensions, [2, None, 4], submit=False)  # a draft does not count yet

    client.force_login(world.fac1)
    page = client.get(compare_url(world)).content.decode()

    assert [row[3] for row in table_rows(page)] == ["not taken"] * 3
    assert "a draft, not submitted yet" in page
    assert "Average change" not in page

    save_draft_and_submit(world, dimensions, [2, 1, 4])
    page = client.get(compare_url(world)).content.decode()
    assert [row[3] for row in table_rows(page)] == ["−1", "−1", "no change"]
    assert "Average change: <strong>−0.7</strong>" in page


def save_draft_and_submit(world, dimensions, levels):
    draft = SelfAssessment.objects.get(enrolment=world.team_a, phase="end")
    answers = {
        d.pk: {"level": level, "note": ""} for d, level in zip(dimensions, levels, strict=True)
    }
    submit_assessment(draft, answers, by=world.team_a_ed, version=draft.version)


def test_the_chart_is_an_image_described_by_the_table(client, world, dimensions, completed):
    take(world, "start", dimensions, [1, 2, 3])
    take(world, "end", dimensions, [3, 2, 4])
    client.force_login(world.staff)

    page = client.get(compare_url(world)).content.decode()

    assert 'role="img"' in page
    assert 'aria-describedby="compare-table-caption"' in page
    assert '<caption id="compare-table-caption">' in page
    assert page.count('scope="row"') == 4  # three dimensions and the average
    # Level 4 is 300 wide, so the end of "Awareness" (3) is 225 and its start (1) 75.
    assert 'class="bar bar-start" x="56" y="26" width="75"' in page
    assert 'class="bar bar-end" x="56" y="50" width="225"' in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_nothing_taken_yet_shows_every_dimension_as_not_taken(client, world, dimensions):
    client.force_login(world.team_a_ed)

    page = client.get(compare_url(world)).content.decode()

    assert [row[3] for row in table_rows(page)] == ["not taken"] * 3


def test_a_dimension_name_with_html_is_escaped_in_the_chart_and_the_table(client, world):
    DimensionFactory(rubric__program=world.program1, name="<script>x()</script>")
    client.force_login(world.team_a_ed)

    page = client.get(compare_url(world)).content.decode()

    assert "<script>x()</script>" not in page
    assert page.count("&lt;script&gt;x()&lt;/script&gt;") == 2


@pytest.mark.parametrize("role", ["team_a", "staff"])
def test_the_comparison_costs_the_same_with_3_and_12_dimensions(
    client, world, completed, django_assert_max_num_queries, role
):
    dimensions = [DimensionFactory(rubric__program=world.program1) for _ in range(3)]
    client.force_login(world.person(role))
    client.get(compare_url(world))  # warm the process-wide caches first
    counts = []
    for _ in range(2):
        take_or_retake(world, dimensions)
        with django_assert_max_num_queries(9) as queries:
            assert client.get(compare_url(world)).status_code == 200
        counts.append(len(queries))
        dimensions += [DimensionFactory(rubric__program=world.program1) for _ in range(9)]
    # session, user, staff or not (the scope), the team (with its cohort, program and
    # organisation), the rubric, its dimensions, the self-assessments, their ratings, staff
    # or not (the menu): 9, none per dimension.
    assert counts[0] == counts[1]


def take_or_retake(world, dimensions):
    SelfAssessment.objects.filter(enrolment=world.team_a).delete()
    take(world, "start", dimensions, [1] * len(dimensions))
    take(world, "end", dimensions, [2] * len(dimensions))
