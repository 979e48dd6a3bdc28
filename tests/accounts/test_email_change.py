"""A person makes another of their addresses primary (allauth's email page): the change is
saved outside any transaction, and their planned messages follow it without an error."""

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse

from notifications.models import Notification
from tests.conftest import SEPTEMBER_1
from tests.notifications.conftest import schedule


@time_machine.travel(SEPTEMBER_1, tick=False)
@pytest.mark.django_db(transaction=True)
def test_making_another_address_primary_readdresses_the_planned_messages(client, world):
    person = world.team_a_ed
    schedule(world)
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    EmailAddress.objects.create(user=person, email="work@example.org", verified=True)
    client.force_login(person)

    response = client.post(
        reverse("account_email"), {"action_primary": "", "email": "work@example.org"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "work@example.org"
    mine = Notification.objects.filter(recipient=person, state="scheduled")
    assert set(mine.values_list("to_email", flat=True)) == {"work@example.org"}
