from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from cohorts.choices import TeamRole
from portal.celery import app as celery_app
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    MembershipFactory,
    PartnerOrganisationFactory,
    ProgramFactory,
    SeatFactory,
    StaffFactory,
    UserFactory,
)

SESSION_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"

TEAM_ROLES = [TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD, TeamRole.MEMBER]

# The tests' planning day: 1 September 2026, 11:00 in New York, before their cohorts' sessions.
SEPTEMBER_1 = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def september():
    """Planning happens on 1 September 2026, well before the session."""
    with time_machine.travel(SEPTEMBER_1, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Mail to the locmem outbox, Celery tasks run in-process, fresh rate limits, fast hashes,
    no second-factor setup in the way of staff pages."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The Celery app read its configuration once; tell it too.
    before = {key: celery_app.conf[key] for key in ("task_always_eager", "task_eager_propagates")}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Staff need a second factor before any page (accounts.middleware); the tests of that
    # rule turn it on with the `staff_mfa_required` fixture, the rest test the pages behind it.
    settings.STAFF_REQUIRE_MFA = False
    # allauth keeps its login rate limits in the cache; one test's logins must not
    # count against the next.
    cache.clear()
    yield
    cache.clear()
    celery_app.conf.update(before)


def make_team(cohort, organisation=None, roles=TEAM_ROLES):
    """An enrolment with one current seat per role (by default a full OE-style team)."""
    kwargs = {"cohort": cohort}
    if organisation is not None:
        kwargs["organisation"] = organisation
    enrolment = EnrolmentFactory(**kwargs)
    for role in roles:
        SeatFactory(enrolment=enrolment, role=role)
    return enrolment


def executive_director(enrolment):
    return enrolment.seats.current().get(role=TeamRole.EXECUTIVE_DIRECTOR).person


@dataclass
class World:
    """Two cohorts of two programs, with everyone an access test needs.

    cohort1 (program1): team_a and team_b, facilitated by fac1, partner_org assigned.
    cohort2 (program2): team_c, facilitated by fac2.
    stray_partner belongs to a planning partner assigned to no cohort.
    """

    staff: object
    program1: object
    program2: object
    cohort1: object
    cohort2: object
    team_a: object
    team_b: object
    team_c: object
    fac1: object
    fac2: object
    partner_org: object
    partner: object
    stray_partner_org: object
    stray_partner: object

    @property
    def team_a_ed(self):
        return executive_director(self.team_a)

    @property
    def team_b_ed(self):
        return executive_director(self.team_b)

    @property
    def team_c_ed(self):
        return executive_director(self.team_c)

    def person(self, role):
        """The person behind a role name used in parametrized tests."""
        return {
            "staff": self.staff,
            "fac1": self.fac1,
            "fac2": self.fac2,
            "team_a": self.team_a_ed,
            "team_b": self.team_b_ed,
            "team_c": self.team_c_ed,
            "partner": self.partner,
            "stray_partner": self.stray_partner,
        }[role]


@pytest.fixture
def world(db):
    staff = StaffFactory(full_name="Sam Staff")
    fac1 = UserFactory(full_name="Fran Facilitator")
    fac2 = UserFactory(full_name="Gail Facilitator")
    partner_org = PartnerOrganisationFactory(name="Data Partners")
    stray_partner_org = PartnerOrganisationFactory(name="Unassigned Partners")
    program1 = ProgramFactory(name="Program One")
    program2 = ProgramFactory(name="Program Two")
    cohort1 = CohortFactory(
        program=program1, name="Cohort One", facilitators=[fac1], partners=[partner_org]
    )
    cohort2 = CohortFactory(program=program2, name="Cohort Two", facilitators=[fac2])
    team_a = make_team(cohort1)
    team_b = make_team(cohort1)
    team_c = make_team(cohort2)
    partner = MembershipFactory(organisation=partner_org, role=TeamRole.MEMBER).person
    stray_partner = MembershipFactory(organisation=stray_partner_org).person
    return World(
        staff=staff,
        program1=program1,
        program2=program2,
        cohort1=cohort1,
        cohort2=cohort2,
        team_a=team_a,
        team_b=team_b,
        team_c=team_c,
        fac1=fac1,
        fac2=fac2,
        partner_org=partner_org,
        partner=partner,
        stray_partner_org=stray_partner_org,
        stray_partner=stray_partner,
    )


class PortalClient(Client):
    """force_login takes the first backend by default; ours is rules' permission backend,
    which can't load a user from the session. Sign in the way allauth does instead."""

    def force_login(self, user, backend=SESSION_BACKEND):
        super().force_login(user, backend=backend)


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def staff_mfa_required(settings):
    """Production's rule, off elsewhere in the tests: staff set up a second factor first."""
    settings.STAFF_REQUIRE_MFA = True


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
