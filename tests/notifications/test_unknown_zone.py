"""A recipient whose stored zone no longer exists still gets their email, with times in UTC."""

import pytest
from django.core import mail

from accounts.models import User
from tests.conftest import utc
from tests.notifications.conftest import deliver_due, mail_for, reminders, schedule

pytestmark = pytest.mark.usefixtures("september")


def test_a_reminder_to_a_bad_stored_zone_goes_with_utc_times(world, september):
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    session = schedule(world)
    User.objects.filter(pk=world.fac1.pk).update(time_zone="Mars/Olympus")
    september.move_to(utc(2026, 10, 5, 16, 0))

    deliver_due()

    assert reminders(session, recipient=world.fac1).get().state == "sent"
    message = mail_for(mail.outbox, world.fac1.email)
    assert message.subject.endswith("(Equity in practice), Tue 6 Oct 2026, 16:00 UTC")
