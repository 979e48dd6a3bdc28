"""The bench's data sets: the network at national size (10×) and a tenth of it (1×), made
with bulk inserts in seconds, for the same pages at both sizes.

National size (the aim is every state): 50 state organisations and a few planning
partners; 60 cohorts of the two programs the data migration creates, spread over six
years; 1,000 teams of three (3,000 people, one executive director per team); facilitators
and partners on every cohort; 540 sessions; 20,000 attendance rows; 100,000 ledger rows;
and each started team's working space: a workplan of four goals, 50,000 action items in
every status (some overdue, some blocked), their timeline of progress updates, the
facilitators' comments, self-assessments against the program's rubric (start, and end for
completed cohorts), support requests at every step, the snapshot of each completed
cohort's workplans, each completed cohort's check-ins (its program's cadence: most reviewed,
some waiting for review, some overdue, those ahead not yet due) and each person's last visit
to their team's home page. TENTH is a tenth of it (the queries of each page at 1× and 10×).
Rows are written directly (bulk_create, COPY): the database's constraints hold, the
services' rules (a cohort's most organisations, say) are not asked.

Times are set relative to the day the data is made, so the fingerprint holds the date.
"""

import inspect
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
    goals_per_team: int = 4
    action_items: int = 50_000
    comments_per_team: int = 8
    support_requests: int = 600

    @property
    def people(self):
        return self.teams * self.team_size


NATIONAL = Size()
# A tenth of the nation, for the query counts at 1× (the national data is 10×): the same six
# years and 50 states, a tenth of the cohorts, teams, sessions and rows.
TENTH = Size(
    facilitators=6,
    cohorts=6,
    days_between_cohorts=300,  # the last started 200 days ago: running, sessions to come
    teams=100,
    sessions=54,
    attendance=2_000,
    ledger=10_000,
    action_items=5_000,
    support_requests=60,
)
SMOKE = Size(
    organisations=6,
    partners=2,
    facilitators=3,
    staff=1,
    cohorts=3,
    first_cohort_days_ago=300,  # one completed (its check-ins), two running
    days_between_cohorts=60,
    teams=9,
    sessions=27,
    attendance=150,
    ledger=1_000,
    action_items=270,
    support_requests=8,
)
# The smoke run's 1×: as small, with fewer teams and rows.
SMOKE_TENTH = Size(
    organisations=6,
    partners=2,
    facilitators=3,
    staff=1,
    cohorts=3,
    first_cohort_days_ago=300,  # one completed (its check-ins), two running
    days_between_cohorts=60,
    teams=3,
    sessions=27,
    attendance=60,
    ledger=100,
    action_items=27,
    support_requests=2,
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
                shares_workplans=index % 3 == 0,
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


def _spread(start, end, share):
    """The moment `share` (0–1) of the way from `start` to `end`."""
    return start + (end - start) * share


class WorkingSpaces:
    """Every team's working space, written with bulk inserts (COPY for the timeline and the
    comments): statuses, due dates and owners follow the cohort's dates and the day the
    data is made, so a running cohort has overdue, blocked and done items side by side."""

    def __init__(self, size, now, cohorts, teams, facilitators, partner_people):
        self.size, self.now, self.today = size, now, now.date()
        self.cohorts, self.teams = cohorts, teams
        self.facilitators, self.partner_people = facilitators, partner_people
        self.started = [c for c in cohorts if c.starts_on <= self.today]

    def write(self):
        workplans = self.workplans()
        goals = self.goals(workplans)
        items = self.action_items(goals)
        self.timeline(items)
        self.comments(goals, items)
        self.assessments()
        self.support_requests(goals)
        self.snapshots(goals, items)
        self.checkins(goals, items)
        self.visits()

    def _begun(self, cohort):
        """When the team wrote its workplan: two weeks into the cohort (or now)."""
        return min(
            self.now, datetime.combine(cohort.starts_on, time(15), tzinfo=UTC) + timedelta(days=14)
        )

    def workplans(self):
        from cohorts.choices import CohortStatus
        from workplans.models import Workplan

        Status = Workplan.Status
        plans = []
        for cohort in self.cohorts:
            begun = self._begun(cohort)
            reviewer = self.facilitators[cohort.pk][0]
            for index, enrolment in enumerate(self.teams[cohort.pk]):
                plan = Workplan(
                    enrolment=enrolment,
                    shared=cohort.shares_workplans and index % 2 == 0,
                    created_at=begun,
                    updated_at=begun,
                )
                if cohort.status == CohortStatus.COMPLETED or (
                    cohort.status == CohortStatus.ACTIVE and index % 3 == 0
                ):
                    plan.status = Status.REVIEWED
                    plan.submitted_at, plan.submitted_by = begun, enrolment.people[0]
                    plan.reviewed_at = min(self.now, begun + timedelta(days=5))
                    plan.reviewed_by_id = reviewer
                elif cohort.status == CohortStatus.ACTIVE and index % 3 == 1:
                    plan.status = Status.SUBMITTED
                    plan.submitted_at, plan.submitted_by = begun, enrolment.people[0]
                plan.cohort = cohort
                plans.append(plan)
        return Workplan.objects.bulk_create(plans, batch_size=2000)

    def goals(self, workplans):
        from demo.workplans import GOALS
        from workplans.models import Goal

        goals = []
        for index, plan in enumerate(workplans):
            cohort = plan.cohort
            for position in range(self.size.goals_per_team):
                title, description, focus, _items = GOALS[(index + position) % len(GOALS)]
                goal = Goal(
                    workplan=plan,
                    position=position,
                    title=title,
                    description=description,
                    focus_area=focus,
                    target_date=cohort.ends_on,
                    created_by=plan.enrolment.people[0],
                    created_at=plan.created_at,
                    updated_at=plan.created_at,
                )
                goal.template, goal.team_index = GOALS[(index + position) % len(GOALS)], index
                goals.append(goal)
        return Goal.objects.bulk_create(goals, batch_size=5000)

    def _status(self, cohort, due_on, n):
        """A status for the item: none begun in a planned cohort; in a started one, most of
        what was due is done, a few are overdue or blocked, and what is ahead is open."""
        from cohorts.choices import CohortStatus
        from workplans.choices import ActionStatus as S

        if cohort.status == CohortStatus.PLANNED:
            return S.NOT_STARTED
        roll = (n * 7919) % 100
        if due_on < self.today:
            choices = [(70, S.DONE), (84, S.IN_PROGRESS), (92, S.BLOCKED), (100, S.NOT_STARTED)]
        else:
            choices = [(10, S.DONE), (45, S.IN_PROGRESS), (50, S.BLOCKED), (100, S.NOT_STARTED)]
        return next(status for bound, status in choices if roll < bound)

    def action_items(self, goals):
        from demo.workplans import BLOCKED_REASONS
        from workplans.choices import ActionStatus
        from workplans.models import ActionItem

        per_team = self.size.goals_per_team
        items, n = [], 0
        for goal in goals:
            plan = goal.workplan
            cohort, people = plan.cohort, plan.enrolment.people
            team_items = _share(self.size.action_items, self.size.teams, goal.team_index)
            count_here = _share(team_items, per_team, goal.position)
            first_due = cohort.starts_on + timedelta(days=30)
            last_due = cohort.ends_on + timedelta(days=30)
            titles = goal.template[3]
            for k in range(count_here):
                n += 1
                due_on = _spread(first_due, last_due, (k + 1) / (count_here + 1))
                due_on = first_due + timedelta(days=(due_on - first_due).days)
                status = self._status(cohort, due_on, n)
                title = titles[k % len(titles)]
                if k >= len(titles):
                    title = f"{title} (part {k // len(titles) + 1})"
                item = ActionItem(
                    goal=goal,
                    title=title,
                    owner=None if n % 17 == 0 else people[n % len(people)],
                    due_on=due_on,
                    status=status,
                    blocked_reason=(
                        BLOCKED_REASONS[n % len(BLOCKED_REASONS)]
                        if status == ActionStatus.BLOCKED
                        else ""
                    ),
                    created_by=people[0],
                    created_at=plan.created_at,
                    updated_at=plan.created_at,
                )
                if status == ActionStatus.DONE:
                    item.done_at = min(
                        self.now, datetime.combine(due_on, time(18), tzinfo=UTC) - timedelta(days=2)
                    )
                    item.updated_at = max(item.done_at, plan.created_at)
                items.append(item)
        return ActionItem.objects.bulk_create(items, batch_size=5000)

    def timeline(self, items):
        """Each item's history: added, then started, then done or blocked (by its owner, or
        the team's executive director), spread between its creation and now."""
        from demo.workplans import NOTES
        from workplans.choices import ActionStatus, ChangedField
        from workplans.models import ProgressUpdate

        S = ActionStatus

        def rows():
            for n, item in enumerate(items):
                plan = item.goal.workplan
                by = (item.owner or plan.enrolment.people[0]).pk
                created = item.created_at
                yield (plan.pk, item.pk, ChangedField.CREATED, "", "", "", by, created)
                if item.status == S.NOT_STARTED:
                    continue
                end = item.done_at or self.now
                started = _spread(created, end, 0.4)
                yield (plan.pk, item.pk, ChangedField.STATUS, S.NOT_STARTED, S.IN_PROGRESS,
                       NOTES[n % len(NOTES)] if n % 3 == 0 else "", by, started)  # fmt: skip
                if item.status in (S.DONE, S.BLOCKED):
                    note = item.blocked_reason or NOTES[(n + 2) % len(NOTES)]
                    yield (plan.pk, item.pk, ChangedField.STATUS, S.IN_PROGRESS, item.status,
                           note, by, _spread(created, end, 0.9))  # fmt: skip

        db.copy_rows(
            ProgressUpdate,
            ["workplan", "action_item", "field", "old_value", "new_value", "note", "by", "at"],
            rows(),
        )

    def comments(self, goals, items):
        """The facilitators' comments on a started team's goals and items, a team reply
        between them."""
        from demo.workplans import FACILITATOR_COMMENTS, TEAM_REPLIES
        from workplans.models import Comment

        items_of = {}
        for item in items:
            items_of.setdefault(item.goal_id, []).append(item)
        goals_of = {}
        for goal in goals:
            goals_of.setdefault(goal.workplan_id, []).append(goal)

        def rows():
            for plan_goals in goals_of.values():
                plan = plan_goals[0].workplan
                if plan.cohort.starts_on > self.today:
                    continue
                facilitator = self.facilitators[plan.cohort.pk][0]
                for k in range(self.size.comments_per_team):
                    goal = plan_goals[k % len(plan_goals)]
                    about = items_of.get(goal.pk, [None])[
                        k % max(1, len(items_of.get(goal.pk, [])))
                    ]
                    on_item = k % 2 == 1 and about is not None
                    at = _spread(
                        plan.created_at, self.now, (k + 1) / (self.size.comments_per_team + 1)
                    )
                    if k % 4 == 3:
                        author, body = (
                            plan.enrolment.people[1 % len(plan.enrolment.people)].pk,
                            TEAM_REPLIES[k % len(TEAM_REPLIES)],
                        )
                    else:
                        author, body = (
                            facilitator,
                            FACILITATOR_COMMENTS[k % len(FACILITATOR_COMMENTS)],
                        )
                    yield (plan.pk, None if on_item else goal.pk, about.pk if on_item else None,
                           author, body, at)  # fmt: skip

        db.copy_rows(
            Comment, ["workplan", "goal", "action_item", "author", "body", "created_at"], rows()
        )

    def assessments(self):
        """A submitted start self-assessment for every started team, and an end one, a level
        or so higher, for every team of a completed cohort."""
        from cohorts.choices import CohortStatus
        from demo.workplans import RATING_NOTES
        from workplans.models import Rating, Rubric, SelfAssessment

        dimensions = {
            rubric.program_id: list(rubric.dimensions.all())
            for rubric in Rubric.objects.prefetch_related("dimensions")
        }
        Phase = SelfAssessment.Phase
        assessments = []
        for cohort in self.started:
            if not dimensions.get(cohort.program_id):
                continue
            phases = [(Phase.START, cohort.starts_on + timedelta(days=7))]
            if cohort.status == CohortStatus.COMPLETED:
                phases.append((Phase.END, cohort.ends_on - timedelta(days=3)))
            for enrolment in self.teams[cohort.pk]:
                for phase, day in phases:
                    at = min(self.now, datetime.combine(day, time(16), tzinfo=UTC))
                    assessments.append(
                        SelfAssessment(
                            enrolment=enrolment,
                            phase=phase,
                            status=SelfAssessment.Status.SUBMITTED,
                            submitted_at=at,
                            submitted_by=enrolment.people[0],
                            created_at=at - timedelta(days=2),
                            updated_at=at,
                        )
                    )
        assessments = SelfAssessment.objects.bulk_create(assessments, batch_size=2000)
        ratings = []
        for n, assessment in enumerate(assessments):
            for d, dimension in enumerate(dimensions[assessment.enrolment.cohort.program_id]):
                level = 1 + (n + d) % 3 + (assessment.phase == Phase.END and (n + d) % 4 != 0)
                ratings.append(
                    Rating(
                        assessment=assessment,
                        dimension=dimension,
                        level=level,
                        note=RATING_NOTES[level - 1] if d % 2 == 0 else "",
                    )
                )
        Rating.objects.bulk_create(ratings, batch_size=5000)

    def support_requests(self, goals):
        """Requests from started teams to their cohort's partners, at every step: waiting,
        assigned, accepted with help given, closed."""
        from demo.workplans import HELP_NOTES, SUPPORT_NEEDS
        from workplans.models import SupportEvent, SupportRequest

        Status, Step = SupportRequest.Status, SupportEvent.Step
        first_goal = {}
        for goal in goals:
            first_goal.setdefault(goal.workplan.enrolment.pk, goal)
        teams = [(c, e) for c in self.started for e in self.teams[c.pk]]
        if not teams:
            return
        count = min(self.size.support_requests, len(teams))
        requests, steps = [], []
        statuses = [Status.OPEN, Status.ASSIGNED, Status.ACCEPTED, Status.CLOSED]
        for n in range(count):
            cohort, enrolment = teams[n * len(teams) // count]
            focus, need = SUPPORT_NEEDS[n % len(SUPPORT_NEEDS)]
            partner, people = self.partner_people[cohort.pk][
                n % len(self.partner_people[cohort.pk])
            ]
            status = statuses[n % len(statuses)]
            asked = _spread(self._begun(cohort), self.now, 0.3 + 0.6 * (n % 5) / 5)
            request = SupportRequest(
                enrolment=enrolment,
                focus_area=focus,
                need=need,
                needed_by=(asked + timedelta(days=30)).date(),
                goal=first_goal.get(enrolment.pk) if n % 2 == 0 else None,
                partner_id=partner,
                assignee_id=None if status == Status.OPEN else people[n % len(people)],
                status=status,
                requested_by=enrolment.people[0],
                created_at=asked,
                updated_at=asked,
            )
            request.steps = [(Step.ASKED, enrolment.people[0].pk, asked, {})]
            if status != Status.OPEN:
                request.steps.append(
                    (Step.ASSIGNED, request.assignee_id, asked + timedelta(days=1), {})
                )
            if status in (Status.ACCEPTED, Status.CLOSED):
                accepted = asked + timedelta(days=2)
                request.steps.append((Step.ACCEPTED, request.assignee_id, accepted, {}))
                request.steps.append(
                    (Step.HELPED, request.assignee_id, accepted + timedelta(days=5),
                     {"given_on": (accepted + timedelta(days=5)).date(), "hours": 2 + n % 4,
                      "note": HELP_NOTES[n % len(HELP_NOTES)]})
                )  # fmt: skip
            if status == Status.CLOSED:
                request.steps.append(
                    (Step.CLOSED, request.assignee_id, asked + timedelta(days=9), {})
                )
            request.updated_at = request.steps[-1][2]
            requests.append(request)
        for request in SupportRequest.objects.bulk_create(requests):
            for step, by, at, extra in request.steps:
                steps.append(SupportEvent(request=request, step=step, by_id=by, at=at, **extra))
        SupportEvent.objects.bulk_create(steps)

    def checkins(self, goals, items):
        """Every team of a completed cohort gets the check-ins of its program's cadence (the
        k-th due k × checkin_every_months after the cohort's end, as
        workplans.checkin_ladder.create_checkins makes them). Those due: most reviewed, some
        submitted and waiting for review, some open and overdue (a few with an extension);
        those ahead: open, not yet due. A submitted one says where each goal stands."""
        from dateutil.relativedelta import relativedelta

        from cohorts.choices import CohortStatus
        from demo import checkins as words
        from workplans.choices import ActionStatus as S
        from workplans.choices import CheckInStatus, Confidence
        from workplans.models import CheckIn, CheckInGoal

        statuses_of = {}
        for item in items:
            statuses_of.setdefault(item.goal_id, set()).add(item.status)
        goals_of = {}
        for goal in goals:
            goals_of.setdefault(goal.workplan.enrolment.pk, []).append(goal)
        texts = [(words.WHAT_CHANGED[c], words.WHATS_NEXT[c], words.SUPPORT_NEEDED[c])
                 for c in words.WHAT_CHANGED]  # fmt: skip
        checkins, n = [], 0
        for cohort in self.cohorts:
            if cohort.status != CohortStatus.COMPLETED:
                continue
            program = cohort.program
            ended = datetime.combine(cohort.ends_on, time(23), tzinfo=UTC)
            facilitator = self.facilitators[cohort.pk][0]
            for enrolment in self.teams[cohort.pk]:
                people = enrolment.people
                for number in range(1, program.checkin_count + 1):
                    n += 1
                    due_on = cohort.ends_on + relativedelta(
                        months=number * program.checkin_every_months
                    )
                    checkin = CheckIn(
                        enrolment=enrolment, number=number, due_on=due_on,
                        planned_due_on=due_on, created_at=ended, updated_at=ended,
                    )  # fmt: skip
                    checkins.append(checkin)
                    roll = (n * 7919) % 100
                    if due_on >= self.today or roll >= 85:  # ahead, or open and overdue
                        if due_on < self.today and roll >= 97:
                            checkin.due_on = self.today + timedelta(days=14)
                            checkin.extension_reason = "The state budget session moved."
                            checkin.extended_at = self.now - timedelta(days=3)
                            checkin.extended_by_id = facilitator
                            checkin.updated_at = checkin.extended_at
                        continue
                    submitted_at = min(
                        self.now - timedelta(hours=1),
                        datetime.combine(due_on, time(15), tzinfo=UTC) + timedelta(days=n % 9 - 4),
                    )
                    what_changed, whats_next, support = texts[n % len(texts)]
                    checkin.status = CheckInStatus.SUBMITTED
                    checkin.what_changed, checkin.whats_next = what_changed, whats_next
                    checkin.support_needed = support
                    checkin.confidence = Confidence.values[n % len(Confidence.values)]
                    checkin.shared = n % 3 == 0
                    checkin.version = 2
                    checkin.submitted_at = checkin.updated_at = submitted_at
                    checkin.submitted_by = checkin.updated_by = people[1 % len(people)]
                    reviewed_at = submitted_at + timedelta(days=3)
                    if roll < 70 and reviewed_at < self.now:  # else waiting for review
                        checkin.status = CheckInStatus.REVIEWED
                        checkin.reviewed_at = checkin.updated_at = reviewed_at
                        checkin.reviewed_by_id = facilitator
                        checkin.review_comment = words.REVIEW_COMMENT
        checkins = CheckIn.objects.bulk_create(checkins, batch_size=2000)
        rows = []
        for checkin in checkins:
            if checkin.status == CheckInStatus.OPEN:
                continue
            for goal in goals_of.get(checkin.enrolment.pk, []):
                statuses = statuses_of.get(goal.pk, set())
                if statuses and statuses == {S.DONE}:
                    status = S.DONE
                elif S.BLOCKED in statuses:
                    status = S.BLOCKED
                elif statuses & {S.DONE, S.IN_PROGRESS}:
                    status = S.IN_PROGRESS
                else:
                    status = S.NOT_STARTED
                rows.append(
                    CheckInGoal(checkin=checkin, goal_key=goal.pk, title=goal.title,
                                status=status, note=words.GOAL_NOTES[status])
                )  # fmt: skip
        CheckInGoal.objects.bulk_create(rows, batch_size=5000)

    def visits(self):
        """Every started team's people looked at their team's home page a few days ago, so
        it has news since their last visit to show."""
        from workplans.models import TeamVisit

        TeamVisit.objects.bulk_create(
            TeamVisit(enrolment=enrolment, person=person, seen_at=self.now - timedelta(days=3))
            for cohort in self.started
            for enrolment in self.teams[cohort.pk]
            for person in enrolment.people
        )

    def snapshots(self, goals, items):
        """Each completed cohort's workplans as they stood at its end (the shape of
        workplans.services.review.snapshot_data)."""
        from cohorts.choices import CohortStatus
        from workplans.models import WorkplanSnapshot

        items_of = {}
        for item in items:
            items_of.setdefault(item.goal_id, []).append(item)
        goals_of = {}
        for goal in goals:
            if goal.workplan.cohort.status == CohortStatus.COMPLETED:
                goals_of.setdefault(goal.workplan_id, []).append(goal)

        def data(plan_goals):
            return {"goals": [
                {"id": goal.pk, "title": goal.title, "focus_area": goal.focus_area,
                 "target_date": goal.target_date.isoformat(),
                 "action_items": [
                     {"id": item.pk, "title": item.title,
                      "owner": item.owner.full_name if item.owner else "",
                      "owner_id": item.owner_id, "due_on": item.due_on.isoformat(),
                      "status": item.status}
                     for item in items_of.get(goal.pk, [])
                 ]}
                for goal in plan_goals
            ]}  # fmt: skip

        WorkplanSnapshot.objects.bulk_create(
            (
                WorkplanSnapshot(
                    workplan_id=plan_id,
                    taken_at=datetime.combine(plan_goals[0].workplan.cohort.ends_on, time(23), UTC),
                    data=data(plan_goals),
                )
                for plan_id, plan_goals in goals_of.items()
            ),
            batch_size=500,
        )


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

    team_by_cohort, recipients, teams = {}, {}, {}
    people = {p.pk: p.email for p in [*facilitators, *sum(partner_people.values(), [])]}
    for index, cohort in enumerate(cohorts):
        n = _share(size.teams, size.cohorts, index)
        chosen = [grantees[(index * 7 + k) % len(grantees)] for k in range(n)]
        enrolments = builder.teams(cohort, chosen, size.team_size)
        teams[cohort.pk] = enrolments
        team_by_cohort[cohort.pk] = [(e.pk, p.pk) for e in enrolments for p in e.people]
        people.update((p.pk, p.email) for e in enrolments for p in e.people)

    sessions, session_facilitators = _sessions(size, cohorts)
    cohort_partners = {}  # cohort → [(partner organisation, [its people's ids])]
    for cohort in cohorts:
        cohort_partners[cohort.pk] = [
            (o.pk, [p.pk for p in partner_people[o.pk]]) for o in cohort.partners.order_by("pk")
        ]
        ids = [p for _e, p in team_by_cohort[cohort.pk]] + session_facilitators[cohort.pk]
        ids += [pk for _o, partner_ids in cohort_partners[cohort.pk] for pk in partner_ids]
        recipients[cohort.pk] = [(pk, people[pk]) for pk in ids]
    _attendance(size, now, sessions, team_by_cohort, session_facilitators)
    _ledger(size, now, sessions, recipients)
    WorkingSpaces(size, now, cohorts, teams, session_facilitators, cohort_partners).write()
    CalendarFeed.objects.bulk_create(
        CalendarFeed(person_id=person_id, token=secrets.token_urlsafe(24))
        for person_id in Seat.objects.values_list("person_id", flat=True)
    )


def ensure_national(url, name, size, print_as="National data"):
    """The national data (or a share of it) in database `name`, made again only when
    something changed."""
    from django.utils import timezone

    from demo import checkins, workplans

    db.ensure(
        url,
        name,
        print_as,
        lambda: generate(size),
        asdict(size),
        inspect.getsource(inspect.getmodule(ensure_national)),
        inspect.getsource(workplans),
        inspect.getsource(checkins),
        timezone.now().date(),
    )
