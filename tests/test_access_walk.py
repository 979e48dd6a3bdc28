"""The access walk: every URL of the project, filled with team A's objects, asked for by people
who must not reach them, with GET and with POST (a CSRF token Django accepts). The answer is a
404 (a signed-out visitor is sent to the login page) and nothing in the database changes.

The URLs come from the URLconf itself, allauth's and the admin's included (tests/url_walk.py),
so a URL nobody taught the walk fails `test_every_url_is_in_the_walk` until a line is added to
one of the tables below:

- OBJECT_PAGES   a URL that names an object: which of team A's objects fills each argument;
- TOKEN_PAGES    a URL that carries a secret link (invitation, reset, feed, unsubscribe):
                 a link that is not (or no longer) valid, and how its refusal looks;
- PLAIN_PAGES    a URL without arguments: who may use it;
- ADMIN_OBJECTS  a model registered in the admin: which of team A's objects its pages open;
- ADMIN_PAGES    the admin's own pages that take an argument.

Who is who (World in tests/conftest.py): team A and team B share cohort one (facilitator
fac1, planning partner `partner`); team C is in cohort two (facilitator fac2); stray_partner
belongs to a planning partner assigned to no cohort.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.urls import reverse

from accounts.models import STAFF_GROUP
from cohorts.choices import TeamRole
from notifications.models import DigestItem, KindPreference, MutedKind, Notification
from notifications.services import unsubscribe_token
from sessions_app.answer_links import answer_token
from sessions_app.models import Reschedule
from tests.factories import InvitationFactory
from tests.sessions_app.factories import (
    AttendanceFactory,
    CalendarFeedFactory,
    FileMaterialFactory,
    LearningSessionFactory,
)
from tests.sessions_app.form_data import DETAILS, LINK, MOVE, ONE_SESSION, SERIES
from tests.url_walk import (
    Visitor,
    all_patterns,
    changed_tables,
    database_fingerprint,
    describe,
    is_login_redirect,
)
from tests.workplans.factories import (
    ActionItemFactory,
    CheckInFactory,
    CommentFactory,
    DimensionFactory,
    GoalFactory,
    RatingFactory,
    SupportRequestFactory,
)
from workplans.checkin_links import token_for
from workplans.models import ProgressUpdate, WorkplanSnapshot

# Twenty minutes before team A's session: answers are still open, attendance has opened.
NOW = datetime(2026, 10, 6, 15, 40, tzinfo=UTC)

# The people who must not reach team A's objects.
OUTSIDERS = {
    "team_c": "a member of a team in another cohort",
    "fac2": "the facilitator of another cohort",
    "stray_partner": "a planning partner assigned to no cohort",
}
# Team A's own things (its team, seats, organisation) are closed to the team beside it too.
NEIGHBOUR = {"team_b": "a member of another team in the same cohort"}
ANONYMOUS = "anonymous"


@pytest.fixture(autouse=True)
def _before_team_as_session():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team_a(world, settings, tmp_path):
    """One of each thing a URL can name, all of team A (cohort one) — the names the tables use."""
    settings.MEDIA_ROOT = tmp_path
    person = world.team_a_ed
    session = LearningSessionFactory(cohort=world.cohort1, starts_at=NOW + timedelta(minutes=20))
    return {
        "program": world.program1,
        "cohort": world.cohort1,
        "team": world.team_a,
        "seat": world.team_a.seats.get(role=TeamRole.MEMBER),
        "organisation": world.team_a.organisation,
        "membership": person.memberships.get(),
        "person": person,
        "email_address": EmailAddress.objects.get(user=person),
        "unconfirmed_address": EmailAddress.objects.create(
            user=person, email="second-address@example.test", verified=False
        ),
        "staff_group": Group.objects.get(name=STAFF_GROUP),
        "session": session,
        "file": FileMaterialFactory(session=session),
        "attendance": AttendanceFactory(session=session, person=person, enrolment=world.team_a),
        "reschedule": Reschedule.objects.create(
            session=session,
            old_starts_at=session.starts_at - timedelta(days=1),
            new_starts_at=session.starts_at,
            reason="Moved a day",
            by=world.fac1,
        ),
        "invitation": InvitationFactory(
            organisation=world.team_a.organisation, invited_by=world.staff
        ),
        "revoked_invitation": InvitationFactory(
            organisation=world.team_a.organisation,
            invited_by=world.staff,
            revoked_at=NOW - timedelta(days=1),
        ),
        "notification": Notification.objects.create(
            kind="session_reminder",
            content_type=ContentType.objects.get_for_model(session),
            object_id=session.pk,
            slot="1d",
            to_email=person.email,
            recipient=person,
            cohort=world.cohort1,
            due_at=NOW - timedelta(hours=1),
            not_before=NOW - timedelta(hours=1),
            state=Notification.State.FAILED,
            last_error="550 mailbox unavailable",
        ),
        "muted_kind": MutedKind.objects.create(email=person.email, kind="session_reminder"),
        "kind_preference": KindPreference.objects.create(
            person=person, kind="session_reminder", delivery=KindPreference.Delivery.DIGEST
        ),
        "digest_item": DigestItem.objects.create(
            recipient=person,
            kind="session_reminder",
            content_type=ContentType.objects.get_for_model(session),
            object_id=session.pk,
            slot="walked",
            cohort=world.cohort1,
        ),
        "feed": CalendarFeedFactory(person=person),
        "authenticator": TOTP.activate(person, generate_totp_secret()).instance,
        **_working_space(world, person),
    }


def _working_space(world, person):
    """Team A's workplan (one goal, one action item with a comment and a progress update,
    a snapshot), its start self-assessment, and a support request assigned to the cohort's
    planning partner, and a check-in."""
    rating = RatingFactory(
        assessment__enrolment=world.team_a,
        dimension=DimensionFactory(rubric__program=world.program1),
    )
    item = ActionItemFactory(goal=GoalFactory(workplan__enrolment=world.team_a), owner=person)
    return {
        "rubric": rating.dimension.rubric,
        "dimension": rating.dimension,
        "assessment": rating.assessment,
        "workplan": item.goal.workplan,
        "goal": item.goal,
        "action_item": item,
        "comment": CommentFactory(action_item=item, author=world.fac1),
        "progress_update": ProgressUpdate.objects.create(
            workplan=item.goal.workplan,
            action_item=item,
            field="status",
            new_value="done",
            by=person,
        ),
        "snapshot": WorkplanSnapshot.objects.create(
            workplan=item.goal.workplan, data={"goals": []}
        ),
        "support_request": SupportRequestFactory(
            enrolment=world.team_a,
            requested_by=person,
            partner=world.partner_org,
            assignee=world.partner,
            status="assigned",
        ),
        "checkin": CheckInFactory(enrolment=world.team_a),
    }


@pytest.fixture
def second_factors(world):
    """Everyone in the walk holds an authenticator app and recovery codes, so the pages that
    turn them off or show them have something to show."""
    for role in PLAIN_ROLES:
        if role != ANONYMOUS:
            TOTP.activate(world.person(role), generate_totp_secret())
            RecoveryCodes.activate(world.person(role))


# URLs that name an object ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    kwargs: dict  # URL argument -> the name of one of team A's objects (see `team_a`)
    data: dict | None = None  # a POST body someone entitled could send
    staff_only: bool = False  # refused to all but staff before any read: a 403 leaks nothing
    team_only: bool = False  # team A's own: closed to the team beside it in the cohort too
    insider: str = "staff"  # who reaches it: proves the filled URL names a real object

    def values(self, objects):
        return {
            argument: name.value if isinstance(name, Literal) else objects[name].pk
            for argument, name in self.kwargs.items()
        }


@dataclass(frozen=True)
class Literal:
    """A URL argument that names no object (a self-assessment's phase): the same for all."""

    value: str


def fill(*, data=None, staff_only=False, team_only=False, insider="staff", **kwargs):
    return Fill(kwargs, data, staff_only, team_only, insider)


COHORT = {"name": "Walked cohort", "starts_on": "2026-11-02"}
RSVP = {"rsvp": "attending"}
MARK = {"mark": "present"}
SUPPORT_REQUEST = {"focus_area": "data", "need": "Help with our data", "needed_by": "2026-12-01"}
SUPPORT_HELP = {"given_on": "2026-10-05", "hours": "1.5", "note": "Went through the tables"}
CHECKIN_EXTENSION = {"due_on": "2026-11-02", "reason": "Walked"}
ASSESSMENT = {"version": "1", "action": "draft"}
DIMENSION = {"name": "Walked", **{f"level_{n}": f"Level {n}" for n in (1, 2, 3, 4)}}
GOAL = {"title": "Walked goal", "focus_area": "data", "version": "1"}
ACTION = {"title": "Walked action", "status": "in_progress", "version": "1"}

OBJECT_PAGES = {
    "accounts:invitation_resend": fill(pk="invitation", staff_only=True),
    "accounts:invitation_revoke": fill(pk="invitation", staff_only=True),
    "cohorts:program_detail": fill(pk="program"),
    "cohorts:program_edit": fill(pk="program"),
    "cohorts:cohort_create": fill(pk="program", data=COHORT),
    "cohorts:cohort_edit": fill(pk="cohort"),
    "cohorts:cohort_start": fill(pk="cohort"),
    "cohorts:cohort_complete": fill(pk="cohort"),
    "cohorts:cohort_enrol": fill(pk="cohort"),
    "dashboard:cohort_detail": fill(pk="cohort"),
    "dashboard:team_home": fill(pk="team", team_only=True),
    "dashboard:cohort_progress": fill(pk="cohort"),
    "dashboard:cohort_progress_csv": fill(pk="cohort"),
    # Any state, DC or territory reads the same to an outsider (a 404); staff read any one.
    "dashboard:state_dossier": fill(code=Literal("AZ"), staff_only=True),
    "cohorts:enrolment_detail": fill(pk="team", team_only=True),
    "cohorts:enrolment_seats": fill(pk="team", team_only=True),
    "cohorts:seat_end": fill(pk="team", seat_pk="seat", team_only=True),
    "cohorts:seat_replace": fill(pk="team", seat_pk="seat", team_only=True),
    "cohorts:organisation_detail": fill(pk="organisation", team_only=True),
    "cohorts:organisation_edit": fill(pk="organisation", team_only=True),
    "sessions_app:schedule": fill(pk="cohort"),
    "sessions_app:series_create": fill(pk="cohort", data=SERIES),
    "sessions_app:session_create": fill(pk="cohort", data=ONE_SESSION),
    "sessions_app:session_detail": fill(pk="session"),
    "sessions_app:session_edit": fill(pk="session", data=DETAILS),
    "sessions_app:session_reschedule": fill(pk="session", data=MOVE),
    "sessions_app:session_cancel": fill(pk="session", data={"reason": "x"}),
    "sessions_app:session_undo": fill(pk="session"),
    "sessions_app:session_rsvp": fill(pk="session", data=RSVP, insider="team_a"),
    "sessions_app:attendance_mark": fill(pk="session", person_pk="person", data=MARK),
    "sessions_app:attendance_mark_rest": fill(pk="session", data={}),
    "sessions_app:session_wrap_up": fill(pk="session", data={"notes": "What we covered"}),
    "sessions_app:material_add": fill(pk="session", data=LINK),
    "sessions_app:material_download": fill(pk="session", material_pk="file"),
    "sessions_app:material_delete": fill(pk="session", material_pk="file"),
    "sessions_app:session_ics": fill(pk="session"),
    "notifications:send_again": fill(pk="notification"),
    # Workplans: review, comments, sharing, snapshot (team B reads nothing: cohort one does
    # not share workplans).
    "workplans:workplan_submit": fill(pk="team", team_only=True, insider="team_a"),
    "workplans:workplan_reviewed": fill(pk="team", team_only=True),
    "workplans:workplan_sharing": fill(
        pk="team", data={"shared": "yes"}, team_only=True, insider="team_a"
    ),
    "workplans:snapshot": fill(pk="team", team_only=True),
    "workplans:goal_comment": fill(pk="goal", data={"body": "A comment"}, team_only=True),
    "workplans:goal_reviewed": fill(pk="goal", team_only=True),
    "workplans:action_comment": fill(pk="action_item", data={"body": "A comment"}, team_only=True),
    "workplans:action_reviewed": fill(pk="action_item", team_only=True),
    "workplans:workplan": fill(pk="team", team_only=True),
    "workplans:goal_create": fill(pk="team", data=GOAL, team_only=True),
    "workplans:goal_edit": fill(pk="goal", data=GOAL, team_only=True),
    "workplans:action_create": fill(pk="goal", data=ACTION, team_only=True),
    "workplans:action_item": fill(pk="action_item", team_only=True),
    "workplans:action_edit": fill(pk="action_item", data=ACTION, team_only=True),
    "workplans:action_status": fill(
        pk="action_item", data={"status": "done", "version": "1"}, team_only=True
    ),
    "workplans:timeline": fill(pk="team", team_only=True),
    "workplans:assessment": fill(
        pk="team", phase=Literal("start"), data=ASSESSMENT, team_only=True
    ),
    "workplans:assessment_reopen": fill(pk="team", phase=Literal("start"), team_only=True),
    "workplans:assessment_compare": fill(pk="team", team_only=True),
    "workplans:rubric_edit": fill(pk="program", data={"title": "Walked rubric"}),
    "workplans:rubric_dimension_add": fill(pk="program", data=DIMENSION),
    "workplans:rubric_dimension_edit": fill(pk="dimension", data=DIMENSION),
    "workplans:rubric_dimension_move": fill(pk="dimension", data={"direction": "down"}),
    "workplans:rubric_dimension_delete": fill(pk="dimension"),
    "workplans:action_items_csv": fill(pk="team", team_only=True),
    "workplans:support_list": fill(pk="team", team_only=True),
    "workplans:support_create": fill(
        pk="team", data=SUPPORT_REQUEST, team_only=True, insider="team_a"
    ),
    "workplans:support_request": fill(pk="support_request", team_only=True),
    "workplans:support_assign": fill(pk="support_request", team_only=True),
    "workplans:support_accept": fill(pk="support_request", team_only=True, insider="partner"),
    "workplans:support_help": fill(
        pk="support_request", data=SUPPORT_HELP, team_only=True, insider="partner"
    ),
    "workplans:support_close": fill(pk="support_request", team_only=True, insider="partner"),
    "workplans:support_reopen": fill(
        pk="support_request", data={"note": "Still stuck"}, team_only=True, insider="team_a"
    ),
    # Check-ins (the community page is the whole cohort's: team B reads it too)
    "workplans:checkin_list": fill(pk="team", team_only=True),
    "workplans:checkin": fill(pk="checkin", team_only=True),
    "workplans:checkin_review": fill(
        pk="checkin", data={"review_comment": "Walked"}, team_only=True
    ),
    "workplans:checkin_reopen": fill(pk="checkin", team_only=True),
    "workplans:checkin_extend": fill(pk="checkin", data=CHECKIN_EXTENSION, team_only=True),
    "workplans:community": fill(pk="cohort"),
}

# URLs that carry a secret link ------------------------------------------------------------------


def is_404(response):
    return response.status_code == 404


def is_400(response):
    return response.status_code == 400


def renders(template):
    def check(response):
        return template in [t.name for t in response.templates]

    return check


def context_says(name, value):
    def check(response):
        return response.context is not None and response.context.get(name, "absent") == value

    return check


def either(*checks):
    def check(response):
        return any(one(response) for one in checks)

    return check


@dataclass(frozen=True)
class Token:
    wrong: object  # team A's objects -> URL arguments: a link that is not (or no longer) valid
    right: object  # team A's objects -> URL arguments: the working link, for comparison
    refused: object  # response -> True when the page says the link does not work


def confirmation_key(address):
    return EmailConfirmationHMAC(address).key


def reset_key(person):
    return default_token_generator.make_token(person)


TOKEN_PAGES = {
    "account_confirm_email": Token(
        wrong=lambda o: {"key": confirmation_key(o["email_address"])},  # already confirmed
        right=lambda o: {"key": confirmation_key(o["unconfirmed_address"])},
        refused=either(is_404, context_says("confirmation", None)),
    ),
    "account_reset_password_from_key": Token(
        wrong=lambda o: {
            "uidb36": user_pk_to_url_str(o["person"]),
            "key": reset_key(o["team"].cohort.facilitators.get()),  # another person's key
        },
        right=lambda o: {"uidb36": user_pk_to_url_str(o["person"]), "key": reset_key(o["person"])},
        refused=context_says("token_fail", True),
    ),
    "accounts:invitation_accept": Token(
        wrong=lambda o: {"key": o["revoked_invitation"].key},
        right=lambda o: {"key": o["invitation"].key},
        refused=renders("accounts/invitation_closed.html"),
    ),
    "sessions_app:feed": Token(
        wrong=lambda o: {"token": secrets.token_urlsafe(24)},
        right=lambda o: {"token": o["feed"].token},
        refused=is_404,
    ),
    "notifications:unsubscribe": Token(
        wrong=lambda o: {
            "token": signing.dumps({"e": o["person"].email, "k": "session_reminder"}, salt="other")
        },
        right=lambda o: {"token": unsubscribe_token(o["person"].email, "session_reminder")},
        refused=is_400,
    ),
    "sessions_app:rsvp_from_email": Token(
        # Team A's session and person, signed with another salt (a forged or another link's).
        wrong=lambda o: {
            "token": signing.dumps({"s": o["session"].pk, "p": o["person"].pk}, salt="other")
        },
        right=lambda o: {"token": answer_token(o["session"], o["person"])},
        refused=is_400,
    ),
    "workplans:checkin_link": Token(
        wrong=lambda o: {
            "token": signing.dumps({"c": o["checkin"].pk, "p": o["person"].pk}, salt="other")
        },
        right=lambda o: {"token": token_for(o["checkin"], o["person"])},
        refused=renders("workplans/checkin_link.html"),
    ),
}

# URLs without arguments: who may use them (everyone else gets 403/404, or the login page) -----

SIGNED_OUT = frozenset({ANONYMOUS})
TEAM_MEMBERS = frozenset({"team_c"})
FACILITATORS = frozenset({"fac2"})
PARTNERS = frozenset({"stray_partner"})
STAFF = frozenset({"staff"})
SIGNED_IN = TEAM_MEMBERS | FACILITATORS | PARTNERS | STAFF
ANYONE = SIGNED_IN | SIGNED_OUT
PLAIN_ROLES = sorted(ANYONE)

PLAIN_PAGES = {
    "home": SIGNED_IN,
    "health": ANYONE,
    "set_language": ANYONE,
    "account_login": ANYONE,
    "account_logout": ANYONE,
    "account_inactive": ANYONE,
    "account_signup": ANYONE,
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": ANYONE,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "account_reset_password": ANYONE,
    "account_confirm_login_code": ANYONE,
    "account_reset_password_from_key_done": ANYONE,
    "account_reset_password_done": ANYONE,
    "dashboard:profile": SIGNED_IN,
    "dashboard:partner_teams": PARTNERS,
    "workplans:support_inbox": STAFF | FACILITATORS | PARTNERS,
    "dashboard:review_queue": STAFF | FACILITATORS,
    "dashboard:national": STAFF,
    "dashboard:exports": STAFF | FACILITATORS,
    "dashboard:export_actions": STAFF | FACILITATORS,
    "dashboard:export_attendance": STAFF | FACILITATORS,
    "dashboard:export_checkins": STAFF | FACILITATORS,
    "accounts:invitation_list": STAFF,
    "accounts:invitation_create": STAFF,
    "cohorts:program_list": STAFF,
    "cohorts:program_create": STAFF,
    "cohorts:cohort_list": SIGNED_IN,
    "cohorts:organisation_list": SIGNED_IN,
    "cohorts:organisation_create": STAFF,
    "sessions_app:feed_manage": SIGNED_IN,
    "notifications:outbox": STAFF | FACILITATORS,
    "notifications:preferences": SIGNED_IN,
    "mfa_index": SIGNED_IN,
    "mfa_authenticate": ANYONE,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": SIGNED_IN,
    "mfa_view_recovery_codes": SIGNED_IN,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_download_recovery_codes": SIGNED_IN,
}

# The admin: staff only; everyone else is sent to the login page -------------------------------

ADMIN_OBJECTS = {
    "auth.group": "staff_group",
    "account.emailaddress": "email_address",
    "accounts.user": "person",
    "accounts.invitation": "invitation",
    "cohorts.organisation": "organisation",
    "cohorts.membership": "membership",
    "cohorts.program": "program",
    "cohorts.cohort": "cohort",
    "cohorts.enrolment": "team",
    "cohorts.seat": "seat",
    "sessions_app.learningsession": "session",
    "sessions_app.reschedule": "reschedule",
    "sessions_app.attendance": "attendance",
    "sessions_app.material": "file",
    "sessions_app.calendarfeed": "feed",
    "notifications.notification": "notification",
    "notifications.mutedkind": "muted_kind",
    "notifications.kindpreference": "kind_preference",
    "notifications.digestitem": "digest_item",
    "mfa.authenticator": "authenticator",
    "workplans.rubric": "rubric",
    "workplans.dimension": "dimension",
    "workplans.selfassessment": "assessment",
    "workplans.workplan": "workplan",
    "workplans.goal": "goal",
    "workplans.actionitem": "action_item",
    "workplans.progressupdate": "progress_update",
    "workplans.comment": "comment",
    "workplans.workplansnapshot": "snapshot",
    "workplans.supportrequest": "support_request",
}

# The admin's own pages that take an argument (keyed by name, or by route when unnamed).
ADMIN_PAGES = {
    "admin:app_list": lambda o: {"app_label": "cohorts"},
    "admin:view_on_site": lambda o: {
        "content_type_id": ContentType.objects.get_for_model(o["cohort"]).pk,
        "object_id": o["cohort"].pk,
    },
    "admin/(?P<url>.*)$": lambda o: {"url": f"cohorts/enrolment/{o['team'].pk}/elsewhere/"},
}


def admin_values(pattern, objects):
    if pattern.admin_model is None:
        return ADMIN_PAGES[pattern.key](objects)
    obj = objects[ADMIN_OBJECTS[pattern.admin_model._meta.label_lower]]
    return dict.fromkeys(pattern.kwargs, obj.pk)


def sent_away_from_the_admin(response):
    """To the login page; or, for the admin's own login, a 403 to someone signed in who is
    not staff; or, for its logout, to the admin's index (which sends them to the login)."""
    if is_login_redirect(response) or response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


# Which table knows each pattern --------------------------------------------------------------


def missing_from_the_walk(pattern):
    """What to add so the walk can fill this pattern, or None when it can."""
    where = f"{pattern.key} ({pattern.route})"
    if pattern.is_admin:
        model = pattern.admin_model
        if model is not None and model._meta.label_lower not in ADMIN_OBJECTS:
            label = model._meta.label_lower
            return f"the admin of {label}: add {label!r} to ADMIN_OBJECTS (which of team A's)"
        if model is None and pattern.kwargs and pattern.key not in ADMIN_PAGES:
            return f"{where}: add it to ADMIN_PAGES (how to fill its arguments)"
        return None
    if pattern.kwargs and pattern.key not in OBJECT_PAGES and pattern.key not in TOKEN_PAGES:
        return (
            f"{where}: add it to OBJECT_PAGES (which of team A's objects fills each argument) "
            "or, for a secret link, to TOKEN_PAGES"
        )
    if not pattern.kwargs and pattern.key not in PLAIN_PAGES:
        return f"{where}: add it to PLAIN_PAGES (who may use it)"
    return None


PATTERNS = all_patterns()
BY_KEY = {pattern.key: pattern for pattern in PATTERNS}
WALKED = [p for p in PATTERNS if missing_from_the_walk(p) is None]


def walked(table):
    return [p for p in WALKED if not p.is_admin and p.key in table]


def key_of(pattern):
    return pattern.key


@dataclass
class Findings:
    """Everything wrong with one URL, reported together so one run shows the whole hole."""

    url: str
    problems: list = field(default_factory=list)
    database: dict = field(default_factory=database_fingerprint)

    def add(self, method, who, response, expected):
        self.problems.append(
            f"{method.upper()} {self.url} as {who}: {describe(response)}, expected {expected}"
        )

    def check_unchanged(self, method, who, *, report=True):
        """Compare the database with how it was before the last request."""
        before, self.database = self.database, database_fingerprint()
        changed = changed_tables(before, self.database)
        if changed and report:
            self.problems.append(f"{method.upper()} {self.url} as {who} changed {changed}")

    def assert_none(self):
        assert not self.problems, "\n".join(self.problems)


def refused(response):
    return response.status_code in (403, 404)


def visitors(world, roles):
    return [Visitor(role, world.person(role)) for role in roles] + [Visitor(ANONYMOUS)]


# The tests -------------------------------------------------------------------------------------


def test_every_url_is_in_the_walk():
    untaught = list(dict.fromkeys(filter(None, map(missing_from_the_walk, PATTERNS))))
    assert not untaught, (
        "The access walk (tests/test_access_walk.py) does not know how to fill these URLs:\n"
        + "\n".join(untaught)
    )


def test_the_walk_tables_name_only_urls_that_exist():
    stale = [
        key
        for key in [*OBJECT_PAGES, *TOKEN_PAGES, *PLAIN_PAGES, *ADMIN_PAGES]
        if key not in BY_KEY
    ]
    registered = {p.admin_model._meta.label_lower for p in PATTERNS if p.admin_model}
    stale += [label for label in ADMIN_OBJECTS if label not in registered]
    assert not stale, f"No such URL (or admin model) any more: {stale}"
    wrong_arguments = [
        key for key, entry in OBJECT_PAGES.items() if set(entry.kwargs) != set(BY_KEY[key].kwargs)
    ]
    assert not wrong_arguments, (
        f"The arguments in OBJECT_PAGES differ from the URL: {wrong_arguments}"
    )


def test_the_walk_posts_with_a_csrf_token_that_django_accepts(world):
    """Otherwise every POST below would stop at the CSRF check and prove nothing."""
    visitor = Visitor("team_c", world.team_c_ed)
    data = {"language": "es", "next": "/"}

    assert visitor.ask("post", reverse("set_language"), data).status_code == 302
    visitor.token = "not-the-token"
    assert visitor.ask("post", reverse("set_language"), data).status_code == 403


@pytest.mark.parametrize("pattern", walked(OBJECT_PAGES), ids=key_of)
def test_team_a_objects_are_404_to_outsiders_and_nothing_changes(pattern, world, team_a):
    entry = OBJECT_PAGES[pattern.key]
    url = pattern.url(**entry.values(team_a))
    unknown_url = pattern.url(**dict.fromkeys(pattern.kwargs, 2_000_000_000))
    people = {**OUTSIDERS, **(NEIGHBOUR if entry.team_only else {})}
    walkers = visitors(world, people)
    findings = Findings(url)  # after the sign-ins, which touch last_login

    for visitor in walkers:
        who = people.get(visitor.role, ANONYMOUS)
        for method in ("get", "post"):
            response = visitor.ask(method, url, entry.data)
            findings.check_unchanged(method, who)
            if visitor.role == ANONYMOUS:
                if not is_login_redirect(response):
                    findings.add(method, who, response, "a redirect to the login page")
                continue
            refusals = {404}
            if method == "get":
                refusals.add(405)  # a POST-only view, if it says so before any read
            if entry.staff_only:
                refusals.add(403)  # refused for who they are, whatever the id
            if response.status_code not in refusals:
                findings.add(method, who, response, "404")
            elif response.status_code != 404:
                # Only an answer that doesn't depend on the object leaks nothing.
                unknown = visitor.ask(method, unknown_url, entry.data)
                findings.check_unchanged(method, who)
                if unknown.status_code != response.status_code:
                    findings.add(
                        method, who, response, f"the same as for no object ({unknown.status_code})"
                    )
    findings.assert_none()

    # The walk must have named a real object: someone entitled gets the page, or, for a
    # POST-only view, does what it does and is redirected.
    insider = Visitor(entry.insider, world.person(entry.insider))
    method, expected = "get", 200
    response = insider.ask(method, url)
    if response.status_code == 405:
        method, expected = "post", 302
        response = insider.ask(method, url, entry.data)
    assert response.status_code == expected and not is_login_redirect(response), (
        f"{method.upper()} {url} as {entry.insider}: {describe(response)}, expected {expected}"
        " — does OBJECT_PAGES fill it right?"
    )


def outsiders_are_refused(world, url, refused, expected):
    """Each outsider, and a signed-out visitor, asks for `url` with GET and with POST:
    every answer is `refused` (else the finding says `expected`) and nothing changes."""
    walkers = visitors(world, OUTSIDERS)
    findings = Findings(url)  # after the sign-ins, which touch last_login

    for visitor in walkers:
        who = OUTSIDERS.get(visitor.role, ANONYMOUS)
        for method in ("get", "post"):
            response = visitor.ask(method, url)
            findings.check_unchanged(method, who)
            if not refused(response):
                findings.add(method, who, response, expected)
    findings.assert_none()


@pytest.mark.parametrize("pattern", walked(TOKEN_PAGES), ids=key_of)
def test_links_that_are_not_valid_open_nothing_and_change_nothing(pattern, world, team_a):
    entry = TOKEN_PAGES[pattern.key]
    url = pattern.url(**entry.wrong(team_a))
    outsiders_are_refused(world, url, entry.refused, "a page saying the link does not work")

    # The same page with the working link is not refused: the refusal is the token's doing.
    right = pattern.url(**entry.right(team_a))
    response = Visitor(ANONYMOUS).ask("get", right)
    assert response.status_code < 500 and not entry.refused(response), (
        f"{right} (the working link) answered {describe(response)}"
    )


@pytest.mark.parametrize("pattern", walked(PLAIN_PAGES), ids=key_of)
def test_pages_without_an_object_refuse_whom_they_should_and_never_fail(
    pattern, world, second_factors
):
    allowed = PLAIN_PAGES[pattern.key]
    url = pattern.url()
    walkers = visitors(world, [role for role in PLAIN_ROLES if role != ANONYMOUS])
    findings = Findings(url)

    for visitor in walkers:
        for method in ("get", "post"):
            response = visitor.ask(method, url)
            # Those it is for may change their own things (a preference, a calendar link).
            findings.check_unchanged(method, visitor.role, report=visitor.role not in allowed)
            if response.status_code >= 500:
                findings.add(method, visitor.role, response, "no server error")
            if visitor.role in allowed:
                signed_in = visitor.role != ANONYMOUS
                if (
                    signed_in
                    and method == "get"
                    and (refused(response) or is_login_redirect(response))
                ):
                    findings.add(method, visitor.role, response, "the page (PLAIN_PAGES lets them)")
                continue
            if visitor.role == ANONYMOUS:
                if not is_login_redirect(response):
                    findings.add(method, visitor.role, response, "a redirect to the login page")
            elif not refused(response):
                findings.add(method, visitor.role, response, "403 or 404")
    findings.assert_none()


def walk_the_admin(pattern, world, url):
    outsiders_are_refused(world, url, sent_away_from_the_admin, "a redirect to the login page")

    # Some admin pages are for superusers only (another person's password, deleting people).
    world.staff.is_superuser = True
    world.staff.save(update_fields=["is_superuser"])
    response = Visitor("superuser", world.staff).ask("get", url)
    assert response.status_code < 500, f"{url} as a superuser: {describe(response)}"
    if pattern.admin_model is not None and pattern.kwargs:
        # The object's pages open; its bare URL (unnamed) redirects to its change page.
        assert response.status_code == (200 if pattern.name else 302), (
            f"{url} as a superuser: {describe(response)} — does ADMIN_OBJECTS fill it right?"
        )


ADMIN_WALK = [p for p in WALKED if p.is_admin]


@pytest.mark.parametrize("pattern", [p for p in ADMIN_WALK if not p.kwargs], ids=key_of)
def test_the_admin_sends_everyone_but_staff_to_the_login_page(pattern, world):
    walk_the_admin(pattern, world, pattern.url())


@pytest.mark.parametrize("pattern", [p for p in ADMIN_WALK if p.kwargs], ids=key_of)
def test_the_admin_pages_of_team_a_objects_send_everyone_but_staff_to_login(pattern, world, team_a):
    walk_the_admin(pattern, world, pattern.url(**admin_values(pattern, team_a)))
