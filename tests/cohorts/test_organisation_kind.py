"""An organisation keeps its kind while it holds a place of that kind: an enrolled grantee
turned planning partner would give its team partner scope, and an assigned partner turned
grantee would sit in cohorts as a partner that is not one. The portal's page, the service and
the admin refuse it alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts import services
from cohorts.choices import FocusArea, OrganisationKind
from cohorts.models import Organisation
from tests.factories import OrganisationFactory, PartnerOrganisationFactory

pytestmark = pytest.mark.django_db

STAYS_GRANTEE = "This organisation is enrolled in a cohort, so it stays a state grantee."
STAYS_PARTNER = (
    "This organisation is a planning partner of a cohort, so it stays a planning partner. "
    "Take it off those cohorts first."
)


def as_partner(organisation):
    return {
        "name": organisation.name,
        "kind": OrganisationKind.PLANNING_PARTNER,
        "state": "",
        "focus_area": FocusArea.DATA,
    }


def as_grantee(organisation, state="CO"):
    return {
        "name": organisation.name,
        "kind": OrganisationKind.STATE_GRANTEE,
        "state": state,
        "focus_area": "",
    }


def kind_of(organisation):
    return Organisation.objects.get(pk=organisation.pk).kind


def test_the_page_refuses_to_make_an_enrolled_grantee_a_partner(client, world):
    organisation = world.team_a.organisation
    client.force_login(world.staff)

    response = client.post(
        reverse("cohorts:organisation_edit", args=[organisation.pk]), as_partner(organisation)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [STAYS_GRANTEE]
    assert kind_of(organisation) == OrganisationKind.STATE_GRANTEE


def test_the_service_refuses_to_make_an_enrolled_grantee_a_partner(world):
    organisation = world.team_a.organisation
    organisation.kind = OrganisationKind.PLANNING_PARTNER
    organisation.focus_area = FocusArea.POLICY

    with pytest.raises(ValidationError) as excinfo:
        services.save_organisation(organisation, by=world.staff)

    assert excinfo.value.message_dict == {"kind": [STAYS_GRANTEE]}
    assert kind_of(organisation) == OrganisationKind.STATE_GRANTEE


def test_an_enrolled_grantee_cannot_become_a_funder_either(world):
    organisation = world.team_a.organisation
    organisation.kind = OrganisationKind.FUNDER

    with pytest.raises(ValidationError) as excinfo:
        services.save_organisation(organisation, by=world.staff)

    assert excinfo.value.message_dict == {"kind": [STAYS_GRANTEE]}


def test_an_assigned_partner_cannot_become_a_grantee(client, world):
    client.force_login(world.staff)

    response = client.post(
        reverse("cohorts:organisation_edit", args=[world.partner_org.pk]),
        as_grantee(world.partner_org),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [STAYS_PARTNER]
    assert kind_of(world.partner_org) == OrganisationKind.PLANNING_PARTNER


def test_an_organisation_without_a_place_may_change_its_kind(client, world):
    grantee = OrganisationFactory()
    client.force_login(world.staff)

    to_partner = client.post(
        reverse("cohorts:organisation_edit", args=[grantee.pk]), as_partner(grantee)
    )
    to_grantee = client.post(
        reverse("cohorts:organisation_edit", args=[world.stray_partner_org.pk]),
        as_grantee(world.stray_partner_org),
    )

    assert (to_partner.status_code, to_grantee.status_code) == (302, 302)
    assert kind_of(grantee) == OrganisationKind.PLANNING_PARTNER
    assert kind_of(world.stray_partner_org) == OrganisationKind.STATE_GRANTEE


def test_a_new_organisation_of_any_kind_is_saved(world):
    partner = PartnerOrganisationFactory.build(name="New Partners")

    services.save_organisation(partner, by=world.staff)

    assert kind_of(partner) == OrganisationKind.PLANNING_PARTNER


def test_the_admin_refuses_to_make_an_enrolled_grantee_a_partner(client, world):
    organisation = world.team_a.organisation
    client.force_login(world.staff)

    response = client.post(
        reverse("admin:cohorts_organisation_change", args=[organisation.pk]),
        as_partner(organisation),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"] == [STAYS_GRANTEE]
    assert kind_of(organisation) == OrganisationKind.STATE_GRANTEE


def test_the_admin_refuses_to_make_an_assigned_partner_a_grantee(client, world):
    client.force_login(world.staff)

    response = client.post(
        reverse("admin:cohorts_organisation_change", args=[world.partner_org.pk]),
        as_grantee(world.partner_org),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kind"] == [STAYS_PARTNER]
    assert kind_of(world.partner_org) == OrganisationKind.PLANNING_PARTNER
