"""RFC 5545 calendars of learning sessions, built with icalendar.

Times are written in UTC (DTSTART…Z), which every client places correctly in its own
zone; UID is stable per session and SEQUENCE follows the session's sequence, so an
updated event replaces the old one instead of appearing twice.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from sessions_app.models import LearningSession


def _description(session):
    parts = []
    if session.is_cancelled and session.cancel_reason:
        parts.append(_("Cancelled: %(reason)s") % {"reason": session.cancel_reason})
    if session.where == LearningSession.Where.VIDEO and session.video_url:
        parts.append(_("Join: %(link)s") % {"link": session.video_url})
    elif session.where == LearningSession.Where.PHONE and session.phone:
        parts.append(_("Call: %(phone)s") % {"phone": session.phone})
    elif session.address:
        parts.append(_("Address: %(address)s") % {"address": session.address})
    if session.agenda:
        parts.append(_("Agenda:") + "\n" + session.agenda)
    parts.append(
        _("Session page: %(url)s") % {"url": settings.SITE_URL + session.get_absolute_url()}
    )
    return "\n\n".join(parts)


def _location(session):
    return {
        LearningSession.Where.VIDEO: session.video_url,
        LearningSession.Where.PHONE: session.phone,
        LearningSession.Where.IN_PERSON: session.address,
    }[session.where]


def session_event(session):
    event = Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", f"{session.cohort.name}: {session.title}")
    event.add("description", _description(session))
    if location := _location(session):
        event.add("location", location)
    event.add("url", f"{settings.SITE_URL}{session.get_absolute_url()}")
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


# How often a subscribed calendar should fetch the feed again: RFC 7986's REFRESH-INTERVAL,
# and X-PUBLISHED-TTL for Outlook and older clients that read only that.
FEED_REFRESH = timedelta(hours=1)


def build_calendar(sessions, *, name, refresh=None):
    """A calendar named `name` (X-WR-CALNAME, what the calendar application lists it as);
    a subscription feed also says how often to refresh."""
    cal = Calendar()
    cal.add("prodid", "-//Equity Cohort Portal//Learning sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh).to_ical().decode())
    for session in sessions:
        cal.add_component(session_event(session))
    return cal.to_ical()
