"""Realistic demo data, created idempotently: running the command twice changes nothing.

Later steps add their own data (sessions, workplans, check-ins) through the same command.
"""

from datetime import UTC, date, datetime, time, timedelta

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
from sessions_app import services as session_services
from sessions_app.models import Attendance, LearningSession
from sessions_app.timing import MONTHLY_WEEKDAY, nth_weekday, plan_series

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
        enrolment = Enrolment.objects.get_or_create(cohort=cohort, organisation=self.grantee(code))[
            0
        ]
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

    def seed(self):
        ensure_programs(Program)
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

        self.sessions(first, facilitator, missing_team="IA", reschedule=True, answers=True)
        self.sessions(second, cofacilitator, cancel=True)
        self.sessions(community, facilitator)
        self.office_hour(first, facilitator)

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
