"""The invitation form shows only the fields of the chosen role, and its team list follows the
organisation chosen: htmx asks for the fields as a choice changes, and a plain button does
the same without JavaScript. Asking for the fields sends nothing."""

import pytest
from django.urls import reverse

from accounts.models import Invitation
from cohorts.choices import CohortStatus, TeamRole
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
)
from tests.submissions import submission_token, with_token

pytestmark = pytest.mark.django_db

URL = reverse("accounts:invitation_create")
ROLE_FIELDS = {"organisation", "team_role", "enrolment", "cohort"}
HTMX = {"HX-Request": "true", "HX-Trigger": "id_kind", "HX-Trigger-Name": "kind"}


def send(client, data):
    """The form sent (not asked for fields) as the browser sends it, with its token."""
    return client.post(URL, with_token(client, URL, data))


def role_fields(response):
    return {field.name for field in response.context["form"].role_fields}


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("", set()),
        ("team", {"organisation", "team_role", "enrolment"}),
        ("partner", {"organisation"}),
        ("facilitator", {"cohort"}),
        ("staff", set()),
    ],
)
def test_the_form_shows_only_the_fields_of_the_chosen_role(staff_client, kind, fields):
    response = staff_client.get(URL, {"kind": kind} if kind else {})
    assert role_fields(response) == fields
    content = response.content.decode()
    for name in ROLE_FIELDS:
        assert (f'name="{name}"' in content) == (name in fields), name
    for name in ("email", "full_name", "kind", "language"):
        assert f'name="{name}"' in content


def test_each_role_is_offered_the_organisations_it_can_join(staff_client):
    grantee, partner = OrganisationFactory(), PartnerOrganisationFactory()
    team = staff_client.get(URL, {"kind": "team"}).context["form"]
    assert list(team.fields["organisation"].queryset) == [grantee]
    partners = staff_client.get(URL, {"kind": "partner"}).context["form"]
    assert list(partners.fields["organisation"].queryset) == [partner]


def test_without_javascript_a_button_shows_the_roles_fields_and_sends_nothing(
    staff_client, mailoutbox
):
    response = staff_client.post(
        URL,
        {"email": "new@example.test", "full_name": "Ana Typed", "kind": "team", "refresh": "kind"},
    )
    assert response.status_code == 200
    assert "accounts/invitation_form.html" in [t.name for t in response.templates]
    assert role_fields(response) == {"organisation", "team_role", "enrolment"}
    form = response.context["form"]
    assert not form.is_bound  # asked for fields, not sent: no errors shown
    assert form["email"].value() == "new@example.test"
    assert form["full_name"].value() == "Ana Typed"
    content = response.content.decode()
    assert "There is a problem" not in content
    assert "<title>Error:" not in content
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_the_fields_shown_without_javascript_keep_the_pages_token(staff_client):
    """Asking for the role's fields sends nothing, so the page keeps its one-time token: sent,
    then sent again from the browser's history, it invites once."""
    cohort = CohortFactory()
    token = submission_token(staff_client.get(URL))
    typed = {
        "email": "fac@example.test",
        "full_name": "Fay Typed",
        "kind": "facilitator",
        "language": "en",
        "submission": token,
    }

    shown = staff_client.post(URL, typed | {"refresh": "kind"})
    assert submission_token(shown) == token

    first = staff_client.post(URL, typed | {"cohort": cohort.pk})
    again = staff_client.post(URL, typed | {"cohort": cohort.pk})
    assert first.status_code == 302
    assert "This form was already submitted" in again.content.decode()
    assert Invitation.objects.count() == 1


def test_the_fields_shown_without_javascript_to_a_page_without_a_token_carry_one(staff_client):
    shown = staff_client.post(URL, {"kind": "staff", "refresh": "kind"})
    assert submission_token(shown)


def test_the_team_list_holds_the_chosen_organisations_teams(staff_client):
    grantee = OrganisationFactory()
    mine = EnrolmentFactory(organisation=grantee, cohort__name="OE Cohort 3")
    EnrolmentFactory()  # another organisation's team
    before = staff_client.get(URL, {"kind": "team"}).context["form"]
    assert list(before.fields["enrolment"].queryset) == []
    assert "Choose the organisation first" in before.fields["enrolment"].help_text

    response = staff_client.post(
        URL, {"kind": "team", "organisation": grantee.pk, "refresh": "organisation"}
    )
    form = response.context["form"]
    assert list(form.fields["enrolment"].queryset) == [mine]
    assert f'<option value="{mine.pk}">OE Cohort 3 (planned)</option>' in response.content.decode()


def test_htmx_gets_the_roles_fields_alone_with_a_status_message(staff_client, mailoutbox):
    response = staff_client.post(
        URL, {"email": "new@example.test", "kind": "facilitator"}, headers=HTMX
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "accounts/_invitation_fields.html"
    content = response.content.decode()
    assert "<html" not in content
    assert 'name="cohort"' in content
    assert 'name="email"' not in content  # outside the part that changes
    assert 'name="submission"' not in content  # the page's one-time token stays as it was
    assert 'id="invitation-fields-status" hx-swap-oob="innerHTML"' in content
    assert "The fields for “Facilitator” are shown below." in content
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_htmx_follows_the_organisation_with_its_teams(staff_client):
    grantee = OrganisationFactory()
    team = EnrolmentFactory(organisation=grantee)
    response = staff_client.post(
        URL,
        {"kind": "team", "organisation": grantee.pk},
        headers=HTMX | {"HX-Trigger": "id_organisation", "HX-Trigger-Name": "organisation"},
    )
    content = response.content.decode()
    assert f'<option value="{team.pk}">' in content
    assert "The team list now holds this organisation's teams." in content


def test_the_selects_that_change_the_form_ask_htmx_and_the_buttons_are_for_no_javascript(
    staff_client,
):
    content = staff_client.get(URL, {"kind": "team"}).content.decode()
    for name in ("kind", "organisation"):
        assert f'name="{name}"' in content
    assert content.count(f'hx-post="{URL}"') == 2
    # The role swaps every field it governs; the organisation only the team list.
    assert 'hx-target="#invitation-fields" hx-swap="innerHTML"' in content
    assert (
        'hx-target="#div_id_enrolment" hx-swap="outerHTML" hx-select="#div_id_enrolment"' in content
    )
    assert content.count("data-without-js") == 2
    assert 'name="refresh" value="kind"' in content
    assert 'name="refresh" value="organisation"' in content
    # The CSP allows no inline script or style, and htmx's hx-on would need one.
    assert "style=" not in content
    assert "hx-on" not in content


def test_a_changed_role_sends_none_of_the_last_roles_fields(staff_client):
    cohort = CohortFactory(status=CohortStatus.ACTIVE)
    grantee = OrganisationFactory()
    response = send(
        staff_client,
        {
            "email": "fac@example.test",
            "kind": "facilitator",
            "cohort": cohort.pk,
            # Left over from choosing "State team member" first.
            "organisation": grantee.pk,
            "team_role": TeamRole.MEMBER,
            "language": "en",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.kind, invitation.cohort, invitation.organisation) == (
        "facilitator",
        cohort,
        None,
    )
    assert invitation.team_role == ""


def test_a_team_outside_the_chosen_organisation_is_refused_on_the_team(staff_client):
    grantee = OrganisationFactory()
    elsewhere = EnrolmentFactory()
    response = send(
        staff_client,
        {
            "email": "x@example.test",
            "kind": "team",
            "organisation": grantee.pk,
            "team_role": TeamRole.MEMBER,
            "enrolment": elsewhere.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["enrolment"]
    assert Invitation.objects.count() == 0
