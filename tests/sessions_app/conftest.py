from datetime import date

import pytest

from tests.conftest import make_team, utc
from tests.factories import CohortFactory, OrganisationFactory, UserFactory
from tests.sessions_app.factories import LearningSessionFactory


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded materials go to a temporary folder, removed after the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def denver_facilitator(db):
    return UserFactory(full_name="Morgan Denver", time_zone="America/Denver")


@pytest.fixture
def facilitator_client(client, denver_facilitator):
    """A client signed in as the cohort across zones' facilitator."""
    client.force_login(denver_facilitator)
    return client


@pytest.fixture
def zones_cohort(denver_facilitator):
    """A cohort facilitated from Denver with teams in Arizona, Hawaii and Alaska, from
    September 2026 to the end of February 2027."""
    cohort = CohortFactory(
        name="Cohort Across Zones",
        facilitators=[denver_facilitator],
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 2, 26),
    )
    for state, name in [("AZ", "Arizona Team"), ("HI", "Hawaii Team"), ("AK", "Alaska Team")]:
        make_team(cohort, OrganisationFactory(name=name, state=state))
    return cohort


@pytest.fixture
def session(zones_cohort):
    """Its first session, "Kick-off": Tuesday 6 October 2026, 10:00 in Denver."""
    return LearningSessionFactory(
        cohort=zones_cohort, number=1, title="Kick-off", starts_at=utc(2026, 10, 6, 16, 0)
    )
