"""Factories for rubrics, self-assessments, workplans and support requests (people, cohorts
and teams come from tests/factories.py)."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from cohorts.choices import FocusArea
from tests.factories import EnrolmentFactory, ProgramFactory
from workplans.choices import GoalFocus
from workplans.models import (
    ActionItem,
    CheckIn,
    Comment,
    Dimension,
    Goal,
    Rating,
    Rubric,
    SelfAssessment,
    SupportRequest,
    Workplan,
)


class RubricFactory(DjangoModelFactory):
    class Meta:
        model = Rubric
        django_get_or_create = ("program",)

    program = factory.SubFactory(ProgramFactory)
    title = factory.LazyAttribute(lambda o: f"{o.program.name} self-assessment")


class DimensionFactory(DjangoModelFactory):
    class Meta:
        model = Dimension

    rubric = factory.SubFactory(RubricFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Dimension {n + 1}")
    level_1 = "Not yet begun"
    level_2 = "Beginning"
    level_3 = "Growing"
    level_4 = "Leading"


class SelfAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = SelfAssessment

    enrolment = factory.SubFactory(EnrolmentFactory)
    phase = SelfAssessment.Phase.START


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = Rating

    assessment = factory.SubFactory(SelfAssessmentFactory)
    dimension = factory.SubFactory(DimensionFactory)
    level = 2


class WorkplanFactory(DjangoModelFactory):
    class Meta:
        model = Workplan
        django_get_or_create = ("enrolment",)

    enrolment = factory.SubFactory(EnrolmentFactory)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    workplan = factory.SubFactory(WorkplanFactory)
    title = factory.Sequence(lambda n: f"Goal {n + 1}")
    focus_area = GoalFocus.DATA
    target_date = date(2027, 3, 31)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Action {n + 1}")
    due_on = date(2027, 1, 15)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    action_item = factory.SubFactory(ActionItemFactory)
    workplan = factory.LazyAttribute(lambda o: o.action_item.goal.workplan)
    body = "Good progress: who else needs to be in the room?"


class SupportRequestFactory(DjangoModelFactory):
    class Meta:
        model = SupportRequest

    enrolment = factory.SubFactory(EnrolmentFactory)
    focus_area = FocusArea.DATA
    need = "Help disaggregating our enrolment data by race and language."
    needed_by = date(2027, 2, 1)


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    enrolment = factory.SubFactory(EnrolmentFactory)
    number = factory.Sequence(lambda n: n + 1)
    due_on = date(2027, 3, 1)
    planned_due_on = factory.LazyAttribute(lambda o: o.due_on)
