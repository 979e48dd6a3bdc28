"""Reads that gather from several apps for one page. Reads only; every one scoped to the
person asking through the apps' own selectors."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Invitation
from cohorts import selectors as cohort_selectors
from cohorts.choices import CohortStatus, FocusArea
from cohorts.models import Cohort, Enrolment, Seat, TakingPart
from notifications.models import Notification
from sessions_app.models import LearningSession
from sessions_app.selectors import MISSED_IN_A_ROW, attendance_by_team, upcoming_for
from workplans.checkin_ladder import told_ids
from workplans.choices import (
    ActionStatus,
    AssessmentStatus,
    ChangedField,
    CheckInStatus,
    Phase,
    SupportStatus,
    SupportStep,
    WorkplanStatus,
)
from workplans.models import (
    ActionItem,
    CheckIn,
    Comment,
    ProgressUpdate,
    SelfAssessment,
    SupportEvent,
    SupportRequest,
    TeamVisit,
    Workplan,
)
from workplans.selectors import (
    assessment_teams_for,
    end_phase_opens_on,
    phase_is_open,
    workplan_of,
)

with_team_count = Count("enrolments", distinct=True)
RUNNING = [CohortStatus.PLANNED, CohortStatus.ACTIVE]


def home_sections(user, roles):
    """One section for each role the person holds. "My upcoming sessions" only for someone
    who takes part in a cohort: staff who don't open on the cohorts they watch."""
    sections = {"takes_part": roles.facilitator or roles.partner or roles.team}
    if sections["takes_part"]:
        sections["upcoming"] = upcoming_for(user)
    if roles.staff:
        cohorts = staff_cohorts()
        sections["staff_cohorts"] = cohorts
        sections["flagged_total"] = sum(len(cohort.flagged_teams) for cohort in cohorts)
        sections["failed_total"] = sum(cohort.failed_emails for cohort in cohorts)
        sections["open_invitations"] = Invitation.objects.open().count()
    if roles.facilitator:
        sections["facilitated"] = cohort_selectors.facilitated_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.partner:
        sections["partnered"] = cohort_selectors.partnered_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.team:
        sections["teams"] = cohort_selectors.my_team_enrolments(user)
    return sections


def staff_cohorts():
    """Planned and active cohorts, each with what staff watch: its team count and failed
    emails (one query), its next session (one), the teams flagged for missing sessions (three:
    the latest held sessions and who was present at them, sessions_app's attendance_by_team,
    and the teams)."""
    failed = Notification.objects.filter(state=Notification.State.FAILED)
    cohorts = list(
        Cohort.objects.filter(status__in=RUNNING)
        .select_related("program")
        # Counted in subqueries, not joins: a join with the teams would count each cohort's
        # failed rows once per team (at national size, 40 of this page's 60 ms).
        .annotate(
            team_count=count_of(Enrolment.objects.all()),
            failed_emails=count_of(failed),
        )
        .order_by("starts_on", "name")
    )
    ids = [cohort.pk for cohort in cohorts]
    following = next_sessions(ids)
    # Every team of those cohorts, with only what the list shows of the flagged ones.
    teams = (
        Enrolment.objects.filter(cohort_id__in=ids)
        .select_related("organisation")
        .only("cohort_id", "organisation__name")
        .order_by("organisation__name")
    )
    attendance = attendance_by_team(ids, teams, latest=MISSED_IN_A_ROW)
    for cohort in cohorts:
        cohort.next_session = following.get(cohort.pk, [None])[0]
        _held, rows = attendance[cohort.pk]
        cohort.flagged_teams = [row.enrolment for row in rows if row.flagged]
    return cohorts


def count_of(rows):
    """How many of `rows` belong to the cohort of the outer query, as a subquery."""
    counted = rows.filter(cohort=OuterRef("pk")).values("cohort").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def next_sessions(cohort_ids, per_cohort=1):
    """{cohort id: [session, …]}: the next scheduled sessions of each cohort, in one query."""
    ranked = (
        LearningSession.objects.filter(
            cohort_id__in=cohort_ids,
            status=LearningSession.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("cohort_id")],
                order_by=[F("starts_at").asc(), F("number").asc()],
            )
        )
        .filter(place__lte=per_cohort)
        .order_by("cohort_id", "starts_at", "number")
    )
    by_cohort = defaultdict(list)
    for session in ranked:
        by_cohort[session.cohort_id].append(session)
    return by_cohort


def partner_page(user):
    """What a planning partner supports: its organisations, and their planned and active
    cohorts, each with its teams (the people on them, their roles and emails) and its next
    sessions. Five queries, however many cohorts and teams."""
    cohorts = list(
        cohort_selectors.partnered_cohorts(user)
        .filter(status__in=RUNNING)
        .order_by("starts_on", "name")
    )
    ids = [cohort.pk for cohort in cohorts]
    teams = defaultdict(list)
    # The teams of those cohorts, which the partner sees (cohorts.selectors.enrolments_for).
    for team in (
        Enrolment.objects.filter(cohort_id__in=ids)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("seats", queryset=cohort_selectors.current_seats(), to_attr="current_seats")
        )
        .order_by("organisation__name")
    ):
        teams[team.cohort_id].append(team)
    upcoming = next_sessions(ids, per_cohort=3)
    for cohort in cohorts:
        cohort.teams = teams[cohort.pk]
        cohort.upcoming = upcoming.get(cohort.pk, [])
    return {
        "organisations": cohort_selectors.partner_organisations(user),
        "cohorts": cohorts,
    }


def cohort_page(user, pk):
    """A cohort, its teams, and what the person may see of its progress (404 if not theirs)."""
    cohort = cohort_selectors.get_cohort_for(user, pk)
    # Whether the person may open each team (enrolments_for, the one rule) is read with
    # the teams, not counted apart.
    teams = list(
        cohort_selectors.cohort_teams(cohort).annotate(
            opens=Exists(cohort_selectors.enrolments_for(user).filter(pk=OuterRef("pk")))
        )
    )
    # Prefetched, so that the rules asking whether the person facilitates it (mark_attendance
    # below, cohorts.rules.is_cohort_facilitator) and the readiness checks read them too.
    prefetch_related_objects([cohort], "facilitators")
    facilitators = list(cohort.facilitators.all())
    page = {
        "cohort": cohort,
        "teams": teams,
        "facilitators": facilitators,
        "partners": list(cohort.partners.all()),
        "can_manage": user.has_perm("cohorts.manage_cohort", cohort),
        "my_team_ids": {
            t.pk for t in teams if any(s.person_id == user.pk for s in t.current_seats)
        },
        "opens_every_team": all(team.opens for team in teams),
    }
    if page["can_manage"]:
        page["checks"] = cohort_selectors.readiness(cohort, teams)
        page["unmet"] = sum(not check.ok for check in page["checks"])
        page["ready"] = not page["unmet"]
    if user.has_perm("sessions_app.mark_attendance", cohort):
        page["held"], page["attendance"] = attendance_by_team([cohort.pk], teams)[cohort.pk]
    return page


# A team's home page ---------------------------------------------------------------------------

MY_ITEMS_SHOWN = 10
NEWS_SHOWN = 30


@dataclass
class Assessment:
    """The self-assessment a team should turn to now: its phase and where it stands."""

    phase: str
    label: str
    state: str  # "not_started", "draft" or "submitted"
    end_opens_on: date | None = None  # the start one is submitted and the end one not due yet


@dataclass
class News:
    """Something that arrived on the team's home page since the person last looked."""

    kind: str  # "comment", "status" or "support"
    when: datetime
    who: str
    about: str
    text: str
    item_pk: int | None = None
    goal_pk: int | None = None
    request_pk: int | None = None
    old: str = ""
    new: str = ""

    @property
    def anchor(self):
        """Where on the workplan page a comment on a goal (not on an action item) is."""
        return f"#goal-{self.goal_pk}" if self.goal_pk and not self.item_pk else ""


def _count(rows):
    """How many of `rows` there are, as a subquery (rows are filtered on an OuterRef)."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _phase_status(phase):
    return Subquery(
        SelfAssessment.objects.filter(enrolment=OuterRef("pk"), phase=phase).values("status")[:1]
    )


def team_home(user, pk):
    """Everything a team's home page shows, for someone who may see it (404 otherwise): the
    team's own people, the cohort's facilitators and staff — those who see its
    self-assessments (workplans.selectors.assessment_teams_for), which this page shows.
    Another team and the planning partners don't.

    The team, its workplan, its progress, its self-assessments' states and when the person
    last looked are one query; then the next session, the person's open action items (team
    members only), the open support requests and, from the second visit on, what arrived
    since the last (one query for comments, status changes and support answers together)."""
    today = timezone.localdate()
    items = ActionItem.objects.filter(goal__workplan__enrolment=OuterRef("pk"))
    enrolment = get_object_or_404(
        assessment_teams_for(user)
        .select_related("workplan")
        .annotate(
            actions_total=_count(items),
            actions_done=_count(items.done()),
            actions_overdue=_count(items.overdue(today)),
            start_status=_phase_status(Phase.START),
            end_status=_phase_status(Phase.END),
            on_the_team=Exists(Seat.objects.held_by(user).filter(enrolment=OuterRef("pk"))),
            last_seen=Subquery(
                TeamVisit.objects.filter(person=user, enrolment=OuterRef("pk")).values("seen_at")
            ),
        ),
        pk=pk,
    )
    workplan = workplan_of(enrolment)
    page = {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "workplan": workplan,
        "next_session": next_session(enrolment.cohort_id),
        "assessment": assessment_to_take(enrolment, today),
        "support_requests": open_support_requests(enrolment),
    }
    if enrolment.on_the_team:
        page["my_items"], page["more_items"] = my_open_items(user, enrolment, today)
    if enrolment.last_seen is not None and workplan.pk is not None:
        page["news"], page["more_news"] = news_since(enrolment, workplan, user, enrolment.last_seen)
    return page


def next_session(cohort_id):
    """The cohort's next scheduled session (one under way counts for three hours)."""
    return (
        LearningSession.objects.filter(
            cohort_id=cohort_id,
            status=LearningSession.Status.SCHEDULED,
            starts_at__gte=timezone.now() - timedelta(hours=3),
        )
        .order_by("starts_at", "number")
        .first()
    )


def assessment_to_take(enrolment, today):
    """The start self-assessment until it is submitted; then the end one, once it is open
    (workplans.selectors.phase_is_open: a month before the cohort ends, or once it ended)."""
    start = enrolment.start_status or "not_started"
    cohort = enrolment.cohort
    if start != AssessmentStatus.SUBMITTED:
        return Assessment(Phase.START, Phase.START.label, start)
    if not phase_is_open(cohort, Phase.END, today):
        return Assessment(
            Phase.START, Phase.START.label, start, end_opens_on=end_phase_opens_on(cohort)
        )
    return Assessment(Phase.END, Phase.END.label, enrolment.end_status or "not_started")


def my_open_items(user, enrolment, today):
    """The person's action items on this team that are not done, overdue first, then by due
    date (none last); and whether there are more than are shown (one more is read)."""
    items = list(
        ActionItem.objects.filter(goal__workplan__enrolment=enrolment, owner=user)
        .exclude(status=ActionStatus.DONE)
        .annotate(
            overdue=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("goal")
        .order_by(F("overdue").desc(), F("due_on").asc(nulls_last=True), "pk")[: MY_ITEMS_SHOWN + 1]
    )
    return items[:MY_ITEMS_SHOWN], len(items) > MY_ITEMS_SHOWN


def open_support_requests(enrolment):
    """The team's requests not yet closed, the longest waiting first."""
    return list(
        SupportRequest.objects.filter(enrolment=enrolment)
        .exclude(status=SupportStatus.CLOSED)
        .select_related("partner", "assignee")
        .order_by("created_at", "pk")
    )


def news_since(enrolment, workplan, person, since):
    """What others did since `since`: comments on the workplan, changes of an action item's
    status, and the steps of a support request taken by someone not on the team (a partner's
    answer, staff assigning it). The newest first, in one query (a UNION of the three); and
    whether more arrived than are shown."""
    # Typed, or PostgreSQL reads a column that is NULL in the first two queries as text.
    no_id = Cast(Value(None), BigIntegerField())
    blank = Value("", output_field=CharField())
    comments = (
        Comment.objects.filter(workplan=workplan, created_at__gt=since)
        .exclude(author=person)
        .order_by()
        .values(
            kind=Value("comment", output_field=CharField()),
            when=F("created_at"),
            who=F("author__full_name"),
            about=Coalesce(F("action_item__title"), F("goal__title")),
            text=Cast("body", CharField()),
            item_pk=F("action_item_id"),
            goal_pk=F("goal_id"),
            request_pk=no_id,
            old=blank,
            new=blank,
        )
    )
    changes = (
        ProgressUpdate.objects.filter(workplan=workplan, at__gt=since, field=ChangedField.STATUS)
        .exclude(by=person)
        .order_by()
        .values(
            kind=Value("status", output_field=CharField()),
            when=F("at"),
            who=F("by__full_name"),
            about=F("action_item__title"),
            text=Cast("note", CharField()),
            item_pk=F("action_item_id"),
            goal_pk=no_id,
            request_pk=no_id,
            old=F("old_value"),
            new=F("new_value"),
        )
    )
    team = Seat.objects.filter(enrolment=enrolment).values("person")
    answers = (
        SupportEvent.objects.filter(request__enrolment=enrolment, at__gt=since)
        .exclude(by__in=team)
        .exclude(by=person)
        .order_by()
        .values(
            kind=Value("support", output_field=CharField()),
            when=F("at"),
            who=F("by__full_name"),
            about=F("request__focus_area"),
            text=Cast("note", CharField()),
            item_pk=no_id,
            goal_pk=no_id,
            request_pk=F("request_id"),
            old=blank,
            new=F("step"),
        )
    )
    # Each without its model's ordering: SQLite allows none inside a UNION.
    rows = comments.union(changes, answers, all=True).order_by("-when")[: NEWS_SHOWN + 1]
    statuses, focus_areas, steps = (
        dict(choices.choices) for choices in (ActionStatus, FocusArea, SupportStep)
    )
    news = [News(**row) for row in rows]
    for item in news:
        item.who = item.who or _("Someone")
        if item.kind == "status":
            item.old = statuses.get(item.old, item.old)
            item.new = statuses.get(item.new, item.new)
        elif item.kind == "support":
            item.about = focus_areas.get(item.about, item.about)
            item.new = steps.get(item.new, item.new)
    return news[:NEWS_SHOWN], len(news) > NEWS_SHOWN


# A facilitator's review queue -----------------------------------------------------------------

QUEUE_SHOWN = 20


def queue_cohorts(user, roles):
    """The cohorts whose work the person reviews: those they facilitate; for staff, every
    planned and active cohort as well."""
    led = Cohort.objects.taking_part(user, (TakingPart.FACILITATOR,)).values("pk")
    if roles.staff:
        return Cohort.objects.filter(Q(pk__in=led) | Q(status__in=RUNNING)).values("pk")
    return led


def _oldest(rows, *order):
    """The oldest `QUEUE_SHOWN` rows, each carrying how many there are in all (`waiting`, a
    window over the whole list, so the count costs no query of its own)."""
    return list(rows.annotate(waiting=Window(Count("pk"))).order_by(*order, "pk")[:QUEUE_SHOWN])


def checkin_cohorts(user, roles):
    """The cohorts whose check-ins the person follows up: those they facilitate; for staff,
    every cohort (check-ins follow completed cohorts, which queue_cohorts leaves out)."""
    if roles.staff:
        return Cohort.objects.values("pk")
    return Cohort.objects.taking_part(user, (TakingPart.FACILITATOR,)).values("pk")


def checkins_waiting(user, roles, today):
    """Check-ins submitted and waiting for review, and check-ins overdue (each with
    `overdue_days` and `told`: the cohort's facilitators were sent the overdue digest), the
    oldest first. Three queries, however many: the two lists and what the ladder told."""
    cohorts = checkin_cohorts(user, roles)
    team = ("enrolment__organisation", "enrolment__cohort")
    submitted = _oldest(
        CheckIn.objects.filter(
            status=CheckInStatus.SUBMITTED, enrolment__cohort__in=cohorts
        ).select_related(*team, "submitted_by"),
        F("submitted_at").asc(nulls_first=True),
    )
    overdue = _oldest(
        CheckIn.objects.overdue(today).filter(enrolment__cohort__in=cohorts).select_related(*team),
        "due_on",
    )
    told = told_ids(overdue)
    for checkin in overdue:
        checkin.overdue_days = checkin.days_overdue(today)
        checkin.told = checkin.pk in told
    return submitted, overdue


def review_queue(user, roles):
    """What waits on the person across the cohorts they review, oldest first: workplans
    submitted for review, action items blocked (by their last change), support requests
    not yet taken up (waiting to be assigned, or assigned and not yet accepted), check-ins
    submitted and check-ins overdue. Six queries, however many cohorts and rows."""
    cohorts = queue_cohorts(user, roles)
    team = ("enrolment__organisation", "enrolment__cohort")
    workplans = _oldest(
        Workplan.objects.filter(
            status=WorkplanStatus.SUBMITTED, enrolment__cohort__in=cohorts
        ).select_related(*team, "submitted_by"),
        F("submitted_at").asc(nulls_first=True),
    )
    blocked = _oldest(
        ActionItem.objects.filter(
            status=ActionStatus.BLOCKED, goal__workplan__enrolment__cohort__in=cohorts
        ).select_related("owner", *(f"goal__workplan__{path}" for path in team)),
        "updated_at",
    )
    support = _oldest(
        SupportRequest.objects.filter(
            status__in=[SupportStatus.OPEN, SupportStatus.ASSIGNED], enrolment__cohort__in=cohorts
        ).select_related(*team, "partner", "assignee"),
        "created_at",
    )
    checkins, overdue = checkins_waiting(user, roles, timezone.localdate())
    lists = (workplans, blocked, support, checkins, overdue)
    return {
        "workplans": workplans,
        "blocked": blocked,
        "support": support,
        "checkins": checkins,
        "overdue_checkins": overdue,
        "total": sum(rows[0].waiting for rows in lists if rows),
        "shown": QUEUE_SHOWN,
    }
