"""factory_boy factories for people, organisations, programs, cohorts and teams.

Every person made here can log in at once: a known password and a verified email address
(the portal asks allauth for mandatory verification).
"""

import datetime

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import STAFF_GROUP, Invitation, User
from cohorts.choices import FocusArea, OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Membership, Organisation, Program, Seat

PASSWORD = "a-long-test-passphrase-2026"

STATES = ["AZ", "CO", "IA", "NC", "PA", "WA", "WI", "HI", "AK", "OR", "NM", "ME"]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n:04d}")
    time_zone = "America/New_York"
    language = "en"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        """allauth refuses a login until the address is verified; invitations verify it."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    full_name = factory.Sequence(lambda n: f"Staff {n:04d}")

    @factory.post_generation
    def staff_group(obj, create, extracted, **kwargs):
        # get_or_create: a transactional test's flush removes the group the migrations made.
        if create:
            obj.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])


def add_authenticator_app(person):
    """Set up an authenticator app (TOTP) for the person, as allauth's activation saves it.
    Returns its secret, from which a test can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret


class OrganisationFactory(DjangoModelFactory):
    """A state grantee (the default organisation kind in a cohort)."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"State Grantee {n:04d}")
    kind = OrganisationKind.STATE_GRANTEE
    state = factory.Iterator(STATES)
    focus_area = ""


class PartnerOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Planning Partner {n:04d}")
    kind = OrganisationKind.PLANNING_PARTNER
    state = ""
    focus_area = factory.Iterator(FocusArea.values)


class ProgramFactory(DjangoModelFactory):
    """A small program: 2 to 4 organisations, teams of three with the executive director."""

    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Learning Program {n:04d}")
    short_name = factory.Sequence(lambda n: f"LP{n}")
    summary = "A program made for a test."
    months = 6
    session_count = 6
    min_organisations = 2
    max_organisations = 4
    team_size = 3
    required_roles = factory.LazyFunction(lambda: [TeamRole.EXECUTIVE_DIRECTOR.value])


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n:04d}")
    starts_on = datetime.date(2026, 3, 2)
    ends_on = factory.LazyAttribute(lambda o: Cohort.default_end(o.program, o.starts_on))

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilitators.set(extracted)

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.partners.set(extracted)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = TeamRole.MEMBER


class SeatFactory(DjangoModelFactory):
    """A current seat. Like the add_seat service, it makes the person a member of the org."""

    class Meta:
        model = Seat
        skip_postgeneration_save = True

    enrolment = factory.SubFactory(EnrolmentFactory)
    person = factory.SubFactory(UserFactory)
    role = TeamRole.MEMBER

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Membership.objects.get_or_create(
                person=obj.person,
                organisation=obj.enrolment.organisation,
                defaults={"role": obj.role},
            )


class InvitationFactory(DjangoModelFactory):
    """An open invitation for a state team member (made directly, no email sent)."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Invitee {n:04d}")
    kind = Invitation.Kind.TEAM
    organisation = factory.SubFactory(OrganisationFactory)
    team_role = TeamRole.MEMBER
    invited_by = factory.SubFactory(StaffFactory)
