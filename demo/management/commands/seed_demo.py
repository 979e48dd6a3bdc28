"""Realistic demo data, created idempotently: running the command twice changes nothing.

Later steps add their own data (sessions, workplans, check-ins) through the same command.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import STAFF_GROUP, Invitation, User
from cohorts.choices import STATE_TIME_ZONES, CohortStatus, FocusArea, OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Membership, Organisation, Program, Seat
from cohorts.programs import ensure_programs
from demo import workplans as words
from demo.checkins import seed_checkins
from sessions_app import services as session_services
from sessions_app.models import Attendance, LearningSession
from sessions_app.timing import MONTHLY_WEEKDAY, nth_weekday, plan_series
from workplans.models import (
    ActionItem,
    Comment,
    Dimension,
    Goal,
    ProgressUpdate,
    Rating,
    Rubric,
    SelfAssessment,
    SupportEvent,
    SupportRequest,
    TeamVisit,
    Workplan,
    WorkplanSnapshot,
)
from workplans.rubrics import ensure_rubrics
from workplans.services.review import snapshot_data

OE = "Operationalizing Equity"
CPPP = "Centering Parent and Practitioner Power Community of Practice"

GRANTEES = {
    "AZ": "Arizona Early Childhood Alliance",
    "CO": "Colorado Children's Campaign",
    "IA": "Iowa Early Learning Coalition",
    "NC": "North Carolina Child Advocacy Network",
    "PA": "Pennsylvania Partnerships for Young Children",
    "WA": "Washington Early Success Coalition",
    "WI": "Wisconsin Council for Young Children",
    "AK": "Alaska Children's Alliance",
    "GA": "Georgia Early Education Voices",
    "HI": "Hawaii Keiki Advocates",
    "MI": "Michigan Early Childhood Partners",
    "NM": "New Mexico Early Learning Voices",
    "OR": "Oregon Children First Network",
    "ME": "Maine Families and Providers Coalition",
    "MN": "Minnesota Early Years Advocates",
    "TX": "Texas Early Childhood Advocacy Network",
    "KY": "Kentucky Young Children's Alliance",
    "LA": "Louisiana Early Childhood Voices",
    "NV": "Nevada Early Learning Partners",
    "OH": "Ohio Children's Coalition",
    "UT": "Utah Early Childhood Alliance",
    "MD": "Maryland Early Childhood Advocates",
    "VA": "Virginia Early Learning Voices",
    "NJ": "New Jersey Young Children's Coalition",
    "MT": "Montana Early Childhood Partners",
    "DE": "Delaware Early Learning Alliance",
}

PARTNERS = [
    ("Child Trends", FocusArea.DATA),
    ("Migration Policy Institute", FocusArea.IMMIGRANT_REFUGEE),
    ("Center for Law and Social Policy", FocusArea.POLICY),
    ("TOPOS Partnership", FocusArea.COMMUNICATIONS),
]

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Daniel",
    "Keisha",
    "Luis",
    "Grace",
    "Tomás",
    "Naomi",
    "Samuel",
    "Leilani",
    "Omar",
    "Hannah",
    "Rosa",
    "Marcus",
    "Ana",
    "Kai",
    "Yolanda",
    "Elena",
    "Isaiah",
    "Mei",
    "Carlos",
    "Fatima",
    "Noah",
]
LAST = [
    "Alvarez",
    "Begay",
    "Chen",
    "Dubois",
    "Okafor",
    "Fernández",
    "Goldberg",
    "Hernández",
    "Iwasaki",
    "Johnson",
    "Kealoha",
    "Lopez",
    "Mensah",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Quintana",
    "Robinson",
    "Singh",
    "Tsosie",
    "Underwood",
    "Vargas",
    "Washington",
    "Young",
]

OFFICE_HOUR = "Workplan office hour"
AGENDA = """Welcome and grounding (15 min)
Reflection in state teams: where are we on our equity journey? (30 min)
Shared learning: centering racial justice in policy pursuits (30 min)
Next steps for each state workplan (15 min)"""

# The five logins the README lists, and the people behind them.
LOGINS = {
    "staff": ("staff@demo.test", "Dana Whitfield"),
    "facilitator": ("facilitator@demo.test", "Morgan Ellis"),
    "cofacilitator": ("cofacilitator@demo.test", "Jordan Reyes"),
    "partner": ("partner@demo.test", "Priya Raman"),
    "arizona": ("arizona@demo.test", "Rebecca Tsosie"),
    "colorado": ("colorado@demo.test", "Andre Baptiste"),
}


def month_start(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


class Command(BaseCommand):
    help = "Create the demo's programs, cohorts, organisations, teams and logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="Password for every demo login.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production. Demo data is refused; "
                "pass --force only on a throwaway database."
            )
        self.password = password
        with transaction.atomic():
            self.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

    def next_name(self):
        """Distinct, deterministic names: the same run order gives the same people."""
        self.names_used = getattr(self, "names_used", 0) + 1
        n = self.names_used
        return f"{FIRST[n % len(FIRST)]} {LAST[(n * 7 + n // len(FIRST)) % len(LAST)]}"

    # People ----------------------------------------------------------------------------------

    def password_hash(self):
        """Hash the demo password once (hashing is slow on purpose) and share it."""
        if not hasattr(self, "_hash"):
            existing = User.objects.filter(email=LOGINS["staff"][0]).first()
            if existing and existing.check_password(self.password):
                self._hash = existing.password
            else:
                self._hash = make_password(self.password)
        return self._hash

    def person(self, email, full_name, time_zone="America/New_York"):
        person, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "time_zone": time_zone}
        )
        if person.password != self.password_hash():
            person.password = self.password_hash()
            person.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=person, email=email, defaults={"verified": True, "primary": True}
        )
        return person

    def seat(self, enrolment, person, role):
        Membership.objects.get_or_create(
            person=person, organisation=enrolment.organisation, defaults={"role": role}
        )
        if not Seat.objects.current().filter(enrolment=enrolment, person=person).exists():
            Seat.objects.create(
                enrolment=enrolment,
                person=person,
                role=role,
                started_at=datetime.combine(enrolment.cohort.starts_on, time(12), tzinfo=UTC)
                - timedelta(days=21),
            )

    # Learning sessions -----------------------------------------------------------------------

    def sessions(
        self,
        cohort,
        facilitator,
        *,
        missing_team=None,
        reschedule=False,
        cancel=False,
        answers=False,
    ):
        """A monthly series at 10:00 in the facilitator's zone; past ones have attendance;
        with `answers`, the next one has most people's answers."""
        if cohort.learning_sessions.exists():
            return
        first_day = nth_weekday(cohort.starts_on.year, cohort.starts_on.month, 1, 1)
        planned = plan_series(
            first_day,
            time(10),
            facilitator.time_zone,
            MONTHLY_WEEKDAY,
            cohort.program.session_count,
        )
        sessions = session_services.create_series(
            cohort,
            planned=planned,
            title=_("Learning session"),
            by=facilitator,
            duration_minutes=90,
            time_zone=facilitator.time_zone,
            where=LearningSession.Where.VIDEO,
            video_url=f"https://video.example.org/{cohort.pk}-equity",
            agenda=AGENDA,
        )
        now = timezone.now()
        past = [s for s in sessions if s.ends_at < now]
        seats = list(
            Seat.objects.current()
            .filter(enrolment__cohort=cohort)
            .select_related("enrolment__organisation", "person")
        )
        for index, session in enumerate(past):
            for seat in seats:
                missed = missing_team and seat.enrolment.organisation.state == missing_team
                if missed and index >= len(past) - 2:
                    mark = Attendance.Mark.ABSENT
                elif seat.role == TeamRole.MEMBER and (index + seat.person_id) % 4 == 0:
                    mark = Attendance.Mark.EXCUSED
                else:
                    mark = Attendance.Mark.PRESENT
                session_services.mark_attendance(
                    session, person=seat.person, mark=mark, by=facilitator
                )
        upcoming = [s for s in sessions if s.starts_at > now]
        if reschedule and upcoming:
            session = upcoming[0]
            session_services.reschedule_session(
                session,
                starts_at=session.starts_at + timedelta(days=7),
                reason=_(
                    "Moved a week later: the first date clashed with a state legislative hearing."
                ),
                by=facilitator,
            )
        if answers and upcoming:
            self.answers(upcoming[0], seats)
        if cancel and len(upcoming) > 1:
            session_services.cancel_session(
                upcoming[-1],
                reason=_(
                    "Cancelled: the cohort meets in person at the national convening instead."
                ),
                by=facilitator,
            )

    def held_sessions(self, cohort, facilitator):
        """A completed cohort's monthly series, all held, everyone marked: written directly,
        as a record of the past (no reminder is planned for a past moment anyway)."""
        if cohort.learning_sessions.exists():
            return
        first_day = nth_weekday(cohort.starts_on.year, cohort.starts_on.month, 1, 1)
        planned = plan_series(
            first_day,
            time(10),
            facilitator.time_zone,
            MONTHLY_WEEKDAY,
            cohort.program.session_count,
        )
        sessions = LearningSession.objects.bulk_create(
            LearningSession(
                cohort=cohort,
                number=number,
                title=f"{_('Learning session')} {number}",
                starts_at=plan.starts_at,
                duration_minutes=90,
                time_zone=facilitator.time_zone,
                where=LearningSession.Where.VIDEO,
                video_url=f"https://video.example.org/{cohort.pk}-equity",
                agenda=AGENDA,
                created_at=plan.starts_at - timedelta(days=30),
                updated_at=plan.starts_at - timedelta(days=30),
            )
            for number, plan in enumerate(planned, start=1)
        )
        LearningSession.facilitators.through.objects.bulk_create(
            LearningSession.facilitators.through(learningsession=session, user=facilitator)
            for session in sessions
        )
        seats = Seat.objects.current().filter(enrolment__cohort=cohort)
        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                person_id=seat.person_id,
                enrolment_id=seat.enrolment_id,
                mark=(
                    Attendance.Mark.EXCUSED
                    if seat.role == TeamRole.MEMBER and (index + seat.person_id) % 4 == 0
                    else Attendance.Mark.PRESENT
                ),
                marked_by=facilitator,
                marked_at=session.starts_at + timedelta(minutes=90),
            )
            for index, session in enumerate(sessions)
            for seat in seats
        )

    def answers(self, session, seats):
        """Answers to the next session, for the facilitator's counts: two teams have not
        answered yet, a few people can't come, one planning partner will join. The demo's
        own logins are left to answer for themselves."""
        logins = {email for email, _name in LOGINS.values()}
        for index, seat in enumerate(sorted(seats, key=lambda seat: seat.person_id)):
            if seat.person.email in logins or seat.enrolment.organisation.state in ("PA", "WI"):
                continue
            cant = index % 5 == 2
            session_services.set_rsvp(
                session,
                person=seat.person,
                rsvp=Attendance.Rsvp.NOT_ATTENDING if cant else Attendance.Rsvp.ATTENDING,
                note=_("At a state legislative hearing that morning.") if cant else "",
            )
        partner = (
            Membership.objects.in_partners()
            .filter(organisation__partner_cohorts=session.cohort)
            .exclude(person__email__in=logins)
            .order_by("person__email")
            .first()
        )
        if partner:
            session_services.set_rsvp(
                session, person=partner.person, rsvp=Attendance.Rsvp.ATTENDING
            )

    def office_hour(self, cohort, facilitator):
        """A session tomorrow, a few minutes from now: its day-before reminder goes out
        within minutes of the demo starting, through the real worker."""
        now = timezone.now()
        soon = cohort.learning_sessions.filter(
            starts_at__gt=now, starts_at__lt=now + timedelta(days=3), title=OFFICE_HOUR
        )
        if soon.exists():
            return
        starts_at = (now + timedelta(days=1, minutes=4)).replace(second=0, microsecond=0)
        session_services.add_session(
            cohort,
            starts_at=starts_at,
            title=OFFICE_HOUR,
            by=facilitator,
            duration_minutes=60,
            time_zone="UTC",
            where=LearningSession.Where.VIDEO,
            video_url=f"https://video.example.org/{cohort.pk}-office-hour",
            agenda=_("Open questions on your state workplan. Drop in any time."),
        )

    # Organisations and cohorts ---------------------------------------------------------------

    def grantee(self, code):
        return Organisation.objects.get_or_create(
            name=GRANTEES[code], defaults={"kind": OrganisationKind.STATE_GRANTEE, "state": code}
        )[0]

    def cohort(self, program, name, starts_on, status):
        return Cohort.objects.get_or_create(
            program=program,
            name=name,
            defaults={
                "starts_on": starts_on,
                "ends_on": Cohort.default_end(program, starts_on),
                "status": status,
            },
        )[0]

    def team(self, cohort, code, size, *, named=None, skip_ed=False):
        """Enrol a grantee and fill its team; `named` puts a demo login in a given role."""
        # Enrolled three weeks before the cohort starts (or today, for one starting sooner),
        # so "what changed" on the progress pages counts only the teams enrolled lately.
        enrolled = min(
            timezone.now(),
            datetime.combine(cohort.starts_on - timedelta(days=21), time(15), tzinfo=UTC),
        )
        enrolment = Enrolment.objects.get_or_create(
            cohort=cohort, organisation=self.grantee(code), defaults={"created_at": enrolled}
        )[0]
        zone = STATE_TIME_ZONES[code]
        roles = [TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD, TeamRole.MEMBER][:size]
        if size > 3:
            roles += [TeamRole.MEMBER] * (size - 3)
        if skip_ed:
            roles = roles[1:]
        named = named or {}
        for role in roles:
            if role in named:
                email, full_name = named[role]
            else:
                full_name = self.next_name()
                email = f"{code.lower()}.{role.replace('_', '-')}.{cohort.pk}@demo.test"
            self.seat(enrolment, self.person(email, full_name, zone), role)
        return enrolment

    # Working spaces: workplans, self-assessments, support -----------------------------------
    # Written directly (seeding is not a person acting): no notices are planned for them.

    def seats_of(self, enrolment):
        """The team's people, the executive director first."""
        order = {TeamRole.EXECUTIVE_DIRECTOR: 0, TeamRole.TEAM_LEAD: 1, TeamRole.MEMBER: 2}
        seats = Seat.objects.current().filter(enrolment=enrolment).select_related("person")
        return [s.person for s in sorted(seats, key=lambda s: (order[s.role], s.person_id))]

    def item_plan(self, cohort, count):
        """(status, due date) for each of a team's `count` action items. A running cohort
        has done items behind it, overdue ones (not started, in progress, blocked) and open
        ones ahead; a completed cohort is mostly done; a planned one has not begun."""
        S = ActionItem.Status
        today, start, end = self.today, cohort.starts_on, cohort.ends_on
        plan = []
        for i in range(count):
            if cohort.status == CohortStatus.PLANNED:
                plan.append((S.NOT_STARTED, start + (end - start) * (i + 1) / (count + 1)))
                continue
            if cohort.status == CohortStatus.COMPLETED:
                cycle = [S.DONE, S.DONE, S.IN_PROGRESS, S.DONE, S.BLOCKED, S.DONE, S.NOT_STARTED]
                status = cycle[i % len(cycle)]
                plan.append((status, start + (end - start) * (i + 1) / (count + 1)))
                continue
            cycle = [S.DONE, S.IN_PROGRESS, S.NOT_STARTED, S.BLOCKED, S.DONE, S.IN_PROGRESS]
            status = cycle[i % len(cycle)]
            if status == S.DONE:
                due = start + (today - start) * (i + 1) / (count + 1)
            elif i in (1, 2, 3):  # overdue: one of each open status
                due = today - timedelta(days=3 + i)
            else:
                due = today + timedelta(days=10 + 6 * i)
            plan.append((status, max(due, start + timedelta(days=1))))
        return [(status, start + timedelta(days=(due - start).days)) for status, due in plan]

    def working_space(self, cohort, facilitator, *, submitted=(), shared=(), visited=None):
        """Each team of the cohort: a workplan of three or four goals with their action
        items, a timeline of who changed what over the past weeks, the facilitator's
        comments, and a submitted start self-assessment (and an end one once the cohort is
        completed). `submitted`: teams (state codes) whose workplan waits for review;
        `shared`: teams that opted in to sharing; `visited`: a team login's last visit."""
        enrolments = Enrolment.objects.filter(cohort=cohort).select_related("organisation")
        for index, enrolment in enumerate(enrolments.order_by("organisation__name")):
            if Workplan.objects.filter(enrolment=enrolment).exists():
                continue
            people = self.seats_of(enrolment)
            code = enrolment.organisation.state
            plan = self.workplan(cohort, enrolment, people, index, facilitator, code in submitted)
            plan.shared = code in shared
            plan.save(update_fields=["shared"])
            if cohort.status != CohortStatus.PLANNED:
                self.assessment(enrolment, people, SelfAssessment.Phase.START, index)
            if cohort.status == CohortStatus.COMPLETED:
                self.assessment(enrolment, people, SelfAssessment.Phase.END, index)
                WorkplanSnapshot.objects.create(
                    workplan=plan,
                    taken_at=datetime.combine(cohort.ends_on, time(23), tzinfo=UTC),
                    data=snapshot_data(plan),
                )
            if visited and visited[0] in [p.email for p in people]:
                TeamVisit.objects.create(
                    person=next(p for p in people if p.email == visited[0]),
                    enrolment=enrolment,
                    seen_at=self.now - visited[1],
                )

    def workplan(self, cohort, enrolment, people, index, facilitator, submitted):
        S = ActionItem.Status
        now = self.now
        begun = min(
            now - timedelta(days=1),
            datetime.combine(cohort.starts_on, time(16), tzinfo=UTC) + timedelta(days=14),
        )
        lead = people[0]
        plan = Workplan(enrolment=enrolment, created_at=begun, updated_at=begun)
        if cohort.status == CohortStatus.COMPLETED:
            plan.status = Workplan.Status.REVIEWED
            plan.submitted_at, plan.submitted_by = begun + timedelta(days=7), lead
            plan.reviewed_at, plan.reviewed_by = begun + timedelta(days=10), facilitator
        elif submitted:
            plan.status = Workplan.Status.SUBMITTED
            plan.submitted_at, plan.submitted_by = now - timedelta(days=2), lead
        plan.save()
        goal_count = 4 if index % 2 == 0 else 3
        templates = [words.GOALS[(index + k) % len(words.GOALS)] for k in range(goal_count)]
        goals = Goal.objects.bulk_create(
            Goal(
                workplan=plan,
                position=position,
                title=title,
                description=description,
                focus_area=focus,
                target_date=cohort.ends_on,
                created_by=lead,
                updated_by=lead,
                created_at=begun,
                updated_at=begun,
                reviewed_at=plan.reviewed_at,
                reviewed_by=plan.reviewed_by,
            )
            for position, (title, description, focus, _items) in enumerate(templates)
        )
        per_goal = 4
        statuses = self.item_plan(cohort, goal_count * per_goal)
        items = []
        for n, (status, due_on) in enumerate(statuses):
            goal, template = goals[n % goal_count], templates[n % goal_count]
            owner = None if n % 7 == 6 else people[n % len(people)]
            item = ActionItem(
                goal=goal,
                title=template[3][n // goal_count % len(template[3])],
                owner=owner,
                due_on=due_on,
                status=status,
                blocked_reason=(
                    words.BLOCKED_REASONS[(index + n) % len(words.BLOCKED_REASONS)]
                    if status == S.BLOCKED
                    else ""
                ),
                created_by=lead,
                updated_by=owner or lead,
                created_at=begun,
                updated_at=begun,
            )
            if status == S.DONE:
                item.done_at = min(now, datetime.combine(due_on, time(17), tzinfo=UTC))
            items.append(item)
        items = ActionItem.objects.bulk_create(items)
        self.timeline(plan, items, people, begun)
        if cohort.status != CohortStatus.PLANNED:
            self.comments(plan, goals, items, people, facilitator, begun)
        return plan

    def timeline(self, plan, items, people, begun):
        """Each item added by the team's lead; then started, finished or blocked by its
        owner or a teammate, spread over the weeks since; one item moved to a later date
        and handed to someone else."""
        S, F = ActionItem.Status, ProgressUpdate.Field
        now = self.now
        updates = []
        for n, item in enumerate(items):
            by = item.owner or people[(n + 1) % len(people)]
            updates.append(
                ProgressUpdate(
                    workplan=plan, action_item=item, field=F.CREATED, by=people[0], at=begun
                )
            )
            if item.status == S.NOT_STARTED:
                continue
            end = item.done_at or now
            started = begun + (end - begun) * 0.4
            updates.append(
                ProgressUpdate(
                    workplan=plan,
                    action_item=item,
                    field=F.STATUS,
                    old_value=S.NOT_STARTED,
                    new_value=S.IN_PROGRESS,
                    note=words.NOTES[0] if n % 3 == 0 else "",
                    by=by,
                    at=started,
                )
            )
            if item.status in (S.DONE, S.BLOCKED):
                updates.append(
                    ProgressUpdate(
                        workplan=plan,
                        action_item=item,
                        field=F.STATUS,
                        old_value=S.IN_PROGRESS,
                        new_value=item.status,
                        note=item.blocked_reason or words.NOTES[(n + 1) % len(words.NOTES)],
                        by=by,
                        at=begun + (end - begun) * 0.9,
                    )
                )
        moved = next((i for i in items if i.status == S.IN_PROGRESS and i.owner), None)
        if moved is not None and len(people) > 1:
            earlier = moved.due_on - timedelta(days=21)
            other = next(p for p in people if p != moved.owner)
            at = now - (now - begun) * 0.2
            updates += [
                ProgressUpdate(workplan=plan, action_item=moved, field=F.DUE_ON,
                               old_value=earlier.isoformat(), new_value=moved.due_on.isoformat(),
                               note=words.NOTES[3], by=moved.owner, at=at),
                ProgressUpdate(workplan=plan, action_item=moved, field=F.OWNER,
                               old_value=str(other.pk), new_value=str(moved.owner.pk),
                               note=words.NOTES[4], by=moved.owner, at=at),
            ]  # fmt: skip
        ProgressUpdate.objects.bulk_create(updates)

    def comments(self, plan, goals, items, people, facilitator, begun):
        """The facilitator on the first goal and on a blocked item; the team answers."""
        S = ActionItem.Status
        now = self.now
        blocked = next((i for i in items if i.status == S.BLOCKED), items[0])
        answered = min(begun + timedelta(days=5), now - timedelta(days=2))
        rows = [
            Comment(workplan=plan, goal=goals[0], author=facilitator,
                    body=words.FACILITATOR_COMMENTS[2], created_at=answered - timedelta(days=2)),
            Comment(workplan=plan, goal=goals[0], author=people[-1],
                    body=words.TEAM_REPLIES[0], created_at=answered),
            Comment(workplan=plan, action_item=blocked, author=facilitator,
                    body=words.FACILITATOR_COMMENTS[4], created_at=now - timedelta(days=1)),
        ]  # fmt: skip
        Comment.objects.bulk_create(rows)

    def assessment(self, enrolment, people, phase, index):
        """A submitted self-assessment against the program's rubric: the end one a level
        higher on most dimensions, so the comparison shows change."""
        cohort = enrolment.cohort
        dimensions = list(Dimension.objects.filter(rubric__program=cohort.program))
        if not dimensions:
            return
        start = phase == SelfAssessment.Phase.START
        day = cohort.starts_on + timedelta(days=10) if start else cohort.ends_on
        at = min(self.now - timedelta(hours=1), datetime.combine(day, time(18), tzinfo=UTC))
        assessment = SelfAssessment.objects.create(
            enrolment=enrolment,
            phase=phase,
            status=SelfAssessment.Status.SUBMITTED,
            submitted_at=at,
            submitted_by=people[0],
            created_at=at - timedelta(days=3),
            updated_at=at,
        )
        ratings = []
        for d, dimension in enumerate(dimensions):
            level = 1 + (index + d) % 3
            if not start:
                level = min(4, level + (1 if (index + d) % 4 else 0) + (d == 0))
            ratings.append(
                Rating(
                    assessment=assessment,
                    dimension=dimension,
                    level=level,
                    note=words.RATING_NOTES[level - 1],
                )
            )
        Rating.objects.bulk_create(ratings)

    def support(self, cohort, partners, wanted):
        """Requests from the cohort's teams, each `wanted` as (team, the partner's index in
        PARTNERS, status, assignee or "helper" for that partner's first person, days ago)."""
        if SupportRequest.objects.filter(enrolment__cohort=cohort).exists():
            return
        Step = SupportEvent.Step
        Status = SupportRequest.Status
        teams = {
            e.organisation.state: e
            for e in Enrolment.objects.filter(cohort=cohort).select_related("organisation")
        }
        helpers = {
            org.pk: Membership.objects.filter(organisation=org).order_by("pk").first().person
            for org in partners
        }
        now = self.now
        for code, focus, status, assignee, days in wanted:
            if code not in teams:
                continue
            enrolment = teams[code]
            people = self.seats_of(enrolment)
            partner = partners[focus]
            assignee = helpers[partner.pk] if assignee == "helper" else assignee
            asked = now - timedelta(days=days)
            goal = Goal.objects.filter(workplan__enrolment=enrolment).order_by("position").first()
            request = SupportRequest.objects.create(
                enrolment=enrolment,
                focus_area=words.SUPPORT_NEEDS[focus][0],
                need=words.SUPPORT_NEEDS[focus][1],
                needed_by=(asked + timedelta(days=30)).date(),
                goal=goal if focus == 0 else None,
                partner=partner,
                assignee=assignee,
                status=status,
                requested_by=people[0],
                created_at=asked,
                updated_at=asked,
            )
            steps = [SupportEvent(request=request, step=Step.ASKED, by=people[0], at=asked)]
            if status != Status.OPEN:
                steps.append(
                    SupportEvent(request=request, step=Step.ASSIGNED, by=assignee,
                                 at=asked + timedelta(days=1))
                )  # fmt: skip
            if status in (Status.ACCEPTED, Status.CLOSED):
                helped = asked + timedelta(days=days // 2)
                steps += [
                    SupportEvent(request=request, step=Step.ACCEPTED, by=assignee,
                                 at=asked + timedelta(days=2)),
                    SupportEvent(request=request, step=Step.HELPED, by=assignee, at=helped,
                                 given_on=helped.date(), hours=Decimal("2.5"),
                                 note=words.HELP_NOTES[focus % len(words.HELP_NOTES)]),
                ]  # fmt: skip
            if status == Status.CLOSED:
                steps.append(
                    SupportEvent(request=request, step=Step.CLOSED, by=assignee,
                                 at=asked + timedelta(days=days - 5))
                )  # fmt: skip
            SupportEvent.objects.bulk_create(steps)
            SupportRequest.objects.filter(pk=request.pk).update(updated_at=steps[-1].at)

    def seed(self):
        ensure_programs(Program)
        ensure_rubrics(Program, Rubric, Dimension)
        self.now = timezone.now()
        self.today = timezone.localdate()
        oe = Program.objects.get(name=OE)
        cppp = Program.objects.get(name=CPPP)
        today = timezone.localdate()

        staff_group = Group.objects.get_or_create(name=STAFF_GROUP)[0]
        staff = self.person(*LOGINS["staff"], time_zone="America/New_York")
        staff.groups.add(staff_group)
        facilitator = self.person(*LOGINS["facilitator"], time_zone="America/Denver")
        cofacilitator = self.person(*LOGINS["cofacilitator"], time_zone="America/Los_Angeles")

        partners = []
        for index, (name, focus) in enumerate(PARTNERS):
            org = Organisation.objects.get_or_create(
                name=name, defaults={"kind": OrganisationKind.PLANNING_PARTNER, "focus_area": focus}
            )[0]
            partners.append(org)
            if index == 0:
                email, full_name = LOGINS["partner"]
            else:
                email = f"partner{index + 1}@demo.test"
                full_name = self.next_name()
            Membership.objects.get_or_create(
                person=self.person(email, full_name, "America/New_York"),
                organisation=org,
                defaults={"role": TeamRole.MEMBER},
            )

        first = self.cohort(oe, "OE Cohort 1", month_start(today, -3), CohortStatus.ACTIVE)
        if not first.shares_workplans:  # teams may opt in to show each other their workplans
            first.shares_workplans = True
            first.save(update_fields=["shares_workplans"])
        first.facilitators.add(facilitator)
        first.partners.add(*partners)
        for code in ["AZ", "CO", "IA", "NC", "PA", "WA", "WI"]:
            named = {}
            if code == "AZ":
                named = {TeamRole.EXECUTIVE_DIRECTOR: LOGINS["arizona"]}
            if code == "CO":
                named = {TeamRole.MEMBER: LOGINS["colorado"]}
            self.team(first, code, 3, named=named)

        second = self.cohort(oe, "OE Cohort 2", month_start(today, -1), CohortStatus.ACTIVE)
        second.facilitators.add(cofacilitator)
        second.partners.add(*partners[:2])
        for code in ["AK", "GA", "HI", "MI", "NM", "OR"]:
            self.team(second, code, 3)

        third = self.cohort(oe, "OE Cohort 3", month_start(today, 3), CohortStatus.PLANNED)
        third.facilitators.add(facilitator)
        for code in ["KY", "LA", "NV", "OH"]:
            self.team(third, code, 3)
        self.team(third, "UT", 3, skip_ed=True)

        community = self.cohort(
            cppp, "CPPP Community of Practice 2026–27", month_start(today, -4), CohortStatus.ACTIVE
        )
        community.facilitators.add(facilitator, cofacilitator)
        community.partners.add(partners[1])
        for code in ["ME", "MN", "TX", "NM", "GA"]:
            self.team(community, code, 2)

        # Completed: its sessions were held, its teams took the self-assessment at the start
        # and at the end, and its workplans were frozen.
        pilot = self.cohort(oe, "OE Pilot Cohort", month_start(today, -11), CohortStatus.COMPLETED)
        pilot.facilitators.add(facilitator)
        pilot.partners.add(partners[0], partners[2])
        for code in ["MD", "DE", "MT", "NJ", "VA"]:
            self.team(pilot, code, 3)

        self.sessions(first, facilitator, missing_team="IA", reschedule=True, answers=True)
        self.sessions(second, cofacilitator, cancel=True)
        self.sessions(community, facilitator)
        self.held_sessions(pilot, facilitator)
        self.office_hour(first, facilitator)

        arizona = LOGINS["arizona"][0]
        self.working_space(
            first,
            facilitator,
            submitted={"AZ", "PA"},
            shared={"CO", "NC", "WA"},  # Arizona has not opted in
            visited=(arizona, timedelta(days=3)),
        )
        self.working_space(second, cofacilitator, submitted={"HI"})
        self.working_space(third, facilitator)
        self.working_space(community, facilitator, submitted={"MN"})
        self.working_space(pilot, facilitator)
        seed_checkins(pilot, self.now)  # its check-ins at every stage of the ladder
        # Support at every step: waiting for a partner, assigned to partner@demo.test,
        # accepted with help given, closed.
        Status = SupportRequest.Status
        partner_login = User.objects.get(email=LOGINS["partner"][0])
        self.support(
            first,
            partners,
            [
                ("AZ", 3, Status.OPEN, None, 2),
                ("AZ", 0, Status.ASSIGNED, partner_login, 6),
                ("WA", 0, Status.ACCEPTED, partner_login, 20),
                ("CO", 1, Status.ACCEPTED, "helper", 15),
                ("NC", 2, Status.CLOSED, "helper", 40),
                ("IA", 0, Status.OPEN, None, 1),
            ],
        )
        self.support(
            pilot,
            partners,
            [("MD", 2, Status.CLOSED, "helper", 200), ("VA", 0, Status.CLOSED, partner_login, 190)],
        )

        for email, kind, extra in [
            (
                "new.director@demo.test",
                Invitation.Kind.TEAM,
                {
                    "organisation": self.grantee("UT"),
                    "team_role": TeamRole.EXECUTIVE_DIRECTOR,
                    "enrolment": Enrolment.objects.get(
                        cohort=third, organisation=self.grantee("UT")
                    ),
                },
            ),
            ("guest.facilitator@demo.test", Invitation.Kind.FACILITATOR, {"cohort": third}),
        ]:
            Invitation.objects.get_or_create(
                email=email,
                defaults={"kind": kind, "invited_by": staff, "full_name": "", **extra},
            )
