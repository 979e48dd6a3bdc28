"""The session page around its roll: "Cancel the session" is a danger action away from the page's
buttons and never beside a "Cancel" that means "go back"; answering with htmx; what the page
loads for print and for keyboard focus."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from sessions_app.models import Attendance
from tests.conftest import SEPTEMBER_1
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import page_text

pytestmark = pytest.mark.usefixtures("september")

NOW = SEPTEMBER_1


@pytest.fixture
def session(world):
    return LearningSessionFactory(cohort=world.cohort1)  # 6 October 2026


def header_actions(html):
    start = html.index('class="d-flex gap-2 flex-wrap page-actions"')
    return html[start : html.index("</div>", start)]


def form_actions(html):
    return re.search(r'<div class="form-actions">(.*?)</div>', html, re.S).group(1)


# Cancelling -------------------------------------------------------------------------------------


def test_cancelling_is_a_danger_action_apart_from_the_pages_buttons(client, world, session):
    client.force_login(world.fac1)
    cancel_url = reverse("sessions_app:session_cancel", args=[session.pk])

    html = page_text(client.get(session.get_absolute_url()))

    assert cancel_url not in header_actions(html)
    danger = html[html.index('class="panel panel-danger-zone"') :]
    assert f'<a class="btn btn-outline-danger" href="{cancel_url}">Cancel the session…</a>' in (
        danger
    )
    assert html.count(cancel_url) == 1


def test_the_cancel_pages_button_is_red_and_its_way_back_says_keep(client, world, session):
    client.force_login(world.fac1)

    html = page_text(client.get(reverse("sessions_app:session_cancel", args=[session.pk])))

    actions = form_actions(html)
    assert '<button type="submit" class="btn btn-danger">Cancel the session</button>' in actions
    back = f'<a class="btn btn-link" href="{session.get_absolute_url()}">Keep the session</a>'
    assert back in actions
    assert ">Cancel<" not in actions


@pytest.mark.parametrize(
    "name", ["session_edit", "session_reschedule", "material_add", "session_wrap_up"]
)
def test_the_session_pages_forms_go_back_to_the_session_not_cancel(client, world, session, name):
    client.force_login(world.fac1)

    html = page_text(client.get(reverse(f"sessions_app:{name}", args=[session.pk])))

    back = f'<a class="btn btn-link" href="{session.get_absolute_url()}">Back to the session</a>'
    assert back in form_actions(html)
    assert ">Cancel<" not in form_actions(html)


def test_a_held_or_cancelled_session_offers_no_cancelling(client, world, session):
    client.force_login(world.fac1)
    with time_machine.travel(datetime(2026, 10, 7, tzinfo=UTC), tick=False):
        assert "panel-danger-zone" not in page_text(client.get(session.get_absolute_url()))
    session.status = "cancelled"
    session.save(update_fields=["status"])
    assert "panel-danger-zone" not in page_text(client.get(session.get_absolute_url()))


# Answering with htmx ----------------------------------------------------------------------------


def rsvp_url(session):
    return reverse("sessions_app:session_rsvp", args=[session.pk])


@pytest.mark.parametrize("role", ["team_a", "partner"])
def test_an_htmx_answer_returns_the_answer_section_and_announces_it(client, world, session, role):
    client.force_login(world.person(role))

    response = client.post(
        rsvp_url(session), {"rsvp": "attending", "note": ""}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith('<section class="panel" id="rsvp"')
    assert "Thanks — your answer is saved: Attending." in html
    # The button keeps its id, so focus returns to it (static/js/htmx-focus.js).
    assert '<button type="submit" id="rsvp-save"' in html
    assert re.search(r'id="id_rsvp_0"[^>]*checked|checked[^>]*id="id_rsvp_0"', html)
    assert (
        '<div id="live-region" hx-swap-oob="innerHTML"><p>Your answer is saved: Attending.</p>'
        in (html)
    )
    assert Attendance.objects.get(session=session, person=world.person(role)).rsvp == "attending"


def test_an_htmx_answer_without_a_choice_says_so_in_place(client, world, session):
    client.force_login(world.team_a_ed)

    response = client.post(rsvp_url(session), {"rsvp": ""}, headers={"HX-Request": "true"})

    html = page_text(response)
    assert "Choose whether you will attend." in html
    assert "<p>Choose whether you will attend.</p>" in html  # the live region
    assert not Attendance.objects.exists()


def test_the_session_page_has_one_polite_live_region(client, world, session):
    client.force_login(world.team_a_ed)

    html = page_text(client.get(session.get_absolute_url()))

    region = '<div id="live-region" class="visually-hidden" aria-live="polite" aria-atomic="true">'
    assert html.count(region) == 1


# Print and focus are every page's -------------------------------------------------------------


def test_every_page_loads_the_print_stylesheet_and_the_focus_and_print_scripts(client, world):
    client.force_login(world.fac1)

    html = page_text(client.get(world.cohort1.get_absolute_url()))

    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.[^"]*css" media="print">', html)
    assert re.search(r'<script src="[^"]*js/htmx-focus\.[^"]*js" defer></script>', html)
    assert re.search(r'<script src="[^"]*js/print\.[^"]*js" defer></script>', html)
