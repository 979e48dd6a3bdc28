"""The facilitator's session page in a real browser, before, during and after a session: the
answers counted, "can't attend" carried over to Excused, everyone not yet marked marked present
at once, the wrap-up; focus after each htmx action and the live region that announces it; a
team member and a planning partner answering; the page as it prints. axe runs on every page,
at desktop and phone widths."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from cohorts.models import Cohort
from notifications import services as ledger
from portal.templatetags.portal_time import when
from sessions_app import notices
from sessions_app.models import Attendance, LearningSession, Material
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    FACILITATOR,
    PARTNER,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
    screenshot,
)

pytestmark = BROWSER_TEST

DENVER = "America/Denver"
ARIZONA_TEAM = "Arizona Early Childhood Alliance"


def oe_cohort_1():
    return Cohort.objects.get(name="OE Cohort 1")


def live_session():
    """A session of OE Cohort 1 that began ten minutes ago. Before it, Rebecca Tsosie
    (Arizona's ED) answered "attending" and Andre Baptiste (Colorado) "can't attend"."""
    cohort = oe_cohort_1()
    session = LearningSession.objects.create(
        cohort=cohort,
        number=cohort.learning_sessions.count() + 1,
        title="Budget season check-in",
        starts_at=timezone.now() - timedelta(minutes=10),
        time_zone=DENVER,
        video_url="https://video.example.org/check-in",
    )
    session.facilitators.set(cohort.facilitators.all())
    for email, rsvp in [(ARIZONA, "attending"), ("colorado@demo.test", "not_attending")]:
        person = User.objects.get(email=email)
        Attendance.objects.create(
            session=session,
            person=person,
            enrolment=person.seats.get(ended_at__isnull=True).enrolment,
            rsvp=rsvp,
        )
    return session


def next_session():
    """OE Cohort 1's next learning session, which the demo gave answers."""
    return (
        oe_cohort_1()
        .learning_sessions.filter(starts_at__gt=timezone.now(), attendances__rsvp="attending")
        .distinct()
        .order_by("starts_at")
        .first()
    )


def held_session():
    return (
        oe_cohort_1()
        .learning_sessions.filter(starts_at__lt=timezone.now() - timedelta(days=1))
        .order_by("-starts_at")
        .first()
    )


def stat(page, label):
    """The number in the answers' box with this label."""
    box = page.locator(".roll-answers .stat", has=page.locator(".label", has_text=label))
    return box.locator(".value").inner_text()


def marks_of(page, name):
    return page.get_by_role("group", name=f"Attendance of {name}")


def test_before_the_session_the_facilitator_reads_the_answers(page, demo):
    session = next_session()
    roll = Attendance.objects.filter(session=session, enrolment__isnull=False)
    attending = roll.filter(rsvp="attending").count()
    not_attending = roll.filter(rsvp="not_attending").count()
    log_in(page, FACILITATOR)

    page.goto(session.get_absolute_url())

    expect(page.get_by_role("heading", level=2, name="Answers", exact=True)).to_be_visible()
    assert (stat(page, "Attending"), stat(page, "Can't attend")) == (
        str(attending),
        str(not_attending),
    )
    assert stat(page, "No answer") == str(21 - attending - not_attending)
    opens = when(session.starts_at - timedelta(minutes=30), DENVER)
    expect(page.locator(".roll-opens")).to_have_text(
        f"Attendance opens at {opens}, half an hour before the start."
    )
    expect(page.get_by_role("button", name="Present")).to_have_count(0)
    # Per team: two teams have not answered yet.
    pennsylvania = page.locator("details", has_text="Pennsylvania")
    expect(pennsylvania.locator("summary")).to_contain_text("Attending 0")
    expect(pennsylvania.locator("summary")).to_contain_text("No answer 3")
    partners = page.locator(".roll-partners")
    expect(partners).to_contain_text("Attending 1")
    # "Cancel the session" is no button of the header: a danger panel at the end of the page.
    expect(page.locator(".page-actions").get_by_role("link", name="Cancel")).to_have_count(0)
    danger = page.locator("section", has=page.get_by_role("heading", name="Cancel this session"))
    expect(danger.get_by_role("link", name="Cancel the session…")).to_be_visible()
    assert_accessible(page, "facilitator-session-before")
    assert_accessible_on_phone(page, "facilitator-session-before")

    danger.get_by_role("link", name="Cancel the session…").click()
    actions = page.locator(".form-actions")
    expect(actions.get_by_role("button", name="Cancel the session")).to_have_class("btn btn-danger")
    expect(actions.get_by_role("link", name="Keep the session")).to_be_visible()
    expect(actions.get_by_role("link", name="Cancel", exact=True)).to_have_count(0)
    assert_accessible(page, "session-cancel")


def test_during_the_session_the_facilitator_takes_attendance(page, demo):
    session = live_session()
    log_in(page, FACILITATOR)
    page.goto(session.get_absolute_url())
    expect(page.get_by_role("heading", level=2, name="Answers and attendance")).to_be_visible()
    assert (stat(page, "Attending"), stat(page, "Can't attend"), stat(page, "No answer")) == (
        "1",
        "1",
        "19",
    )
    assert_accessible(page, "facilitator-session-during")
    assert_accessible_on_phone(page, "facilitator-session-during")

    # The first mark, from the keyboard: focus stays on the button, the change is announced,
    # and Andre's "can't attend" is carried over to Excused.
    page.evaluate("window.__notReloaded = true")
    present = marks_of(page, "Rebecca Tsosie").get_by_role("button", name="Present")
    present.focus()
    page.keyboard.press("Enter")
    expect(present).to_have_attribute("aria-pressed", "true")
    expect(present).to_be_focused()
    expect(page.locator("#live-region")).to_have_text("Rebecca Tsosie: Present.")
    andre = marks_of(page, "Andre Baptiste")
    expect(andre.get_by_role("button", name="Excused")).to_have_attribute("aria-pressed", "true")
    # Excused stays editable: Andre came after all.
    andre.get_by_role("button", name="Present").click()
    expect(andre.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "true")
    expect(andre.get_by_role("button", name="Present")).to_be_focused()
    expect(page.locator("#live-region")).to_have_text("Andre Baptiste: Present.")
    expect(page.locator("#attendance-tally")).to_contain_text("Not marked 19")

    # Everyone else at once; focus moves to the counts, the button being gone.
    page.get_by_role("button", name="Mark everyone not yet marked present").click()
    expect(page.locator("#attendance-tally")).to_contain_text("Present 21")
    expect(page.locator("#attendance-tally")).to_contain_text("Not marked 0")
    expect(page.locator("#attendance-tally")).to_be_focused()
    expect(page.locator("#live-region")).to_have_text("19 people marked present.")
    expect(page.get_by_role("button", name="Mark everyone not yet marked present")).to_have_count(0)
    assert page.evaluate("window.__notReloaded") is True, "the page was reloaded, not swapped"
    marks = Attendance.objects.filter(session=session)
    assert marks.filter(enrolment__isnull=False).exclude(mark="present").count() == 0
    assert marks.filter(mark="present").count() == 21
    assert_accessible(page, "facilitator-session-marked")


def test_after_the_session_the_facilitator_sends_a_wrap_up(page, demo):
    session = held_session()
    missed = Attendance.objects.filter(session=session).exclude(mark="present").count()
    log_in(page, FACILITATOR)
    page.goto(session.get_absolute_url())

    # Every team is marked: each shows folded, as its counts, and opens on demand.
    iowa = page.locator("details", has_text="Iowa")
    expect(iowa.locator("summary")).to_contain_text("Absent 3")
    expect(marks_of(page, "Naomi Iwasaki")).to_be_hidden()
    iowa.locator("summary").click()
    expect(marks_of(page, "Naomi Iwasaki")).to_be_visible()
    assert_accessible(page, "facilitator-session-after")
    assert_accessible_on_phone(page, "facilitator-session-after")

    page.get_by_role("link", name="Write the wrap-up").click()
    expect(page.locator(".lead")).to_contain_text(
        f"it goes by email to the {missed} team members who were not marked present"
    )
    assert_accessible(page, "wrap-up-form")
    page.get_by_label("What the session covered").fill("We compared state workplans.")
    page.get_by_label("Recording link").fill("https://video.example.org/recording")
    page.get_by_role("button", name="Save and send the wrap-up").click()

    expect(page.get_by_role("status")).to_contain_text("The wrap-up is saved.")
    wrap_up = page.locator("#wrap-up")
    expect(wrap_up).to_contain_text("We compared state workplans.")
    expect(wrap_up.get_by_role("link", name="Watch the recording")).to_be_visible()
    assert ledger.rows_about(session, notices.WRAP_UP).count() == missed
    assert_accessible(page, "facilitator-session-wrapped-up")


@pytest.mark.parametrize("email", [ARIZONA, PARTNER])
def test_someone_invited_answers_from_the_keyboard(new_page, demo, email):
    session = next_session()
    page = new_page()
    log_in(page, email)
    page.goto(session.get_absolute_url())
    expect(page.locator("#attendance")).to_have_count(0)  # no roll but the facilitators'
    assert_accessible(page, f"answer-{email.split('@')[0]}")
    assert_accessible_on_phone(page, f"answer-{email.split('@')[0]}")

    answer = page.locator("#rsvp")
    answer.get_by_label("Can't attend").check()
    answer.get_by_label("Note for the facilitators").fill("At our board meeting.")
    save = answer.get_by_role("button", name="Save my answer")
    save.focus()
    page.keyboard.press("Enter")

    expect(answer).to_contain_text("Thanks — your answer is saved: Can't attend.")
    expect(save).to_be_focused()
    expect(page.locator("#live-region")).to_have_text("Your answer is saved: Can't attend.")
    expect(answer.get_by_label("Can't attend")).to_be_checked()
    mine = Attendance.objects.get(session=session, person__email=email)
    assert (mine.rsvp, mine.rsvp_note, mine.mark) == ("not_attending", "At our board meeting.", "")
    assert_accessible(page, f"answered-{email.split('@')[0]}")

    facilitator = new_page()
    log_in(facilitator, FACILITATOR)
    facilitator.goto(session.get_absolute_url())
    name = User.objects.get(email=email).full_name
    if email == PARTNER:
        expect(facilitator.locator(".roll-partners li", has_text=name)).to_contain_text(
            "Can't attend — At our board meeting."
        )
    else:
        row = facilitator.locator("tr", has_text=name)
        expect(row).to_contain_text("Can't attend — At our board meeting.")


VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
    'button, .btn, input:not([type=hidden]), select, textarea, nav, header, footer'
)].filter((element) => element.checkVisibility()).map((element) => element.outerHTML.slice(0, 80))
"""

AFTER_TEXT = "(element) => getComputedStyle(element, '::after').content"


def test_a_session_page_prints_without_navigation_or_buttons_and_with_its_links(page, demo):
    session = held_session()
    Material.objects.create(session=session, title="Slides", url="https://example.org/slides")
    log_in(page, FACILITATOR)
    page.goto(session.get_absolute_url())
    expect(marks_of(page, "Naomi Iwasaki")).to_be_hidden()  # Iowa's team is folded on screen

    page.emulate_media(media="print")

    assert page.evaluate(VISIBLE_CONTROLS) == []
    expect(page.locator("#wrap-up")).to_be_hidden()  # an invitation to act, not content
    # Folded teams print open, each mark written as a word.
    naomi = page.locator("tr", has_text="Naomi Iwasaki")
    expect(naomi).to_be_visible()
    expect(naomi.locator(".print-only")).to_have_text("Absent")
    slides = page.get_by_role("link", name="Slides")
    assert slides.evaluate(AFTER_TEXT) == '" (https://example.org/slides)"'
    screenshot(page, "session-print")

    # The cohort and team pages print the same way: links written out in full.
    page.goto(oe_cohort_1().get_absolute_url())
    assert page.evaluate(VISIBLE_CONTROLS) == []
    team_link = page.get_by_role("link", name=ARIZONA_TEAM).first
    address = team_link.evaluate("(link) => link.href")
    assert team_link.evaluate(AFTER_TEXT) == f'" ({address})"'
    screenshot(page, "cohort-print")
    team_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ARIZONA_TEAM)
    assert page.evaluate(VISIBLE_CONTROLS) == []
    screenshot(page, "team-print")
