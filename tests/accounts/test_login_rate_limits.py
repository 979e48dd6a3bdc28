"""Failed logins are counted in the shared cache (Redis, CACHE_URL), per account and per
address, so every web process counts the same attempts and one person behind the proxy
cannot lock out everyone else.

The limits (settings.ACCOUNT_RATE_LIMITS["login_failed"]): 10 a minute from one address,
5 in 5 minutes for one account.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

EMAIL = "sam@example.test"
WRONG = "not-the-password"
LIMITED = "too_many_login_attempts"

# One OS process making failed logins through the login page, as a gunicorn worker would
# serve them; prints how each attempt ended.
ATTEMPTS = """
import json, sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
outcomes = []
for password in sys.argv[2:]:
    response = client.post("/accounts/login/", {"login": sys.argv[1], "password": password})
    if response.status_code == 302:
        outcomes.append("signed in")
    else:
        codes = [e.code for e in response.context["form"].non_field_errors().as_data()]
        outcomes.append("limited" if "too_many_login_attempts" in codes else "refused")
print(json.dumps(outcomes))
"""


def attempts_in_another_process(email, passwords):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(
        [sys.executable, "-c", ATTEMPTS, email, *passwords],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def log_in(client, email, password, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, headers=headers
    )


def outcome(response):
    if response.status_code == 302:
        return "signed in"
    codes = [error.code for error in response.context["form"].non_field_errors().as_data()]
    return "limited" if LIMITED in codes else "refused"


@pytest.mark.django_db(transaction=True)
def test_two_processes_count_the_same_failed_logins(client):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), (
        "the rate limits must live in Redis: set CACHE_URL (make test does)"
    )
    assert connection.vendor == "postgresql", "the other processes need the PostgreSQL test db"
    UserFactory(email=EMAIL)

    assert attempts_in_another_process(EMAIL, [WRONG] * 3) == ["refused"] * 3
    # The second process sees the first one's three: its third attempt is the sixth.
    assert attempts_in_another_process(EMAIL, [WRONG] * 3) == ["refused", "refused", "limited"]
    # And this process too: even the right password is refused now.
    response = log_in(client, EMAIL, PASSWORD)
    assert outcome(response) == "limited"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_account_is_limited_whatever_address_the_attempts_come_from(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email=EMAIL)
    for n in range(5):
        assert outcome(log_in(client, EMAIL, WRONG, f"203.0.113.{n}")) == "refused"
    assert outcome(log_in(client, EMAIL, PASSWORD, "198.51.100.7")) == "limited"


@pytest.mark.django_db
def test_behind_the_proxy_one_address_is_limited_and_another_is_not(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email=EMAIL)
    for n in range(10):
        assert outcome(log_in(client, f"guess{n}@example.test", WRONG, "203.0.113.9")) == (
            "refused"
        )
    assert outcome(log_in(client, "guess10@example.test", WRONG, "203.0.113.9")) == "limited"
    # Everyone reaches the portal through the same proxy; the next person still signs in.
    assert outcome(log_in(client, EMAIL, PASSWORD, "198.51.100.7")) == "signed in"


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        assert outcome(log_in(client, f"guess{n}@example.test", WRONG, f"203.0.113.{n}")) == (
            "refused"
        )
    assert outcome(log_in(client, "guess10@example.test", WRONG, "203.0.113.77")) == "limited"


@pytest.mark.django_db
def test_too_many_sign_in_requests_get_the_portals_own_page(client):
    for n in range(30):
        assert log_in(client, f"guess{n}@example.test", WRONG).status_code == 200
    response = log_in(client, "guess30@example.test", WRONG)
    assert response.status_code == 429
    # allauth answers with the project's 429.html when there is one, else a bare page.
    assert response.templates[0].name == "429.html"
    assert b'<html lang="en">' in response.content
