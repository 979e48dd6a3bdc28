"""The pages: email preferences, unsubscribe without login, and the outbox."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import services as ledger
from notifications.models import MutedKind, Notification
from sessions_app import notices
from sessions_app import services as sessions
from tests.conftest import PortalClient, utc
from tests.notifications.conftest import deliver_due, mail_for, reminders, schedule

pytestmark = pytest.mark.usefixtures("september")
REMINDER = "session_reminder"
OUTBOX = reverse("notifications:outbox")


def signed_in(person):
    client = PortalClient()
    client.force_login(person)
    return client


def muted(email):
    return set(MutedKind.objects.filter(email=email).values_list("kind", flat=True))


# Preferences ---------------------------------------------------------------------------------


def test_the_preferences_page_turns_kinds_off_and_on(world):
    client = signed_in(world.fac1)
    url = reverse("notifications:preferences")

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="session_reminder" id="kind-session_reminder" checked' in page.content.decode()

    client.post(url, {"kinds": ["session_rescheduled", "session_cancelled"]})
    assert REMINDER in muted(world.fac1.email)
    assert "session_rescheduled" not in muted(world.fac1.email)
    page = client.get(url)
    assert 'value="session_reminder" id="kind-session_reminder" aria' in page.content.decode()

    client.post(url, {"kinds": [REMINDER, "session_rescheduled", "session_cancelled"]})
    assert REMINDER not in muted(world.fac1.email)


def test_the_preferences_page_lists_what_the_portal_will_send(world):
    schedule(world)

    page = signed_in(world.fac1).get(reverse("notifications:preferences"))

    assert [row.slot for row in page.context["upcoming"]] == ["before-10080m", "before-1440m"]


def test_each_email_a_person_will_get_names_its_session_in_their_zone(world):
    schedule(world)
    world.fac1.time_zone = "America/Anchorage"
    world.fac1.save()
    client = signed_in(world.fac1)

    for url in (reverse("notifications:preferences"), reverse("dashboard:profile")):
        page = client.get(url).content.decode()
        line = "Session reminders: Learning session 1 (Equity in practice), Tue 6 Oct 2026, 08:00"
        assert f"{line} AKDT" in page, url


def test_the_preferences_page_reads_the_sessions_once_however_many(world, september):
    client = signed_in(world.fac1)
    url = reverse("notifications:preferences")
    schedule(world)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    for day in range(7, 12):
        schedule(world, starts_at=utc(2026, 10, day, 16, 0))
        september.shift(timedelta(seconds=1))

    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len({row.object_id for row in page.context["upcoming"]}) > 1
    assert all(row.about_label for row in page.context["upcoming"])
    # session, user, roles, muted kinds, what comes and what went (2), the sessions they are
    # about (1, for both lists).
    assert len(many) == len(few)


# Unsubscribe ---------------------------------------------------------------------------------


@pytest.fixture
def unsubscribe_path(world, september):
    """The path of the List-Unsubscribe header of a real reminder to the facilitator."""
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    schedule(world)
    september.move_to(utc(2026, 10, 5, 16, 0))
    deliver_due()
    header = mail_for(mail.outbox, world.fac1.email).extra_headers["List-Unsubscribe"]
    return header.strip("<>").removeprefix(settings.SITE_URL)


def test_the_unsubscribe_link_shows_a_page_without_login_and_changes_nothing(
    world, client, unsubscribe_path
):
    response = client.get(unsubscribe_path)

    assert response.status_code == 200
    assert "Stop “Session reminders”?" in response.content.decode()
    assert muted(world.fac1.email) == set()


def test_posting_the_unsubscribe_form_turns_the_kind_off_and_offers_undo(
    world, client, unsubscribe_path
):
    response = client.post(unsubscribe_path)

    assert response.status_code == 200
    page = response.content.decode()
    assert "“Session reminders” is off" in page
    assert 'name="undo" value="1"' in page
    assert muted(world.fac1.email) == {REMINDER}

    response = client.post(unsubscribe_path, {"undo": "1"})
    assert "“Session reminders” is on again" in response.content.decode()
    assert muted(world.fac1.email) == set()


def test_a_one_click_unsubscribe_post_as_mail_clients_send_it_mutes_the_kind(
    world, unsubscribe_path
):
    client = PortalClient(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert muted(world.fac1.email) == {REMINDER}


def test_a_muted_persons_next_reminder_is_cancelled(world, client, unsubscribe_path):
    client.post(unsubscribe_path)
    session = schedule(world, starts_at=utc(2026, 10, 20, 16, 0), title="Next one")
    row = reminders(session).get(recipient=world.fac1)

    deliver_due(now=row.due_at)

    row.refresh_from_db()
    assert row.state == "cancelled"


def test_a_tampered_unsubscribe_token_shows_the_invalid_page(client, unsubscribe_path, world):
    response = client.get(unsubscribe_path.replace("unsubscribe/", "unsubscribe/x"))
    assert response.status_code == 400
    assert "This link doesn't work" in response.content.decode()

    response = client.post(unsubscribe_path[:-6] + "abcde/")
    assert response.status_code == 400
    assert muted(world.fac1.email) == set()


def test_a_token_for_an_unknown_kind_is_invalid(client, db):
    token = ledger.unsubscribe_token("someone@example.test", "no_such_kind")

    response = client.get(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400


# Outbox --------------------------------------------------------------------------------------


@pytest.fixture
def two_cohorts(world):
    """A session in each cohort: 16 reminder rows in cohort one, 8 in cohort two."""
    return schedule(world), schedule(world, cohort=world.cohort2)


def listed(response):
    return {row.pk for row in response.context["page"].object_list}


def test_staff_see_every_row(world, two_cohorts):
    response = signed_in(world.staff).get(OUTBOX)

    assert response.status_code == 200
    assert listed(response) == set(Notification.objects.values_list("pk", flat=True))
    assert len(listed(response)) == 24


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("state", "cancelled", lambda w: Q(state="cancelled")),
        ("kind", "session_rescheduled", lambda w: Q(kind="session_rescheduled")),
        ("kind", REMINDER, lambda w: Q(kind=REMINDER)),
        ("cohort", "cohort2", lambda w: Q(cohort=w.cohort2)),
        ("recipient", "fac1", lambda w: Q(recipient=w.fac1)),
        ("state", "scheduled", lambda w: Q(state="scheduled")),
    ],
)
def test_staff_filter_the_outbox(world, two_cohorts, field, value, expected):
    Notification.objects.filter(recipient=world.fac2).update(
        state="cancelled", cancelled_reason="Test"
    )
    sessions.reschedule_session(
        two_cohorts[0], starts_at=utc(2026, 10, 7, 16, 0), reason="Clash", by=world.staff
    )
    value = {"cohort2": str(world.cohort2.pk), "fac1": world.fac1.full_name}.get(value, value)

    response = signed_in(world.staff).get(OUTBOX, {field: value})

    wanted = set(Notification.objects.filter(expected(world)).values_list("pk", flat=True))
    assert wanted
    assert listed(response) == wanted
    assert len(wanted) < Notification.objects.count()
    # By due time within any filter: what goes next first among the scheduled, else latest
    # first.
    rows = response.context["page"].object_list
    if value == "scheduled":
        assert [row.not_before for row in rows] == sorted(row.not_before for row in rows)
    else:
        due = [row.due_at for row in rows]
        assert due == sorted(due, reverse=True)


@pytest.mark.parametrize(
    "filters", [{}, {"kind": REMINDER}, {"cohort": "cohort1"}, {"recipient": "fac1"}]
)
def test_the_outbox_lists_by_due_time_not_by_when_rows_were_planned(world, filters):
    schedule(world, starts_at=utc(2026, 11, 3, 17, 0), title="Planned first, held later")
    schedule(world, starts_at=utc(2026, 10, 6, 16, 0), title="Planned second, held sooner")
    filters = {
        key: {"cohort1": str(world.cohort1.pk), "fac1": world.fac1.email}.get(value, value)
        for key, value in filters.items()
    }

    rows = signed_in(world.staff).get(OUTBOX, filters).context["page"].object_list

    due = [row.due_at for row in rows]
    assert due == sorted(due, reverse=True)
    assert [row.pk for row in rows] != sorted((row.pk for row in rows), reverse=True)


def test_the_outbox_reads_the_sessions_once_whatever_the_kinds_and_cohorts(world, september):
    """Reminders, moved and cancelled notices are about sessions: one read names them all."""
    client = signed_in(world.staff)
    schedule(world)
    with CaptureQueriesContext(connection) as few:
        client.get(OUTBOX)

    moved = schedule(world, starts_at=utc(2026, 10, 7, 16, 0))
    sessions.reschedule_session(
        moved, starts_at=utc(2026, 10, 8, 16, 0), reason="Clash", by=world.staff
    )
    cancelled = schedule(world, cohort=world.cohort2, starts_at=utc(2026, 10, 9, 16, 0))
    sessions.cancel_session(cancelled, reason="Convening", by=world.staff)
    with CaptureQueriesContext(connection) as many:
        rows = client.get(OUTBOX).context["page"].object_list

    assert {row.kind for row in rows} == {REMINDER, "session_rescheduled", "session_cancelled"}
    assert all(row.about_label for row in rows)
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Learning session 1", "Learning session 1"),
        ("Equity circle 1", "Equity circle 1"),
        ("Kick-off", "Learning session 1 (Kick-off)"),
        ("Module 11", "Learning session 1 (Module 11)"),
    ],
)
def test_a_session_named_by_its_series_is_not_named_twice(world, title, name):
    session = schedule(world, title=title)

    with timezone.override("America/Denver"):
        assert notices.describe([session]) == {session.pk: f"{name}, Tue 6 Oct 2026, 10:00 MDT"}


def test_each_outbox_row_names_its_session_in_the_viewers_zone(world, two_cohorts):
    world.staff.time_zone = "Pacific/Honolulu"
    world.staff.save()
    second = two_cohorts[1]

    page = signed_in(world.staff).get(OUTBOX, {"cohort": str(world.cohort2.pk)})

    assert all(
        row.about_label == f"Learning session {second.number} (Equity in practice), "
        "Tue 6 Oct 2026, 06:00 HST"
        for row in page.context["page"].object_list
    )
    assert "Learning session 1 (Equity in practice), Tue 6 Oct 2026, 06:00 HST" in (
        page.content.decode()
    )


def test_staff_see_the_error_of_a_failed_row_and_why_a_cancelled_one_was_cancelled(
    world, two_cohorts
):
    rows = list(Notification.objects.filter(recipient=world.fac1))
    Notification.objects.filter(pk=rows[0].pk).update(
        state="failed", last_error="SMTPDataError: 554 mailbox unavailable", attempts=5
    )
    Notification.objects.filter(pk=rows[1].pk).update(
        state="cancelled", cancelled_reason="The person turned this kind of message off."
    )

    page = signed_in(world.staff).get(OUTBOX, {"recipient": world.fac1.email}).content.decode()

    assert "SMTPDataError: 554 mailbox unavailable" in page
    assert "The person turned this kind of message off." in page
    assert "5 attempts" in page


def test_facilitators_see_only_their_cohorts_rows(world, two_cohorts):
    response = signed_in(world.fac1).get(OUTBOX)

    assert response.status_code == 200
    assert listed(response) == set(
        Notification.objects.filter(cohort=world.cohort1).values_list("pk", flat=True)
    )
    other = Notification.objects.filter(cohort=world.cohort2).first()
    assert other.to_email not in response.content.decode()


def test_a_facilitator_cannot_send_again_another_cohorts_row(world, two_cohorts):
    other = Notification.objects.filter(cohort=world.cohort2).first()
    Notification.objects.filter(pk=other.pk).update(state="failed", last_error="x")

    response = signed_in(world.fac1).post(reverse("notifications:send_again", args=[other.pk]))

    assert response.status_code == 404
    assert Notification.objects.get(pk=other.pk).state == "failed"


@pytest.mark.parametrize("who", ["team_a", "partner", "stray_partner"])
def test_team_members_and_partners_get_no_outbox(world, two_cohorts, who):
    response = signed_in(world.person(who)).get(OUTBOX)

    assert response.status_code == 403


def test_send_again_requeues_a_failed_row_now(
    world, two_cohorts, september, django_capture_on_commit_callbacks
):
    row = Notification.objects.filter(cohort=world.cohort1).first()
    Notification.objects.filter(pk=row.pk).update(
        state="failed", attempts=5, last_error="SMTPDataError: 554"
    )
    september.shift(timedelta(hours=1))

    with django_capture_on_commit_callbacks() as dispatches:
        response = signed_in(world.fac1).post(
            reverse("notifications:send_again", args=[row.pk]), {"next": OUTBOX}
        )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("scheduled", 0)
    assert row.not_before == utc(2026, 9, 1, 16, 0)
    assert len(dispatches) == 1  # the dispatch goes once the requeue commits


def test_send_again_leaves_a_row_that_is_not_failed_alone(world, two_cohorts):
    row = Notification.objects.filter(cohort=world.cohort1).first()

    response = signed_in(world.staff).post(reverse("notifications:send_again", args=[row.pk]))

    assert response.status_code == 302
    assert Notification.objects.get(pk=row.pk).state == "scheduled"
