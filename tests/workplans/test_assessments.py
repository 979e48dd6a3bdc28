"""Taking a self-assessment: who sees it, a draft kept as it is, a submission once, a reopen,
two team members saving at once, and what is typed shown escaped."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cohorts.models import Cohort
from tests.workplans.factories import DimensionFactory, SelfAssessmentFactory
from workplans.models import Rating, SelfAssessment
from workplans.selectors import phase_is_open
from workplans.services.assessments import (
    UNSAVED,
    reopen_assessment,
    save_draft,
    submit_assessment,
)

# A month into cohort one (2 March – 2 September 2026): the start is open, the end is not.
NOW = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _a_month_into_the_cohort():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dimensions(world):
    return [DimensionFactory(rubric__program=world.program1) for _ in range(3)]


def url(enrolment, phase="start"):
    return reverse("workplans:assessment", args=[enrolment.pk, phase])


def signed_in(client, person):
    client.force_login(person)
    return client


def answers_post(dimensions, levels, *, version, action="draft", notes=None):
    data = {"version": version, "action": action}
    for index, (dimension, level) in enumerate(zip(dimensions, levels, strict=True)):
        if level is not None:
            data[f"level_{dimension.pk}"] = level
        data[f"note_{dimension.pk}"] = (notes or {}).get(index, "")
    return data


def checked(dimension, level):
    """The radio button of `level` for `dimension`, as a selected one is written."""
    return f'value="{level}" id="id_level_{dimension.pk}_{level - 1}" checked'


def answers(dimensions, levels):
    return {d.pk: {"level": level, "note": ""} for d, level in zip(dimensions, levels, strict=True)}


# Who sees it -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "reads", "saves"),
    [
        ("team_a", 200, 302),
        ("team_b", 404, 404),  # the team beside it in the same cohort: never shared
        ("team_c", 404, 404),
        ("fac1", 200, 403),  # reads, and may reopen, but never answers for the team
        ("fac2", 404, 404),
        ("partner", 404, 404),  # the cohort's own planning partner: never shared
        ("stray_partner", 404, 404),
        ("staff", 200, 403),
    ],
)
def test_a_teams_self_assessment_is_seen_by_the_team_its_facilitator_and_staff_only(
    client, world, dimensions, role, reads, saves
):
    SelfAssessmentFactory(enrolment=world.team_a)
    signed_in(client, world.person(role))
    compare = reverse("workplans:assessment_compare", args=[world.team_a.pk])

    assert client.get(url(world.team_a)).status_code == reads
    assert client.get(compare).status_code == reads
    post = answers_post(dimensions, [1, 1, 1], version=1)
    assert client.post(url(world.team_a), post).status_code == saves


def test_an_unknown_phase_is_a_404(client, world, dimensions):
    signed_in(client, world.team_a_ed)

    assert client.get(url(world.team_a, "middle")).status_code == 404


def test_looking_creates_nothing(client, world, dimensions):
    signed_in(client, world.team_a_ed)

    response = client.get(url(world.team_a))

    assert response.status_code == 200
    assert 'type="radio"' in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_the_team_sees_each_dimension_as_a_fieldset_with_its_four_levels(client, world, dimensions):
    signed_in(client, world.team_a_ed)

    page = client.get(url(world.team_a)).content.decode()

    assert page.count("<fieldset") == 3
    assert page.count("<legend") == 3
    for dimension in dimensions:
        for level in (1, 2, 3, 4):
            assert f'id="id_level_{dimension.pk}_{level - 1}"' in page


def test_a_facilitator_reads_it_without_a_form(client, world, dimensions):
    SelfAssessmentFactory(enrolment=world.team_a)
    signed_in(client, world.fac1)

    page = client.get(url(world.team_a)).content.decode()

    assert 'type="radio"' not in page
    assert client.post(url(world.team_a), {"version": 1, "action": "draft"}).status_code == 403


# Draft, submit, once ---------------------------------------------------------------------------


def test_a_draft_keeps_partial_answers_and_the_submission_needs_every_level(
    client, world, dimensions
):
    signed_in(client, world.team_a_ed)

    response = client.post(
        url(world.team_a), answers_post(dimensions, [2, None, None], version=UNSAVED)
    )
    assert response.status_code == 302
    saved = SelfAssessment.objects.get(enrolment=world.team_a, phase="start")
    assert saved.status == SelfAssessment.Status.DRAFT
    assert list(saved.ratings.values_list("level", flat=True)) == [2]

    response = client.post(
        url(world.team_a),
        answers_post(dimensions, [2, 3, None], version=saved.version, action="submit"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f"{dimensions[2].name}: Choose the level that describes you today." in page
    assert checked(dimensions[1], 3) in page  # nothing lost
    saved.refresh_from_db()
    assert saved.status == SelfAssessment.Status.DRAFT
    assert saved.ratings.count() == 1

    response = client.post(
        url(world.team_a),
        answers_post(dimensions, [2, 3, 4], version=saved.version, action="submit"),
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.status == SelfAssessment.Status.SUBMITTED
    assert saved.submitted_by == world.team_a_ed
    assert sorted(saved.ratings.values_list("level", flat=True)) == [2, 3, 4]


def test_a_second_submission_says_it_was_already_submitted_and_changes_nothing(
    client, world, dimensions
):
    submitted = submit_assessment(
        (world.team_a, "start"), answers(dimensions, [1, 2, 3]), by=world.team_a_ed, version=UNSAVED
    )
    signed_in(client, world.team_a_ed)

    response = client.post(
        url(world.team_a),
        answers_post(dimensions, [4, 4, 4], version=submitted.version, action="submit"),
        follow=True,
    )

    assert "already submitted" in response.content.decode()
    assert sorted(Rating.objects.values_list("level", flat=True)) == [1, 2, 3]
    with pytest.raises(ValidationError) as refused:
        submit_assessment(
            submitted, answers(dimensions, [4, 4, 4]), by=world.team_a_ed, version=submitted.version
        )
    assert refused.value.code == "submitted"


def test_the_service_refuses_a_submission_with_a_missing_level(world, dimensions):
    with pytest.raises(ValidationError) as refused:
        submit_assessment(
            (world.team_a, "start"),
            answers(dimensions, [1, None, 3]),
            by=world.team_a_ed,
            version=UNSAVED,
        )

    assert refused.value.code == "incomplete"
    assert dimensions[1].name in refused.value.messages[0]
    assert not SelfAssessment.objects.exists()


def test_nothing_is_saved_for_a_program_without_a_rubric(client, world):
    signed_in(client, world.team_a_ed)

    page = client.get(url(world.team_a)).content.decode()
    response = client.post(url(world.team_a), {"version": 0, "action": "draft"}, follow=True)

    assert "This program has no self-assessment yet." in page
    assert "no dimensions yet" in response.content.decode()
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("role", ["team_b", "fac1", "staff"])
def test_only_the_team_saves_its_answers_not_even_staff(world, dimensions, role):
    """Staff may do everything else (accounts.backends); a self-assessment is the team's
    own word about itself."""
    with pytest.raises(PermissionDenied):
        save_draft((world.team_a, "start"), {}, by=world.person(role), version=UNSAVED)


# Reopen -----------------------------------------------------------------------------------------


def test_the_facilitator_reopens_a_submitted_one_and_the_team_can_change_it_again(
    client, world, dimensions
):
    submitted = submit_assessment(
        (world.team_a, "start"), answers(dimensions, [1, 2, 3]), by=world.team_a_ed, version=UNSAVED
    )
    signed_in(client, world.fac1)
    assert "Reopen for the team" in client.get(url(world.team_a)).content.decode()

    response = client.post(reverse("workplans:assessment_reopen", args=[world.team_a.pk, "start"]))

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == SelfAssessment.Status.DRAFT
    assert submitted.reopened_by == world.fac1
    again = save_draft(
        submitted, answers(dimensions, [2, 2, 3]), by=world.team_a_ed, version=submitted.version
    )
    assert sorted(again.ratings.values_list("level", flat=True)) == [2, 2, 3]


def test_the_team_cannot_reopen_its_own_and_a_draft_has_nothing_to_reopen(
    client, world, dimensions
):
    draft = save_draft(
        (world.team_a, "start"), answers(dimensions, [1, 2, None]), by=world.team_a_ed, version=0
    )
    reopen = reverse("workplans:assessment_reopen", args=[world.team_a.pk, "start"])

    assert signed_in(client, world.team_a_ed).post(reopen).status_code == 403
    response = signed_in(client, world.staff).post(reopen, follow=True)
    assert "nothing to reopen" in response.content.decode()
    with pytest.raises(ValidationError):
        reopen_assessment(draft, by=world.staff)


# Two team members at once -----------------------------------------------------------------------


def test_the_second_of_two_saves_is_told_and_loses_nothing(client, world, dimensions):
    """Both opened the page before anything was saved (version 0): the first save wins, the
    second is shown its own answers still selected, and what is saved now beside them."""
    first = make_team_member(world)
    save_draft(
        (world.team_a, "start"),
        {dimensions[0].pk: {"level": 4, "note": "Saved first"}},
        by=first,
        version=UNSAVED,
    )
    signed_in(client, world.team_a_ed)

    response = client.post(
        url(world.team_a),
        answers_post(dimensions, [1, 2, None], version=UNSAVED, notes={0: "Typed second"}),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone on your team saved this self-assessment after you opened it" in page
    assert "Typed second" in page  # what they typed
    assert checked(dimensions[0], 1) in page
    assert "Saved first" in page  # and what is saved now
    saved = SelfAssessment.objects.get()
    assert saved.ratings.get().note == "Saved first"
    # The page now carries the saved version: saving again keeps theirs over it.
    assert f'name="version" value="{saved.version}"' in page
    again = client.post(
        url(world.team_a),
        answers_post(dimensions, [1, 2, None], version=saved.version, notes={0: "Typed second"}),
    )
    assert again.status_code == 302
    assert SelfAssessment.objects.get().ratings.get(dimension=dimensions[0]).note == "Typed second"


def make_team_member(world):
    return world.team_a.seats.current().exclude(person=world.team_a_ed).first().person


# Bad input ---------------------------------------------------------------------------------------


def test_html_and_script_in_a_note_are_shown_escaped(client, world, dimensions):
    signed_in(client, world.team_a_ed)
    script = '<script>alert("x")</script><b>bold</b>'
    client.post(
        url(world.team_a), answers_post(dimensions, [1, 2, 3], version=0, notes={0: script})
    )

    for person in (world.team_a_ed, world.fac1):
        page = signed_in(client, person).get(url(world.team_a)).content.decode()
        assert script not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_level_out_of_range_is_a_message_not_a_500(client, world, dimensions):
    signed_in(client, world.team_a_ed)
    data = answers_post(dimensions, [1, 2, 3], version=0)
    data[f"level_{dimensions[0].pk}"] = "9"

    response = client.post(url(world.team_a), data)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SelfAssessment.objects.exists()


@pytest.mark.parametrize("version", ["abc", "-1", "", "99999999999999999999"])
def test_a_page_with_an_odd_version_is_out_of_date_and_keeps_what_was_typed(
    client, world, dimensions, version
):
    signed_in(client, world.team_a_ed)
    data = answers_post(dimensions, [1, 2, 3], version=version, notes={0: "Kept"})

    response = client.post(url(world.team_a), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "out of date" in page or "after you opened it" in page
    assert "Kept" in page and checked(dimensions[1], 2) in page
    assert f'name="version" value="{UNSAVED}"' in page  # saving again now works
    assert not SelfAssessment.objects.exists()


def test_a_nul_byte_in_a_note_is_a_message_next_to_it(client, world, dimensions):
    signed_in(client, world.team_a_ed)

    response = client.post(
        url(world.team_a), answers_post(dimensions, [1, 2, 3], version=0, notes={1: "a\x00b"})
    )

    assert response.status_code == 200
    assert f'id="id_note_{dimensions[1].pk}_error"' in response.content.decode()
    assert not SelfAssessment.objects.exists()


# Which phases are open ------------------------------------------------------------------------


def test_the_end_opens_a_month_before_the_cohort_ends_or_when_it_is_completed(world):
    cohort = world.cohort1  # ends on 2 September 2026

    assert phase_is_open(cohort, "start", date(2026, 3, 1))
    assert not phase_is_open(cohort, "end", date(2026, 8, 1))
    assert phase_is_open(cohort, "end", date(2026, 8, 2))
    cohort.status = Cohort.Status.COMPLETED
    assert phase_is_open(cohort, "end", date(2026, 4, 1))


def test_before_the_end_opens_the_team_is_told_when_and_cannot_save(client, world, dimensions):
    signed_in(client, world.team_a_ed)

    page = client.get(url(world.team_a, "end")).content.decode()
    response = client.post(url(world.team_a, "end"), answers_post(dimensions, [1, 1, 1], version=0))

    assert "opens on" in page and 'type="radio"' not in page
    assert "opens on" in response.content.decode()
    assert not SelfAssessment.objects.exists()


# Query counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["team_a", "fac1"])
def test_the_assessment_page_costs_the_same_with_3_and_12_dimensions(
    client, world, django_assert_max_num_queries, role
):
    dimensions = [DimensionFactory(rubric__program=world.program1) for _ in range(3)]
    save_draft(
        (world.team_a, "start"), answers(dimensions, [1, 2, 3]), by=world.team_a_ed, version=0
    )
    signed_in(client, world.person(role))
    client.get(url(world.team_a))  # warm the process-wide caches (content types) first
    counts = []
    for _ in range(2):
        with django_assert_max_num_queries(10) as queries:
            assert client.get(url(world.team_a)).status_code == 200
        counts.append(len(queries))
        dimensions += [DimensionFactory(rubric__program=world.program1) for _ in range(9)]
        saved = SelfAssessment.objects.get()
        save_draft(
            saved,
            answers(dimensions, [2] * len(dimensions)),
            by=world.team_a_ed,
            version=saved.version,
        )
    # session, user, staff or not (the scope), the team (with its cohort, program and
    # organisation), the rubric, its dimensions, the saved self-assessment, its ratings, the
    # team seat (may they answer), staff or not (may they edit the rubric): 10, none per
    # dimension.
    assert counts[0] == counts[1]
