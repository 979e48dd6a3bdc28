"""Sign-up is by invitation only: the whole flow, with the email captured."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, User
from cohorts.choices import TeamRole
from cohorts.models import Membership
from notifications.services import rows_about
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrolmentFactory,
    InvitationFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    UserFactory,
)
from tests.submissions import with_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sunlit-orchard-ladder-42"
LINK = re.compile(r"https?://\S+/invitations/accept/[\w-]+/")


def invite_url():
    return reverse("accounts:invitation_create")


def invite(client, data):
    """The invitation form sent as the browser sends it, with its one-time token."""
    return client.post(invite_url(), with_token(client, invite_url(), data))


def link_in(message):
    """The path of the accept link in an invitation email (plain-text part)."""
    return urlparse(LINK.search(message.body).group(0)).path


def team_invitation_data(enrolment, **overrides):
    data = {
        "email": "Nia.Okafor@Example.test",
        "full_name": "Nia Okafor",
        "kind": "team",
        "organisation": enrolment.organisation.pk,
        "team_role": TeamRole.EXECUTIVE_DIRECTOR,
        "enrolment": enrolment.pk,
        "cohort": "",
        "language": "en",
    }
    return data | overrides


def accept_data(**overrides):
    data = {
        "full_name": "Nia A. Okafor",
        "time_zone": "America/Phoenix",
        "language": "en",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return data | overrides


def send_invitation(staff, django_capture_on_commit_callbacks, **kwargs):
    """Invite through the service, running the on-commit email task."""
    kwargs.setdefault("email", "invitee@example.test")
    kwargs.setdefault("kind", "team")
    kwargs.setdefault("team_role", TeamRole.MEMBER)
    if kwargs["kind"] == "team":
        kwargs.setdefault("organisation", OrganisationFactory())
    with django_capture_on_commit_callbacks(execute=True):
        return services.invite(by=staff, **kwargs)


def assert_closed_page(response, explanation):
    assert response.status_code == 200
    assert "accounts/invitation_closed.html" in [t.name for t in response.templates]
    assert "form" not in response.context
    content = response.content.decode()
    assert "This invitation link can" in content
    assert explanation in content
    assert 'name="password1"' not in content


# The happy path ------------------------------------------------------------------------------


def test_a_team_member_is_invited_sets_a_password_and_lands_on_home(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    enrolment = EnrolmentFactory(organisation__state="AZ")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff_client, team_invitation_data(enrolment))
    assert response.status_code == 302
    assert response.url == reverse("accounts:invitation_list")

    # The email: to the lower-cased address, with the link.
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nia.okafor@example.test"]
    assert "invited" in email.subject
    assert staff.full_name in email.body
    assert enrolment.organisation.name in email.body
    html = email.alternatives[0]
    assert html[1] == "text/html"
    path = link_in(email)
    invitation = Invitation.objects.get()
    assert path == reverse("accounts:invitation_accept", args=[invitation.key])
    assert invitation.send_count == 1
    # Sent through the notification ledger: one row about this invitation, marked sent.
    (row,) = rows_about(invitation)
    assert (row.kind, row.state, row.to_email) == ("invitation", "sent", email.to[0])

    # The link shows the form, the time zone taken from the organisation's state.
    invitee = Client()
    response = invitee.get(path)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["time_zone"].value() == "America/Phoenix"
    assert form["full_name"].value() == "Nia Okafor"
    assert 'name="password1"' in response.content.decode()

    # Setting name, password and zone signs the person in and lands them on home.
    response = invitee.post(path, accept_data(time_zone="America/Denver"))
    assert response.status_code == 302
    assert response.url == "/"
    response = invitee.get(response.url)
    assert response.status_code == 200
    person = User.objects.get(email="nia.okafor@example.test")
    assert response.context["user"] == person
    assert response.context["roles"].team
    assert 'id="team-heading"' in response.content.decode()

    assert person.full_name == "Nia A. Okafor"
    assert person.time_zone == "America/Denver"
    assert person.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=person).verified
    membership = Membership.objects.get(person=person)
    assert (membership.organisation, membership.role) == (
        enrolment.organisation,
        TeamRole.EXECUTIVE_DIRECTOR,
    )
    seat = enrolment.seats.current().get(person=person)
    assert seat.role == TeamRole.EXECUTIVE_DIRECTOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.status == Invitation.Status.ACCEPTED

    # And the password works on the sign-in page afterwards.
    invitee.logout()
    response = invitee.post(
        reverse("account_login"), {"login": "nia.okafor@example.test", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"


def test_a_facilitator_invitation_names_the_person_on_the_cohort(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    send_invitation(
        staff, django_capture_on_commit_callbacks, kind="facilitator", cohort=cohort, team_role=""
    )
    response = Client().post(link_in(mailoutbox[0]), accept_data())
    assert response.status_code == 302
    person = User.objects.get(email="invitee@example.test")
    assert list(cohort.facilitators.all()) == [person]
    assert not person.seats.exists()


def test_a_partner_invitation_makes_the_person_a_member_of_the_partner(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    partner_org = PartnerOrganisationFactory()
    CohortFactory(name="Supported Cohort", partners=[partner_org])
    send_invitation(
        staff,
        django_capture_on_commit_callbacks,
        kind="partner",
        organisation=partner_org,
        team_role="",
    )
    invitee = Client()
    response = invitee.post(link_in(mailoutbox[0]), accept_data(), follow=True)
    person = User.objects.get(email="invitee@example.test")
    assert person.memberships.get().organisation == partner_org
    assert response.context["roles"].partner
    assert "Supported Cohort" in response.content.decode()


def test_the_welcome_after_accepting_speaks_the_language_the_person_chose(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    invitee = Client(headers={"accept-language": "en"})

    response = invitee.post(link_in(mailoutbox[0]), accept_data(language="es"), follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Le damos la bienvenida, Nia A. Okafor. Su cuenta está lista."]
    assert '<html lang="es"' in response.content.decode()


def test_a_staff_invitation_puts_the_person_in_the_staff_group(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks, kind="staff", team_role="")
    Client().post(link_in(mailoutbox[0]), accept_data())
    person = User.objects.get(email="invitee@example.test")
    assert person.is_alliance_staff


def test_accepting_with_passwords_that_differ_keeps_what_was_typed(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    response = Client().post(
        link_in(mailoutbox[0]),
        accept_data(full_name="Typed Name", password2="something-else-entirely"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "password2" in form.errors
    assert form["full_name"].value() == "Typed Name"
    assert form["time_zone"].value() == "America/Phoenix"
    assert response.content.decode().count("<title>Error:") == 1
    assert not User.objects.filter(email="invitee@example.test").exists()


def test_accepting_with_a_time_zone_that_does_not_exist_is_a_field_error(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    response = Client().post(link_in(mailoutbox[0]), accept_data(time_zone="Mars/Olympus"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "is not a time zone we know" in form.errors["time_zone"][0]
    assert form["full_name"].value() == "Nia A. Okafor"
    assert not User.objects.filter(email="invitee@example.test").exists()


# Links that can no longer be used ------------------------------------------------------------


def test_an_expired_link_shows_the_closed_page_saying_to_ask_again(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    path = link_in(mailoutbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        invitee = Client()
        response = invitee.get(path)
        assert_closed_page(response, "The link has expired")
        assert "send it again" in response.content.decode()
        response = invitee.post(path, accept_data())
        assert_closed_page(response, "The link has expired")
    assert not User.objects.filter(email="invitee@example.test").exists()


def test_a_link_still_works_on_its_last_day(staff, mailoutbox, django_capture_on_commit_callbacks):
    send_invitation(staff, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23), tick=False):
        response = Client().get(link_in(mailoutbox[0]))
    assert "form" in response.context


def test_a_revoked_link_shows_the_closed_page(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = send_invitation(staff, django_capture_on_commit_callbacks)
    response = staff_client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED

    invitee = Client()
    path = link_in(mailoutbox[0])
    assert_closed_page(invitee.get(path), "withdrawn")
    assert_closed_page(invitee.post(path, accept_data()), "withdrawn")
    assert not User.objects.filter(email="invitee@example.test").exists()


def test_a_used_link_shows_the_closed_page_saying_to_sign_in(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    path = link_in(mailoutbox[0])
    Client().post(path, accept_data())
    assert User.objects.filter(email="invitee@example.test").count() == 1

    again = Client()
    assert_closed_page(again.get(path), "already been used")
    response = again.post(path, accept_data(password1="x" * 20, password2="x" * 20))
    assert_closed_page(response, "already been used")
    assert User.objects.filter(email="invitee@example.test").count() == 1
    assert User.objects.get(email="invitee@example.test").check_password(NEW_PASSWORD)


def test_a_link_with_an_unknown_key_shows_the_closed_page(db):
    response = Client().get(reverse("accounts:invitation_accept", args=["not-a-real-key"]))
    assert_closed_page(response, "We don't recognise this link")


def test_a_signed_in_person_opening_a_link_is_told_to_sign_out_first(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    send_invitation(staff, django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    response = client.get(link_in(mailoutbox[0]))
    assert_closed_page(response, "sign out first")


# Inviting ------------------------------------------------------------------------------------


def test_inviting_an_existing_account_adds_the_role_and_makes_no_second_account(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(email="known@example.test")
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            staff_client,
            {
                "email": "Known@Example.TEST",
                "kind": "facilitator",
                "cohort": cohort.pk,
                "language": "en",
            },
        )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="known@example.test").count() == 1
    assert list(cohort.facilitators.all()) == [person]
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == person
    # The person is told of the new role; the email has no accept link.
    assert len(mailoutbox) == 1
    assert "new role" in mailoutbox[0].subject
    assert not LINK.search(mailoutbox[0].body)
    response = staff_client.get(response.url)
    assert "already has an account" in response.content.decode()


def test_an_invitation_sent_twice_invites_once(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    data = with_token(staff_client, invite_url(), team_invitation_data(EnrolmentFactory()))
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(invite_url(), data)
        again = staff_client.post(invite_url(), data)

    assert first.status_code == 302
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1
    # Not "already has an invitation waiting": it is the one this form sent.
    assert again.status_code == 200
    content = again.content.decode()
    assert "This form was already submitted, so nothing new was created." in content
    invitations = reverse("accounts:invitation_list")
    assert f'<a href="{invitations}">See what it created.</a>' in content
    assert list(again.context["form"].errors) == ["__all__"]


def test_inviting_an_existing_account_onto_a_team_gives_it_a_seat(
    staff, django_capture_on_commit_callbacks
):
    person = UserFactory()
    enrolment = EnrolmentFactory()
    send_invitation(
        staff,
        django_capture_on_commit_callbacks,
        email=person.email.upper(),
        organisation=enrolment.organisation,
        enrolment=enrolment,
    )
    assert enrolment.seats.current().get().person == person
    assert User.objects.count() == 2  # staff and the person


def test_inviting_an_address_with_an_open_invitation_is_an_error_on_the_email(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    enrolment = EnrolmentFactory()
    InvitationFactory(email="nia.okafor@example.test")
    typed = team_invitation_data(enrolment, full_name="Typed Name")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(staff_client, typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert "already has an invitation waiting" in form.errors["email"][0]
    assert form["email"].value() == "Nia.Okafor@Example.test"
    assert form["full_name"].value() == "Typed Name"
    assert str(form["enrolment"].value()) == str(enrolment.pk)
    content = response.content.decode()
    assert "<title>Error:" in content
    assert "There is a problem" in content
    assert Invitation.objects.count() == 1
    assert mailoutbox == []


def test_an_expired_invitation_does_not_block_a_new_one(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    old = InvitationFactory(email="invitee@example.test")
    with time_machine.travel(timezone.now() + timedelta(days=15), tick=False):
        new = send_invitation(staff, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert new.pk != old.pk and new.revoked_at is None
    assert link_in(mailoutbox[0]).endswith(f"/{new.key}/")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"kind": "team"}, {"organisation", "team_role"}),
        ({"kind": "facilitator"}, {"cohort"}),
        ({"kind": "partner"}, {"organisation"}),
    ],
    ids=["team_without_organisation_or_role", "facilitator_without_cohort", "partner_alone"],
)
def test_an_invitation_missing_what_its_role_needs_is_an_error_on_those_fields(
    staff_client, data, errors
):
    typed = {"email": "x@example.test", "full_name": "Typed Name", "language": "en"} | data
    response = invite(staff_client, typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == errors
    assert "Constraint" not in response.content.decode()
    assert form["full_name"].value() == "Typed Name"
    assert not Invitation.objects.exists()


def test_a_team_member_is_invited_into_a_grantee_not_a_partner(staff_client):
    partner_org = PartnerOrganisationFactory()
    response = invite(
        staff_client,
        {
            "email": "x@example.test",
            "kind": "team",
            "organisation": partner_org.pk,
            "team_role": TeamRole.MEMBER,
            "language": "en",
        },
    )
    assert response.context["form"].errors["organisation"] == [
        "Team members join a state grantee organisation."
    ]


def test_people_who_are_not_staff_cannot_invite(client, world):
    for person in (world.fac1, world.team_a_ed, world.partner):
        client.force_login(person)
        response = client.post(
            invite_url(), {"email": "x@example.test", "kind": "staff", "language": "en"}
        )
        assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_open_sign_up_is_refused(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign-up is by invitation" in response.content.decode()
    response = client.post(
        "/accounts/signup/",
        {"email": "walk-in@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="walk-in@example.test").exists()
    assert "_auth_user_id" not in client.session


def test_resending_extends_the_expiry_and_sends_again(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = send_invitation(staff, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                reverse("accounts:invitation_resend", args=[invitation.pk])
            )
        assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.expires_at == later + timedelta(days=14)
    assert invitation.send_count == 2
    assert len(mailoutbox) == 2
    assert link_in(mailoutbox[1]) == link_in(mailoutbox[0])
    # Four days after the first link would have expired, it still works.
    with time_machine.travel(later + timedelta(days=8), tick=False):
        assert "form" in Client().get(link_in(mailoutbox[1])).context


def test_a_revoked_invitation_cannot_be_resent(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = send_invitation(staff, django_capture_on_commit_callbacks)
    services.revoke_invitation(invitation, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True
        )
    assert "Only an invitation that has not been used can be resent" in response.content.decode()
    assert len(mailoutbox) == 1


def test_an_accepted_invitation_cannot_be_revoked(
    staff_client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = send_invitation(staff, django_capture_on_commit_callbacks)
    Client().post(link_in(mailoutbox[0]), accept_data())
    response = staff_client.post(
        reverse("accounts:invitation_revoke", args=[invitation.pk]), follow=True
    )
    assert "already accepted" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_invitation_list_filters_by_status(staff_client, staff):
    pending = InvitationFactory()
    revoked = InvitationFactory(revoked_at=timezone.now())
    response = staff_client.get(reverse("accounts:invitation_list"))
    assert list(response.context["invitations"]) == [pending]
    response = staff_client.get(reverse("accounts:invitation_list") + "?status=revoked")
    assert list(response.context["invitations"]) == [revoked]


# Signing in as each role ---------------------------------------------------------------------

SECTIONS = ["team", "facilitator", "partner", "staff"]


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        ("staff", {"staff"}),
        ("fac1", {"facilitator"}),
        ("partner", {"partner"}),
        ("team_a", {"team"}),
        ("staff_who_facilitates", {"staff", "facilitator"}),
        ("nobody", set()),
    ],
)
def test_signing_in_lands_on_home_with_a_section_for_each_role(client, world, who, sections):
    if who == "staff_who_facilitates":
        person = world.staff
        world.cohort2.facilitators.add(person)
    elif who == "nobody":
        person = UserFactory()
    else:
        person = world.person(who)
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == person
    content = response.content.decode()
    shown = {section for section in SECTIONS if f'id="{section}-heading"' in content}
    assert shown == sections
    if not sections:
        assert "You don't have a role in a cohort yet" in content


def test_a_wrong_password_does_not_sign_in(client, world):
    response = client.post(
        reverse("account_login"), {"login": world.staff.email, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
