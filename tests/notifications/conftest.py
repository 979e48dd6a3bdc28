"""A cohort whose sessions concern eight people, and helpers that drive the ledger by hand:
claim what is due and deliver it, as the worker would, with mail going to mail.outbox."""

from datetime import UTC, datetime

from notifications import services as ledger
from sessions_app import services as sessions

# Tuesday 6 October 2026, 10:00 in Denver (MDT, UTC−6).
OCTOBER_6 = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)


def cohort1_people(world):
    """Everyone a cohort-one session concerns: six team members, the facilitator, the partner."""
    members = [seat.person for team in (world.team_a, world.team_b) for seat in team.seats.all()]
    return [*members, world.fac1, world.partner]


def cohort2_people(world):
    return [seat.person for seat in world.team_c.seats.all()] + [world.fac2]


def schedule(world, starts_at=OCTOBER_6, cohort=None, **details):
    """A session scheduled through the service, as the schedule page does."""
    return sessions.add_session(
        cohort or world.cohort1,
        starts_at=starts_at,
        title=details.pop("title", "Equity in practice"),
        by=world.staff,
        time_zone=details.pop("time_zone", "America/Denver"),
        where="video",
        video_url="https://video.example.org/room",
        **details,
    )


def reminders(session, **filters):
    return ledger.rows_about(session, "session_reminder").filter(**filters)


def deliver_due(now=None, limit=1000):
    """Claim every due row and deliver it, the worker's job. Returns {pk: outcome}."""
    outcomes = {}
    while claimed := ledger.claim_batch(limit=limit, now=now):
        for pk, token in claimed:
            outcomes[pk] = ledger.deliver(pk, token)
    return outcomes


def mail_for(outbox, email):
    found = [message for message in outbox if message.to == [email]]
    assert len(found) == 1, f"{len(found)} messages to {email}"
    return found[0]


def html_part(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def state_of(row):
    row.refresh_from_db()
    return row.state
