"""Factories for learning sessions, materials and attendance (people and cohorts come from
tests/factories.py)."""

from datetime import UTC, datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from sessions_app.models import Attendance, CalendarFeed, LearningSession, Material
from tests.factories import CohortFactory, UserFactory


class LearningSessionFactory(DjangoModelFactory):
    """A scheduled video session: 10:00 Denver daylight time on Tuesday 6 October 2026."""

    class Meta:
        model = LearningSession
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Learning session {n + 1}")
    starts_at = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
    duration_minutes = 90
    time_zone = "America/Denver"
    where = LearningSession.Where.VIDEO
    video_url = "https://video.example.org/room"
    agenda = "Welcome\nShared learning\nNext steps"

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create:
            obj.facilitators.set(extracted or obj.cohort.facilitators.all())


class LinkMaterialFactory(DjangoModelFactory):
    class Meta:
        model = Material

    session = factory.SubFactory(LearningSessionFactory)
    title = factory.Sequence(lambda n: f"Reading {n}")
    url = "https://example.org/reading"


class FileMaterialFactory(DjangoModelFactory):
    """A small PDF. Point settings.MEDIA_ROOT at a temporary folder before using it."""

    class Meta:
        model = Material

    session = factory.SubFactory(LearningSessionFactory)
    title = factory.Sequence(lambda n: f"Slides {n}")
    file = factory.LazyFunction(
        lambda: SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides", content_type="application/pdf")
    )


class AttendanceFactory(DjangoModelFactory):
    """A facilitator's mark for one person. Pass the enrolment the person sits on."""

    class Meta:
        model = Attendance

    session = factory.SubFactory(LearningSessionFactory)
    person = factory.SubFactory(UserFactory)
    enrolment = None
    mark = Attendance.Mark.PRESENT


class CalendarFeedFactory(DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    person = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"secret-token-{n:06d}")
