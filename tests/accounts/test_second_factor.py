"""Alliance staff see everything, so a staff member without an authenticator app is sent to
set one up before any page, the admin included (accounts.middleware). Other people are not;
the demo can turn the rule off with STAFF_REQUIRE_MFA."""

import time
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from tests.conftest import executive_director, make_team
from tests.factories import (
    CohortFactory,
    StaffFactory,
    UserFactory,
    add_authenticator_app,
)

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture
def cohort(db):
    cohort = CohortFactory()
    make_team(cohort)
    return cohort


def staff_pages(cohort):
    return [
        reverse("home"),
        reverse("cohorts:program_list"),
        cohort.get_absolute_url(),
        reverse("accounts:invitation_list"),
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
    ]


def test_staff_without_an_authenticator_app_is_sent_to_set_one_up(
    client, cohort, staff_mfa_required
):
    client.force_login(StaffFactory())
    for url in staff_pages(cohort):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url


def test_a_post_from_staff_without_an_authenticator_app_changes_nothing(client, staff_mfa_required):
    client.force_login(StaffFactory())
    response = client.post(
        reverse("accounts:invitation_create"),
        {"email": "new@example.test", "full_name": "New Person", "kind": "staff"},
    )
    assert response["Location"] == SETUP
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_a_superuser_counts_as_staff(client, cohort, staff_mfa_required):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("admin:index"))["Location"] == SETUP


def test_staff_with_an_authenticator_app_reach_every_page(client, cohort, staff_mfa_required):
    staff = StaffFactory()
    add_authenticator_app(staff)
    client.force_login(staff)
    for url in staff_pages(cohort):
        assert client.get(url).status_code == 200, url


def test_recovery_codes_alone_are_not_enough(client, staff_mfa_required):
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.RECOVERY_CODES, data={})
    client.force_login(staff)
    assert client.get(reverse("home"))["Location"] == SETUP


def test_people_who_are_not_staff_are_not_asked(client, staff_mfa_required):
    cohort = CohortFactory()
    client.force_login(executive_director(make_team(cohort)))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(cohort.get_absolute_url()).status_code == 200


def test_with_the_rule_off_staff_are_not_sent_to_set_up(client, cohort, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory())
    for url in staff_pages(cohort):
        assert client.get(url).status_code == 200, url


def test_the_setup_page_sign_out_language_and_health_stay_open(client, staff_mfa_required):
    staff = StaffFactory()
    client.force_login(staff)
    setup = client.get(SETUP)
    # allauth asks for the password again first unless the sign-in was a moment ago.
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/accounts/reauthenticate/").status_code == 200
    assert client.get(reverse("health")).status_code == 200
    language = client.post(reverse("set_language"), {"language": "es", "next": SETUP})
    assert language["Location"] == SETUP
    assert client.post(reverse("account_logout"))["Location"] != SETUP
    assert "_auth_user_id" not in client.session


def current_code(secret):
    """The authenticator app's code now, away from the edge of its 30-second window."""
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_who_sign_in_and_set_up_the_app_then_reach_the_portal(client, staff_mfa_required):
    staff = StaffFactory(email="sam@example.test")
    response = client.post(
        reverse("account_login"),
        {"login": "sam@example.test", "password": "a-long-test-passphrase-2026"},
        follow=True,
    )
    assert [url for url, _ in response.redirect_chain] == [
        reverse("home"),
        SETUP,
        f"/accounts/reauthenticate/?next={quote(SETUP, safe='')}",
    ]
    # Changing how one signs in takes the password again, even a moment after signing in.
    confirmed = client.post(
        response.redirect_chain[-1][0], {"password": "a-long-test-passphrase-2026"}, follow=True
    )
    assert confirmed.redirect_chain[-1][0] == SETUP
    assert confirmed.templates[0].name == "mfa/totp/activate_form.html"
    secret = client.session["mfa.totp.secret"]

    wrong = client.post(SETUP, {"code": "12345"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"]
    assert not Authenticator.objects.filter(user=staff).exists()

    done = client.post(SETUP, {"code": current_code(secret)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert len(done.context["unused_codes"]) == 10
    assert set(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_again_asks_for_a_code_from_the_app(client, staff_mfa_required):
    staff = StaffFactory(email="sam@example.test")
    secret = add_authenticator_app(staff)
    response = client.post(
        reverse("account_login"),
        {"login": "sam@example.test", "password": "a-long-test-passphrase-2026"},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))

    refused = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    signed_in = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert signed_in["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
