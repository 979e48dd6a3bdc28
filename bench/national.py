"""The bench's data sets: the network at national size, made with bulk inserts in seconds,
and the demo seed, for the same pages at demo size.

National size (the aim is every state): 50 state organisations and a few planning
partners; 60 cohorts of the two programs the data migration creates, spread over six
years; 1,000 teams of three (3,000 people, one executive director per team); facilitators
and partners on every cohort; 540 sessions; 20,000 attendance rows; 100,000 ledger rows.
Rows are written directly (bulk_create, COPY): the database's constraints hold, the
services' rules (a cohort's most organisations, say) are not asked.

Times are set relative to the day the data is made, so the fingerprint holds the date.
"""

import inspect
import io
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import count

from bench import db

FIRST = "Maria James Aisha Daniel Keisha Luis Grace Tomás Naomi Samuel Leilani Omar".split()
LAST = "Alvarez Begay Chen Dubois Okafor Fernández Goldberg Iwasaki Kealoha Nguyen Tsosie".split()
AGENDA = """Welcome and grounding (15 min)
Reflection in state teams: where are we on our equity journey? (30 min)
Shared learning: centering racial justice in policy pursuits (30 min)
Next steps for each state workplan (15 min)"""


@dataclass(frozen=True)
class Size:
    organisations: int = 50
    partners: int = 4
    partner_members: int = 2
    facilitators: int = 30
    staff: int = 3
    cohorts: int = 60
    first_cohort_days_ago: int = 1700  # the cohorts start evenly from then…
    days_between_cohorts: float = 36.5  # …about 150 of the sessions are still to come
    teams: int = 1000
    team_size: int = 3
    sessions: int = 540
    attendance: int = 20_000
    ledger: int = 100_000

    @property
    def people(self):
        return self.teams * self.team_size


NATIONAL = Size()
SMOKE = Size(
    organisations=6,
    partners=2,
    facilitators=3,
    staff=1,
    cohorts=3,
    first_cohort_days_ago=120,
    days_between_cohorts=60,
    teams=9,
    sessions=27,
    attendance=150,
    ledger=1_000,
)


class Builder:
    """Bulk writers for people, organisations and teams. bench/writes.py builds its
    cohorts with the same ones (inside a transaction it rolls back)."""

    def __init__(self, tag, now):
        from django.contrib.auth.hashers import make_password

        self.tag = tag
        self.now = now
        self.serial = count(1)
        self.password = make_password(None)  # unusable: the bench logs in with sessions

    def people(self, n, role, zones=("America/New_York",)):
        from accounts.models import User

        people = []
        for index in range(n):
            k = next(self.serial)
            people.append(
                User(
                    email=f"{self.tag}.{role}.{k}@bench.test",
                    full_name=f"{FIRST[k % len(FIRST)]} {LAST[(k // len(FIRST)) % len(LAST)]}",
                    time_zone=zones[index % len(zones)],
                    password=self.password,
                )
            )
        return User.objects.bulk_create(people)

    def organisations(self, n, kind, states=(), focus_areas=()):
        from cohorts.models import Organisation

        label = "Partner" if focus_areas else "Grantee"
        return Organisation.objects.bulk_create(
            Organisation(
                name=f"{self.tag.title()} {label} {index + 1:03d}"
                + (f" ({states[index % len(states)]})" if states else ""),
                kind=kind,
                state=states[index % len(states)] if states else "",
                focus_area=focus_areas[index % len(focus_areas)] if focus_areas else "",
            )
            for index in range(n)
        )

    def teams(self, cohort, organisations, team_size):
        """Enrol each organisation and seat `team_size` new people on its team, the
        executive director first. Returns the enrolments, each with `.people`."""
        from cohorts.choices import STATE_TIME_ZONES, TeamRole
        from cohorts.models import Enrolment, Membership, Seat

        roles = [TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD]
        roles += [TeamRole.MEMBER] * (team_size - len(roles))
        roles = roles[:team_size]
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(cohort=cohort, organisation=organisation) for organisation in organisations
        )
        started_at = min(
            self.now, datetime.combine(cohort.starts_on, time(12), tzinfo=UTC) - timedelta(days=21)
        )
        memberships, seats = [], []
        for enrolment in enrolments:
            zone = STATE_TIME_ZONES.get(enrolment.organisation.state, "America/New_York")
            enrolment.people = self.people(team_size, "team", zones=[zone])
            for person, role in zip(enrolment.people, roles, strict=True):
                memberships.append(
                    Membership(person=person, organisation=enrolment.organisation, role=role)
                )
                seats.append(
                    Seat(enrolment=enrolment, person=person, role=role, started_at=started_at)
                )
        Membership.objects.bulk_create(memberships)
        Seat.objects.bulk_create(seats)
        return enrolments


def _cohorts(size, builder, programs, facilitators, partners):
    from dateutil.relativedelta import relativedelta

    from cohorts.choices import CohortStatus
    from cohorts.models import Cohort

    today = builder.now.date()
    cohorts = []
    for index in range(size.cohorts):
        program = programs[index % len(programs)]
        starts_on = today - timedelta(
            days=round(size.first_cohort_days_ago - index * size.days_between_cohorts)
        )
        ends_on = starts_on + relativedelta(months=program.months)
        if ends_on < today:
            status = CohortStatus.COMPLETED
        elif starts_on <= today:
            status = CohortStatus.ACTIVE
        else:
            status = CohortStatus.PLANNED
        cohorts.append(
            Cohort(
                program=program,
                name=f"{program.short_name or program.name} Cohort {index // len(programs) + 1}",
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
            )
        )
    cohorts = Cohort.objects.bulk_create(cohorts)
    # Two facilitators and two planning partners on each cohort, in turn.
    Cohort.facilitators.through.objects.bulk_create(
        Cohort.facilitators.through(cohort=cohort, user=person)
        for i, cohort in enumerate(cohorts)
        for person in {facilitators[(2 * i + k) % len(facilitators)] for k in (0, 1)}
    )
    Cohort.partners.through.objects.bulk_create(
        Cohort.partners.through(cohort=cohort, organisation=partner)
        for i, cohort in enumerate(cohorts)
        for partner in {partners[(i + k) % len(partners)] for k in (0, 1)}
    )
    return cohorts


def _share(total, parts, index):
    """`total` split as evenly as it goes into `parts`: the share of part `index`."""
    return total // parts + (1 if index < total % parts else 0)


def _sessions(size, cohorts):
    from cohorts.models import Cohort
    from sessions_app.models import LearningSession

    sessions = []
    for index, cohort in enumerate(cohorts):
        n = _share(size.sessions, size.cohorts, index)
        gap = (cohort.ends_on - cohort.starts_on).days / n
        for number in range(1, n + 1):
            day = cohort.starts_on + timedelta(days=round((number - 1) * gap))
            sessions.append(
                LearningSession(
                    cohort=cohort,
                    number=number,
                    title=f"Learning session {number}",
                    starts_at=datetime.combine(day, time(17), tzinfo=UTC),
                    duration_minutes=90,
                    time_zone="America/New_York",
                    video_url=f"https://video.example.org/{cohort.pk}-{number}",
                    agenda=AGENDA,
                )
            )
    sessions = LearningSession.objects.bulk_create(sessions)
    facilitators = {}
    for row in Cohort.facilitators.through.objects.filter(cohort__in=cohorts):
        facilitators.setdefault(row.cohort_id, []).append(row.user_id)
    LearningSession.facilitators.through.objects.bulk_create(
        LearningSession.facilitators.through(learningsession=session, user_id=user_id)
        for session in sessions
        for user_id in facilitators.get(session.cohort_id, [])
    )
    return sessions, facilitators


def _attendance(size, now, sessions, team_by_cohort, facilitators):
    """The most recent sessions held first, every team member marked, up to the size."""
    from sessions_app.models import Attendance

    Mark = Attendance.Mark
    rows = []
    held = sorted((s for s in sessions if s.starts_at < now), key=lambda s: s.starts_at)
    held.reverse()
    for session in held:
        for enrolment_id, person_id in team_by_cohort[session.cohort_id]:
            if len(rows) == size.attendance:
                break
            n = len(rows)
            mark = Mark.EXCUSED if n % 11 == 0 else Mark.ABSENT if n % 7 == 0 else Mark.PRESENT
            rows.append(
                Attendance(
                    session=session,
                    person_id=person_id,
                    enrolment_id=enrolment_id,
                    rsvp=Attendance.Rsvp.ATTENDING,
                    mark=mark,
                    marked_by_id=facilitators[session.cohort_id][0],
                    marked_at=session.starts_at + timedelta(hours=2),
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=5000)


def _ledger(size, now, sessions, recipients):
    """Every session's reminders (a week, a day and two hours before), then moved and
    cancelled notices, for everyone the cohort concerns, up to the size: sent when their
    moment has passed (a few failed or cancelled), scheduled when it is still ahead."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Notification
    from sessions_app import notices
    from sessions_app.models import LearningSession

    State = Notification.State
    content_type = ContentType.objects.get_for_model(LearningSession).pk
    # (kind, slot, due before the session, payload) as the planning writes them
    slots = [
        *((notices.REMINDER, notices.slot_for(minutes), timedelta(minutes=minutes),
           {"minutes": minutes}) for minutes in (7 * 24 * 60, 24 * 60, 120)),
        (notices.MOVED, "change-1", timedelta(days=14), {"reason": "A clash with a hearing."}),
        (notices.CANCELLED, "cancelled", timedelta(days=3), {"reason": "The convening."}),
    ]  # fmt: skip

    def rows():
        n = 0
        for kind, slot, before, payload in slots:
            for session in sessions:
                for person_id, email in recipients[session.cohort_id]:
                    if n == size.ledger:
                        return
                    n += 1
                    due = session.starts_at - before
                    state, sent_at, error, reason = State.SCHEDULED, None, "", ""
                    if due <= now:
                        state, sent_at = State.SENT, due + timedelta(seconds=20)
                        if n % 41 == 0:
                            state, sent_at, error = State.FAILED, None, "550 mailbox unavailable"
                        elif n % 53 == 0:
                            state, sent_at, reason = State.CANCELLED, None, "The person left."
                    yield (kind, person_id, email, content_type, session.pk, slot,
                           session.cohort_id, json.dumps(payload), due, due, state,
                           int(state != State.SCHEDULED), 0, error, reason, due,
                           sent_at or due, sent_at)  # fmt: skip

    db.copy_rows(
        Notification,
        ["kind", "recipient", "to_email", "content_type", "object_id", "slot", "cohort",
         "payload", "due_at", "not_before", "state", "attempts", "revision", "last_error",
         "cancelled_reason", "created_at", "updated_at", "sent_at"],
        rows(),
    )  # fmt: skip
    db.enqueue_scheduled()


def generate(size):
    """Write the whole national data set into the connected (freshly migrated) database."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import STAFF_GROUP
    from cohorts.choices import US_STATES, FocusArea, OrganisationKind
    from cohorts.models import Membership, Program, Seat
    from sessions_app.models import CalendarFeed

    if size.teams > size.cohorts * size.organisations:
        raise SystemExit("More teams than cohorts × organisations: each enrols once a cohort.")
    now = timezone.now()
    builder = Builder("national", now)
    staff = builder.people(size.staff, "staff")
    Group.objects.get(name=STAFF_GROUP).user_set.add(*staff)
    states = [code for code, _name, _zone in US_STATES if code not in ("DC", "PR", "GU", "VI")]
    grantees = builder.organisations(
        size.organisations, OrganisationKind.STATE_GRANTEE, states=states
    )
    partners = builder.organisations(
        size.partners, OrganisationKind.PLANNING_PARTNER, focus_areas=FocusArea.values
    )
    partner_people = {}
    for partner in partners:
        partner_people[partner.pk] = builder.people(size.partner_members, "partner")
        Membership.objects.bulk_create(
            Membership(person=person, organisation=partner) for person in partner_people[partner.pk]
        )
    facilitators = builder.people(
        size.facilitators, "facilitator", zones=("America/Denver", "America/Los_Angeles")
    )
    programs = list(Program.objects.order_by("pk"))
    cohorts = _cohorts(size, builder, programs, facilitators, partners)

    team_by_cohort, recipients = {}, {}
    people = {p.pk: p.email for p in [*facilitators, *sum(partner_people.values(), [])]}
    for index, cohort in enumerate(cohorts):
        n = _share(size.teams, size.cohorts, index)
        chosen = [grantees[(index * 7 + k) % len(grantees)] for k in range(n)]
        enrolments = builder.teams(cohort, chosen, size.team_size)
        team_by_cohort[cohort.pk] = [(e.pk, p.pk) for e in enrolments for p in e.people]
        people.update((p.pk, p.email) for e in enrolments for p in e.people)

    sessions, session_facilitators = _sessions(size, cohorts)
    for cohort in cohorts:
        ids = [p for _e, p in team_by_cohort[cohort.pk]] + session_facilitators[cohort.pk]
        ids += [p.pk for o in cohort.partners.all() for p in partner_people[o.pk]]
        recipients[cohort.pk] = [(pk, people[pk]) for pk in ids]
    _attendance(size, now, sessions, team_by_cohort, session_facilitators)
    _ledger(size, now, sessions, recipients)
    CalendarFeed.objects.bulk_create(
        CalendarFeed(person_id=person_id, token=secrets.token_urlsafe(24))
        for person_id in Seat.objects.values_list("person_id", flat=True)
    )


def ensure_national(url, name, size):
    """The national data in database `name`, made again only when something changed."""
    from django.utils import timezone

    db.ensure(
        url,
        name,
        "National data",
        lambda: generate(size),
        asdict(size),
        inspect.getsource(inspect.getmodule(ensure_national)),
        timezone.now().date(),
    )


def ensure_demo(url, name):
    """The demo seed (`seed_demo`, wherever it lives) in database `name`."""
    from django.core.management import call_command, get_commands, load_command_class
    from django.utils import timezone

    command = load_command_class(get_commands()["seed_demo"], "seed_demo")
    password = secrets.token_hex(16)  # nobody logs in with it: the bench uses sessions
    db.ensure(
        url,
        name,
        "Demo data",
        lambda: call_command(command, password=password, force=True, stdout=io.StringIO()),
        inspect.getsource(inspect.getmodule(command)),
        timezone.now().date(),
    )
