"""Bad input on a support request's forms: a clear message next to the field, nothing typed
lost, nothing saved, never a 500; HTML and script shown escaped; steps on a request that does
not fit them (closed, not yet accepted) refused with a message."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, PartnerOrganisationFactory, UserFactory
from tests.sessions_app.helpers import page_text
from tests.submissions import with_token
from tests.workplans.factories import SupportRequestFactory
from workplans.models import SupportEvent, SupportRequest

pytestmark = pytest.mark.usefixtures("september")  # 1 September 2026

SCRIPT = '<script>alert("x")</script><b>bold</b>'


def ask(client, world, **data):
    client.force_login(world.team_a_ed)
    url = reverse("workplans:support_create", args=[world.team_a.pk])
    body = {"focus_area": "data", "need": "Help", "needed_by": "2026-10-01", **data}
    return client.post(url, with_token(client, url, body))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"need": "   "}, "need", "Say what you need help with."),
        ({"needed_by": "2026-08-31"}, "needed_by", "The date you need it by can't be in the past."),
        ({"needed_by": ""}, "needed_by", "Enter the date you need the help by."),
        ({"needed_by": "31 Febtember"}, "needed_by", "Enter a real date"),
        ({"focus_area": "astrology"}, "focus_area", "Select a valid choice"),
        ({"partner": "999999"}, "partner", "Choose one of your cohort's planning partners."),
    ],
)
def test_asking_with_bad_input_is_a_field_error_and_keeps_what_was_typed(
    client, world, data, field, message
):
    response = ask(client, world, **{"need": "Keep this text", **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not SupportRequest.objects.exists()
    if field != "need":
        assert "Keep this text" in page_text(response)
    assert page_text(response).count("There is a problem") == 1


def test_a_partner_of_another_cohort_is_refused(client, world):
    elsewhere = PartnerOrganisationFactory()
    response = ask(client, world, partner=elsewhere.pk)
    assert "partner" in response.context["form"].errors


def test_html_and_script_in_the_need_are_shown_escaped(client, world):
    ask(client, world, need=SCRIPT)
    support_request = SupportRequest.objects.get()
    assert support_request.need == SCRIPT
    html = client.get(support_request.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;" in html


@pytest.fixture
def accepted(world):
    return SupportRequestFactory(
        enrolment=world.team_a,
        partner=world.partner_org,
        assignee=world.partner,
        status=SupportRequest.Status.ACCEPTED,
    )


def log(client, world, support_request, **data):
    client.force_login(world.partner)
    body = {
        "version": support_request.version,
        "given_on": "2026-08-31",
        "hours": "1.5",
        "note": "Met",
        **data,
    }
    return client.post(reverse("workplans:support_help", args=[support_request.pk]), body)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours": "0"}, "hours", "above 0"),
        ({"hours": "-2"}, "hours", "above 0"),
        ({"hours": "25"}, "hours", "at most 24 hours"),
        ({"hours": "100000"}, "hours", "at most 24 hours"),
        ({"hours": "1.555"}, "hours", "two decimals"),
        ({"hours": "NaN"}, "hours", "as a number"),
        ({"hours": "lots"}, "hours", "as a number"),
        ({"given_on": "2026-09-02"}, "given_on", "can't be in the future"),
        ({"given_on": "2024-01-01"}, "given_on", "within the last year"),
        ({"note": ""}, "note", "Say what help you gave."),
    ],
)
def test_logging_help_with_bad_input_is_a_field_error(
    client, world, accepted, data, field, message
):
    response = log(client, world, accepted, **data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not SupportEvent.objects.filter(step="helped").exists()


def test_html_in_a_help_note_is_shown_escaped_on_the_timeline(client, world, accepted):
    log(client, world, accepted, note=SCRIPT)
    client.force_login(world.team_a_ed)
    html = client.get(accepted.get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_an_assignee_outside_the_partner_organisation_is_a_field_error(client, world, accepted):
    outsider = UserFactory()
    other = MembershipFactory(organisation=PartnerOrganisationFactory()).person
    client.force_login(world.staff)
    url = reverse("workplans:support_assign", args=[accepted.pk])
    for person in (outsider, other):
        response = client.post(
            url,
            {"version": accepted.version, "partner": world.partner_org.pk, "assignee": person.pk},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["assignee"]
    accepted.refresh_from_db()
    assert accepted.assignee == world.partner


def test_a_partner_member_cannot_move_the_request_to_another_organisation(client, world, accepted):
    client.force_login(world.partner)
    other = PartnerOrganisationFactory()
    world.cohort1.partners.add(other)
    someone = MembershipFactory(organisation=other).person
    response = client.post(
        reverse("workplans:support_assign", args=[accepted.pk]),
        {"version": accepted.version, "partner": other.pk, "assignee": someone.pk},
    )
    # The partner field is staff's: a partner member's form has none, so the person is checked
    # against their own organisation.
    assert response.status_code == 200
    assert response.context["form"].errors["assignee"]
    accepted.refresh_from_db()
    assert accepted.partner == world.partner_org


def test_acting_on_a_closed_request_says_so_and_changes_nothing(client, world, accepted):
    accepted.status = SupportRequest.Status.CLOSED
    accepted.save()
    response = log(client, world, accepted)
    assert response.status_code == 200
    assert "Help can be logged once the request is accepted" in page_text(response)
    response = client.post(
        reverse("workplans:support_close", args=[accepted.pk]), {"version": accepted.version}
    )
    assert "Only a request that is assigned or accepted can be closed." in page_text(response)
    page = client.get(reverse("workplans:support_help", args=[accepted.pk]))
    assert "so this step can't be taken now" in page_text(page)
    assert not SupportEvent.objects.exists()


def test_reopening_needs_a_word_on_what_is_still_needed(client, world, accepted):
    accepted.status = SupportRequest.Status.CLOSED
    accepted.save()
    client.force_login(world.team_a_ed)
    response = client.post(
        reverse("workplans:support_reopen", args=[accepted.pk]),
        {"version": accepted.version, "note": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"]


def test_accepting_twice_is_refused_with_a_message(client, world, accepted):
    client.force_login(world.partner)
    response = client.post(
        reverse("workplans:support_accept", args=[accepted.pk]),
        {"version": accepted.version},
        follow=True,
    )
    assert "Only a request that is assigned and not yet accepted can be accepted." in page_text(
        response
    )


def test_a_version_that_is_not_a_number_is_no_500(client, world, accepted):
    client.force_login(world.partner)
    response = client.post(
        reverse("workplans:support_accept", args=[accepted.pk]), {"version": "x\x00"}
    )
    assert response.status_code == 302
