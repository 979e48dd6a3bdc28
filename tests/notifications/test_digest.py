"""notify(): as it happens, or in one daily digest at 8:00 in the person's own zone."""

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications import kinds
from notifications import services as ledger
from notifications.models import DigestItem, KindPreference, Notification
from tests.conftest import PortalClient, utc
from tests.factories import CohortFactory, StaffFactory, UserFactory
from tests.notifications.conftest import deliver_due, html_part
from tests.notifications.digest_support import NOTED, noted_kind  # noqa: F401 — a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("noted_kind")]

DIGEST = KindPreference.Delivery.DIGEST


def person_in(zone, delivery=DIGEST, kind=NOTED, **fields):
    person = UserFactory(time_zone=zone, **fields)
    KindPreference.objects.create(person=person, kind=kind, delivery=delivery)
    return person


def note(cohort, people, what, slot=None):
    ledger.notify(
        kind=NOTED,
        about=cohort,
        people=people,
        slot=slot or what,
        payload={"what": what},
        cohort=cohort,
    )


def digests(person):
    return ledger.rows_about(person, ledger.DAILY_DIGEST)


def three_events(cohort, person, times):
    for number, moment in enumerate(times, 1):
        with time_machine.travel(moment, tick=False):
            note(cohort, [person], f"Event {number}")


def sent_at(moment):
    """Deliver what is due at `moment`; the messages that went."""
    mail.outbox.clear()
    with time_machine.travel(moment, tick=False):
        deliver_due()
    return list(mail.outbox)


@pytest.mark.parametrize(
    ("zone", "events", "eight"),
    [
        # Phoenix keeps MST (UTC−7) all year: 8:00 is 15:00 UTC.
        (
            "America/Phoenix",
            [utc(2026, 10, 7, 16), utc(2026, 10, 7, 20), utc(2026, 10, 8, 3)],
            utc(2026, 10, 8, 15),
        ),
        # Honolulu, HST (UTC−10): 8:00 is 18:00 UTC.
        (
            "Pacific/Honolulu",
            [utc(2026, 10, 7, 19), utc(2026, 10, 7, 23), utc(2026, 10, 8, 6)],
            utc(2026, 10, 8, 18),
        ),
        # Denver on Saturday 31 October (MDT, UTC−6); summer time ends on Sunday 1 November
        # at 2:00, so Sunday's 8:00 is MST: 15:00 UTC, not 14:00.
        (
            "America/Denver",
            [utc(2026, 10, 31, 15), utc(2026, 10, 31, 20), utc(2026, 11, 1, 5)],
            utc(2026, 11, 1, 15),
        ),
        # Denver on Saturday 13 March 2027 (MST, UTC−7); summer time starts on Sunday 14
        # March at 2:00, so Sunday's 8:00 is MDT: 14:00 UTC, not 15:00.
        (
            "America/Denver",
            [utc(2027, 3, 13, 16), utc(2027, 3, 13, 22), utc(2027, 3, 14, 6)],
            utc(2027, 3, 14, 14),
        ),
    ],
)
def test_three_events_in_a_day_give_one_email_at_eight_in_the_persons_zone(zone, events, eight):
    cohort = CohortFactory(name="Cohort North")
    person = person_in(zone)
    three_events(cohort, person, events)

    assert digests(person).count() == 1
    assert sent_at(eight - timedelta(minutes=1)) == []
    sent = sent_at(eight)
    assert [message.to for message in sent] == [[person.email]]
    body = sent[0].body
    assert all(f"Cohort North: Event {n}" in body for n in (1, 2, 3))
    assert "3 updates" in sent[0].subject
    assert sent_at(eight + timedelta(days=1)) == []
    assert digests(person).get().state == Notification.State.SENT


def test_the_digest_of_the_day_is_planned_once_and_due_at_eight():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 7, 16), utc(2026, 10, 7, 17)])

    row = digests(person).get()
    assert (row.slot, row.due_at) == ("2026-10-08", utc(2026, 10, 8, 15))
    assert row.recipient == person
    assert DigestItem.objects.filter(recipient=person, digest=None).count() == 2


def test_an_event_before_eight_goes_in_that_mornings_digest_one_after_in_the_next():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 8, 14, 59), utc(2026, 10, 8, 15, 0, 1)])

    assert sorted(digests(person).values_list("slot", flat=True)) == ["2026-10-08", "2026-10-09"]
    first = sent_at(utc(2026, 10, 8, 15))
    assert "Event 1" in first[0].body and "Event 2" not in first[0].body
    second = sent_at(utc(2026, 10, 9, 15))
    assert "Event 2" in second[0].body and "Event 1" not in second[0].body


def test_after_a_zone_change_the_next_event_moves_that_days_digest_to_eight_in_the_new_zone():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 7, 16)])  # due 8:00 Phoenix: 15:00 UTC
    person.time_zone = "Pacific/Honolulu"
    person.save()
    assert digests(person).get().due_at == utc(2026, 10, 8, 15)  # planned: it keeps its time

    with time_machine.travel(utc(2026, 10, 8, 10), tick=False):  # midnight in Honolulu
        note(cohort, [person], "Event after the move")

    row = digests(person).get()
    assert (row.slot, row.due_at) == ("2026-10-08", utc(2026, 10, 8, 18))
    assert sent_at(utc(2026, 10, 8, 15)) == []
    [message] = sent_at(utc(2026, 10, 8, 18))
    assert "Event 1" in message.body and "Event after the move" in message.body


def test_no_email_on_a_quiet_day():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 7, 16)])
    assert len(sent_at(utc(2026, 10, 8, 15))) == 1

    assert sent_at(utc(2026, 10, 9, 15)) == []
    assert digests(person).count() == 1


def test_a_digest_with_nothing_left_to_list_is_cancelled_not_sent():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 7, 16)])
    cohort.name = "Archived cohort"  # the test kind's re-check: no longer applies
    cohort.save()

    assert sent_at(utc(2026, 10, 8, 15)) == []
    row = digests(person).get()
    assert row.state == Notification.State.CANCELLED
    assert row.cancelled_reason == "Nothing happened since the last digest."


def test_items_whose_object_is_gone_are_left_out():
    kept, gone = CohortFactory(name="Kept"), CohortFactory(name="Gone")
    person = person_in("America/Phoenix")
    with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
        note(kept, [person], "Stays")
        note(gone, [person], "Leaves")
    gone.delete()

    sent = sent_at(utc(2026, 10, 8, 15))
    assert "Kept: Stays" in sent[0].body
    assert "Leaves" not in sent[0].body
    assert "1 update" in sent[0].subject


def test_a_person_no_longer_active_gets_no_digest():
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    three_events(cohort, person, [utc(2026, 10, 7, 16)])
    person.is_active = False
    person.save()

    assert sent_at(utc(2026, 10, 8, 15)) == []
    assert digests(person).get().state == Notification.State.CANCELLED


def test_people_who_chose_as_it_happens_get_one_email_per_event():
    cohort = CohortFactory(name="Cohort North")
    never_chose = UserFactory(time_zone="America/Phoenix")
    said_so = person_in("America/Phoenix", delivery=KindPreference.Delivery.AT_ONCE)
    for hour in (17, 18, 19):
        with time_machine.travel(utc(2026, 10, 7, hour), tick=False):
            note(cohort, [never_chose, said_so], f"At {hour}")
    sent = sent_at(utc(2026, 10, 7, 19, 1))

    for person in (never_chose, said_so):
        assert sorted(message.subject for message in sent if message.to == [person.email]) == [
            "Cohort North: At 17",
            "Cohort North: At 18",
            "Cohort North: At 19",
        ]
        assert not digests(person).exists()
    assert sent_at(utc(2026, 10, 8, 15)) == []


def test_the_choice_is_per_kind():
    other = kinds.register(replace(kinds.get(NOTED), code="cohort_noted_too", label="Other"))
    try:
        cohort = CohortFactory(name="Cohort North")
        person = person_in("America/Phoenix")  # the test kind in the digest, the other not
        with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
            note(cohort, [person], "Digested")
            ledger.notify(
                kind=other.code,
                about=cohort,
                people=[person],
                slot="now",
                payload={"what": "Now"},
            )
        assert DigestItem.objects.filter(recipient=person).count() == 1
        assert ledger.rows_about(cohort, other.code).filter(to_email=person.email).exists()
    finally:
        kinds.REGISTRY.pop(other.code)


def test_a_kind_that_is_not_digestible_always_goes_as_it_happens():
    kinds.register(replace(kinds.get(NOTED), digestible=False))
    cohort = CohortFactory()
    person = person_in("America/Phoenix")
    with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
        note(cohort, [person], "Now")

    assert not DigestItem.objects.exists()
    assert ledger.rows_about(cohort, NOTED).filter(to_email=person.email).count() == 1


def test_the_same_event_told_twice_is_listed_once():
    cohort = CohortFactory(name="Cohort North")
    person = person_in("America/Phoenix")
    with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
        note(cohort, [person, person], "Once", slot="event-1")
        note(cohort, [person], "Once", slot="event-1")

    sent = sent_at(utc(2026, 10, 8, 15))
    assert sent[0].body.count("Cohort North: Once") == 1


def test_an_event_told_again_after_its_email_went_is_not_sent_again():
    cohort = CohortFactory(name="Cohort North")
    person = UserFactory(time_zone="America/Phoenix")
    with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
        note(cohort, [person], "Once", slot="event-1")
    assert len(sent_at(utc(2026, 10, 7, 16, 1))) == 1

    with time_machine.travel(utc(2026, 10, 7, 17), tick=False):
        KindPreference.objects.create(person=person, kind=NOTED, delivery=DIGEST)
        note(cohort, [person], "Once", slot="event-1")
    assert sent_at(utc(2026, 10, 7, 17, 1)) == []
    assert not DigestItem.objects.exists() and not digests(person).exists()


def test_the_digest_is_grouped_by_kind_with_links_in_the_persons_language_and_zone():
    cohort = CohortFactory(name="Cohorte Sur")
    person = person_in("America/Phoenix", language="es", full_name="Ana Ruiz")
    three_events(cohort, person, [utc(2026, 10, 7, 16)])

    message = sent_at(utc(2026, 10, 8, 15))[0]
    html = html_part(message)
    assert "Cohort notes" in message.body
    assert cohort.get_absolute_url() in message.body
    assert 'href="http' in html and cohort.get_absolute_url() in html
    assert "9:00" in message.body  # 16:00 UTC in Phoenix
    assert message.extra_headers["Message-ID"].startswith("<notification-")


def test_the_outbox_shows_a_digest_as_the_daily_digest_for_its_person():
    person = person_in("America/Phoenix", full_name="Ana Ruiz")
    three_events(CohortFactory(), person, [utc(2026, 10, 7, 16)])
    client = PortalClient()
    client.force_login(StaffFactory())

    page = client.get(reverse("notifications:outbox"), {"kind": ledger.DAILY_DIGEST})

    assert "Daily digest for Ana Ruiz" in page.content.decode()
    assert [row.about_label for row in page.context["page"]] == ["Daily digest for Ana Ruiz"]


@pytest.mark.parametrize("count", [2, 20])
def test_telling_many_people_takes_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    cohort = CohortFactory()
    at_once = [UserFactory() for _ in range(count)]
    in_digest = [person_in("America/Phoenix") for _ in range(count)]
    with time_machine.travel(utc(2026, 10, 7, 16), tick=False):
        note(cohort, in_digest, "First")  # plans each digest: a few queries per person
        # Who was told of it already (ledger, items), who chose the digest, the as-it-happens
        # rows (their existing ones, insert, queue), the digest items, the digests of the day
        # (one locked read: all planned already).
        with django_assert_max_num_queries(8):
            note(cohort, [*at_once, *in_digest], "Second")
