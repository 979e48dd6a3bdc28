"""Answering a session reminder from the email: a signed link naming one session and one
person, to a page with "Attending" / "Can't attend" (sessions_app.views.rsvp_from_email).

The link is a bearer token, like the unsubscribe link: whoever holds the email may answer for
its recipient, and nobody else can make one (django.core.signing, HMAC with SECRET_KEY and a
salt of its own, so no other signed value of the portal opens it). Guessing one is as hard as
forging the HMAC, so the page needs no rate limit of its own.

It carries no expiry date: it works until the session starts, and the session's start is read
when the link is used, so a rescheduled session's link follows it (and one moved into the past
stops). Everything else that can end it is read then too: a cancellation, the person leaving
the cohort, their account being closed.
"""

from dataclasses import dataclass
from http import HTTPStatus

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sessions_app.models import LearningSession

SALT = "sessions_app.rsvp_from_email"


def answer_token(session, person):
    return signing.dumps({"s": session.pk, "p": person.pk}, salt=SALT)


def answer_url(session, person):
    """The link a reminder carries for `person`, or None when they are not asked to answer
    (the session's facilitators and staff get reminders too)."""
    if not rules.test_rule("sessions_app.answers", person, session):
        return None
    return settings.SITE_URL + reverse(
        "sessions_app:rsvp_from_email", args=[answer_token(session, person)]
    )


@dataclass(frozen=True)
class Refusal:
    """Why a link can't be used (now): a heading, a sentence, and the HTTP status."""

    code: str
    heading: str
    explanation: str
    status: int


BROKEN = Refusal(
    "broken",
    _("This link doesn't work"),
    _(
        "It may have been copied only in part. Open the link from the email again, or sign in "
        "and answer on the session's page."
    ),
    HTTPStatus.BAD_REQUEST,
)
GONE = Refusal(
    "gone",
    _("This session is no longer in the portal"),
    _("Sign in to see your sessions as they are now."),
    HTTPStatus.NOT_FOUND,
)
CLOSED_ACCOUNT = Refusal(
    "closed_account",
    _("This account is closed"),
    _(
        "Answers can't be given for a closed account. If you think this is a mistake, ask your "
        "cohort's facilitator."
    ),
    HTTPStatus.FORBIDDEN,
)
NOT_INVITED = Refusal(
    "not_invited",
    _("You are no longer invited to this session"),
    _(
        "You no longer take part in this cohort, so there is no answer to give. If you think "
        "this is a mistake, ask your cohort's facilitator."
    ),
    HTTPStatus.FORBIDDEN,
)
CANCELLED = Refusal(
    "cancelled",
    _("This session is cancelled"),
    _("There is nothing to answer: the session will not take place."),
    HTTPStatus.GONE,
)
STARTED = Refusal(
    "started",
    _("This session has started"),
    _("Answers close when a session starts, so this link no longer works."),
    HTTPStatus.GONE,
)


def read(token):
    """(session, person, None) for a working link, else (session, person, refusal) with
    whatever of the two the link names (None for a broken link)."""
    try:
        data = signing.loads(token, salt=SALT)
        session_pk, person_pk = int(data["s"]), int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, None, BROKEN
    session = LearningSession.objects.select_related("cohort").filter(pk=session_pk).first()
    person = get_user_model().objects.filter(pk=person_pk).first()
    if session is None or person is None:
        return session, person, GONE
    return session, person, refusal(session, person)


def refusal(session, person):
    """Why `person` can't answer for `session` through its link now, or None."""
    if not person.is_active:
        return CLOSED_ACCOUNT
    if not rules.test_rule("sessions_app.answers", person, session):
        return NOT_INVITED
    if session.is_cancelled:
        return CANCELLED
    if session.has_started:
        return STARTED
    return None
