"""The signed link in a check-in's emails: it opens that check-in's form for the person it was
sent to, signing them in first when they are signed out.

The token carries the check-in and the person, signed with its own salt, and holds for
LINK_MAX_AGE from the moment it is made: a reminder sent a week before the due date still
works three weeks after it, past the last follow-up (each email carries a fresh link).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "workplans.checkin_link"
LINK_MAX_AGE = timedelta(days=30)


def token_for(checkin, person):
    return signing.dumps({"c": checkin.pk, "p": person.pk}, salt=SALT, compress=True)


def link_for(checkin, person):
    """The absolute URL of `person`'s link to `checkin`'s form, for an email."""
    return settings.SITE_URL + reverse("workplans:checkin_link", args=[token_for(checkin, person)])


@dataclass(frozen=True)
class Link:
    """What a token says: the check-in and person it names (None when it was tampered with),
    and whether it is past LINK_MAX_AGE."""

    checkin_pk: int | None = None
    person_pk: int | None = None
    expired: bool = False

    @property
    def valid(self):
        return self.checkin_pk is not None and not self.expired


def read(token):
    """The Link a token names. An expired token still says which check-in it was for, so its
    page can offer the way there; a tampered one says nothing."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
        expired = False
    except signing.SignatureExpired:
        data = signing.loads(token, salt=SALT)
        expired = True
    except signing.BadSignature:
        return Link()
    try:
        return Link(int(data["c"]), int(data["p"]), expired)
    except (KeyError, TypeError, ValueError):
        return Link()
