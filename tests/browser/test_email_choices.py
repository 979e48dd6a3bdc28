""" "Your emails" in a real browser: the digest choice by keyboard and pointer, an error
answered in place, axe clean at desktop and phone widths."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from notifications.models import KindPreference
from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)
from tests.factories import PASSWORD, UserFactory
from tests.notifications.digest_support import NOTED, noted_kind  # noqa: F401 — a fixture

pytestmark = [*BROWSER_TEST]


def test_a_person_chooses_the_daily_digest_for_a_kind(page, noted_kind):  # noqa: F811
    person = UserFactory(email="ana@example.test")
    sign_in(page, person.email, PASSWORD)
    page.goto(reverse("notifications:preferences"))
    group = page.get_by_role("group", name="How to get “Cohort notes”")
    expect(group.get_by_role("radio", name="As it happens")).to_be_checked()
    assert_accessible(page, "emails-digest-choice")
    assert_accessible_on_phone(page, "emails-digest-choice")

    group.get_by_role("radio", name="In one daily digest").check()
    page.get_by_role("button", name="Save my choices").click()

    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text(
        "Your email choices are saved."
    )
    expect(group.get_by_role("radio", name="In one daily digest")).to_be_checked()
    assert KindPreference.objects.get(person=person, kind=NOTED).delivery == "digest"


def test_an_unknown_choice_is_answered_next_to_its_group(page, noted_kind):  # noqa: F811
    person = UserFactory(email="ben@example.test")
    sign_in(page, person.email, PASSWORD)
    page.goto(reverse("notifications:preferences"))
    page.locator(f"#id_delivery-{NOTED}_1").evaluate("radio => { radio.value = 'weekly'; }")
    page.locator(f"#id_delivery-{NOTED}_1").check()
    page.get_by_role("button", name="Save my choices").click()

    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".error-summary")).to_contain_text(
        "Choose “As it happens” or “In one daily digest”."
    )
    assert_accessible(page, "emails-digest-error")
    assert_accessible_on_phone(page, "emails-digest-error")
    assert not KindPreference.objects.filter(person=person).exists()
