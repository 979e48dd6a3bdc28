"""Reads of a team's working space, always scoped to the person asking (STYLE.md, "Access").

Who sees what (DOMAIN.md, "Privacy"):
- a team sees its own workplan, self-assessments and support requests;
- the cohort's facilitators, and staff, see every team's of that cohort;
- another team of the cohort reads (never edits) a workplan when the cohort shares workplans
  and the team opted in; it never sees self-assessments;
- a planning partner sees a team's workplan only while a support request from that team is
  assigned to it (to its organisation or to the person), and the requests assigned to it.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext

from cohorts.models import Cohort, Enrolment, Membership, Seat, TakingPart
from cohorts.rules import is_alliance_staff
from cohorts.selectors import programs_for
from workplans.choices import ActionStatus, ChangedField, CheckInStatus
from workplans.models import (
    ActionItem,
    CheckIn,
    Comment,
    Dimension,
    Goal,
    ProgressUpdate,
    Rating,
    Rubric,
    SelfAssessment,
    SupportRequest,
    Workplan,
    WorkplanSnapshot,
)


def _teams():
    return Enrolment.objects.select_related("organisation", "cohort", "cohort__program")


def _own_and_led(user):
    """Enrolments of the person's own team, and of the cohorts they facilitate."""
    led = Cohort.objects.taking_part(user, (TakingPart.FACILITATOR,))
    return Q(cohort__in=led.values("pk")) | Q(pk__in=Seat.objects.held_by(user).values("enrolment"))


def _assigned_to(user):
    """Support requests assigned to the person, or to a partner organisation they belong to."""
    return Q(assignee=user) | Q(
        partner__in=Membership.objects.in_partners().filter(person=user).values("organisation")
    )


# Workplans -----------------------------------------------------------------------------------


def workplan_teams_for(user):
    """The enrolments whose workplan the person may read."""
    if is_alliance_staff(user):
        return _teams()
    on_a_team = Cohort.objects.taking_part(user, (TakingPart.TEAM,))
    shared = Q(
        workplan__shared=True,
        cohort__shares_workplans=True,
        cohort__in=on_a_team.values("pk"),
    )
    helped = Q(pk__in=SupportRequest.objects.filter(_assigned_to(user)).values("enrolment"))
    return _teams().filter(_own_and_led(user) | shared | helped)


def get_workplan_team_for(user, pk):
    return get_object_or_404(workplan_teams_for(user), pk=pk)


def workplan_of(enrolment):
    """The team's workplan; an unsaved, empty one until the team writes its first goal."""
    try:
        return enrolment.workplan
    except Workplan.DoesNotExist:
        return Workplan(enrolment=enrolment)


def goals_for(user):
    return Goal.objects.filter(workplan__enrolment__in=workplan_teams_for(user).values("pk"))


def get_goal_for(user, pk):
    return get_object_or_404(
        goals_for(user).select_related(
            "workplan__enrolment__organisation", "workplan__enrolment__cohort"
        ),
        pk=pk,
    )


def action_items_for(user):
    return ActionItem.objects.filter(
        goal__workplan__enrolment__in=workplan_teams_for(user).values("pk")
    )


def get_action_item_for(user, pk):
    return get_object_or_404(
        action_items_for(user).select_related(
            "owner",
            "goal__workplan__enrolment__organisation",
            "goal__workplan__enrolment__cohort",
        ),
        pk=pk,
    )


# Self-assessments: never shared with other teams, nor with partners ---------------------------


def assessment_teams_for(user):
    """The enrolments whose self-assessments the person may read."""
    if is_alliance_staff(user):
        return _teams()
    return _teams().filter(_own_and_led(user))


def get_assessment_team_for(user, pk):
    return get_object_or_404(assessment_teams_for(user), pk=pk)


def assessments_for(user):
    return SelfAssessment.objects.filter(enrolment__in=assessment_teams_for(user).values("pk"))


# Self-assessments and rubrics: what their pages read ----------------------------------------

# The end-of-cohort self-assessment opens a month before the cohort's last day (or as soon as
# staff mark the cohort completed); the start one is open any time.
END_OPENS_BEFORE = relativedelta(months=1)


def end_phase_opens_on(cohort):
    return cohort.ends_on - END_OPENS_BEFORE


def phase_is_open(cohort, phase, today=None):
    if phase == SelfAssessment.Phase.START or cohort.status == Cohort.Status.COMPLETED:
        return True
    return (today or timezone.localdate()) >= end_phase_opens_on(cohort)


def rubric_of(program):
    """The program's rubric with its dimensions in order, or None when it has none yet."""
    return (
        Rubric.objects.filter(program=program)
        .prefetch_related(Prefetch("dimensions", Dimension.objects.order_by("position", "pk")))
        .first()
    )


def rubric_dimensions_for(user):
    """Dimensions of the rubrics of the programs the person may see."""
    return Dimension.objects.filter(
        rubric__program__in=programs_for(user).values("pk")
    ).select_related("rubric__program")


def get_rubric_dimension_for(user, pk):
    return get_object_or_404(rubric_dimensions_for(user), pk=pk)


def answered_dimensions(rubric):
    """{dimension id: how many self-assessments answered it} for the rubric's dimensions."""
    return dict(
        Rating.objects.filter(dimension__rubric=rubric)
        .values_list("dimension")
        .annotate(count=Count("pk"))
    )


def assessment_of(enrolment, phase):
    """The team's saved self-assessment for the phase (its ratings read with it), or None:
    it is created by the first save, not by looking."""
    return (
        SelfAssessment.objects.filter(enrolment=enrolment, phase=phase)
        .select_related("submitted_by", "reopened_by")
        .prefetch_related("ratings")
        .first()
    )


@dataclass
class ComparedDimension:
    dimension: Dimension
    start: int | None
    end: int | None

    @property
    def name(self):
        return self.dimension.name

    @property
    def change(self):
        """End minus start; None when either phase has no level for this dimension."""
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


@dataclass
class Comparison:
    """Start and end side by side, per dimension of the program's rubric. Only submitted
    self-assessments count: a draft may still change."""

    rows: list
    start: SelfAssessment | None
    end: SelfAssessment | None

    @property
    def average_change(self):
        changes = [row.change for row in self.rows if row.change is not None]
        return sum(changes) / len(changes) if changes else None


def assessment_comparison(enrolment):
    rubric = rubric_of(enrolment.cohort.program)
    assessments = {
        assessment.phase: assessment
        for assessment in SelfAssessment.objects.filter(enrolment=enrolment).prefetch_related(
            "ratings"
        )
    }
    levels = {
        phase: {rating.dimension_id: rating.level for rating in assessment.ratings.all()}
        for phase, assessment in assessments.items()
        if assessment.is_submitted
    }
    rows = [
        ComparedDimension(
            dimension,
            levels.get(SelfAssessment.Phase.START, {}).get(dimension.pk),
            levels.get(SelfAssessment.Phase.END, {}).get(dimension.pk),
        )
        for dimension in (rubric.dimensions.all() if rubric else [])
    ]
    phases = SelfAssessment.Phase
    return Comparison(rows, assessments.get(phases.START), assessments.get(phases.END))


# Support requests ----------------------------------------------------------------------------


def support_requests_for(user):
    """A team's own requests; every request of the cohorts a person facilitates; the requests
    assigned to a partner organisation the person belongs to, or to them."""
    qs = SupportRequest.objects.select_related(
        "enrolment__organisation", "enrolment__cohort", "partner", "assignee", "goal"
    )
    if is_alliance_staff(user):
        return qs
    return qs.filter(
        Q(enrolment__in=Enrolment.objects.filter(_own_and_led(user)).values("pk"))
        | _assigned_to(user)
    )


def get_support_request_for(user, pk):
    return get_object_or_404(support_requests_for(user), pk=pk)


def support_teams_for(user):
    """The enrolments whose list of support requests the person may read: their own team's,
    the teams of the cohorts they facilitate, every team for staff. A partner reads the
    requests it was given in its inbox, not a team's whole list."""
    if is_alliance_staff(user):
        return _teams()
    return _teams().filter(_own_and_led(user))


def get_support_team_for(user, pk):
    return get_object_or_404(support_teams_for(user), pk=pk)


def support_inbox(user):
    """The requests in the person's scope with the counts the inbox's tabs show: `waiting`
    (nobody assigned yet) and `mine` (assigned to the person, not closed)."""
    scoped = support_requests_for(user)
    counts = {
        "waiting": _waiting(scoped).count(),
        "mine": _mine(scoped, user).count(),
    }
    return scoped, counts


def _waiting(scoped):
    return scoped.filter(status=SupportRequest.Status.OPEN)


def _mine(scoped, user):
    return scoped.filter(assignee=user).exclude(status=SupportRequest.Status.CLOSED)


def support_inbox_list(scoped, user, show):
    """One tab of the inbox: waiting ones oldest first (who waited longest comes first), the
    person's own by the date they are needed by, all of them newest first."""
    if show == "waiting":
        return _waiting(scoped).order_by("created_at", "pk")
    if show == "mine":
        return _mine(scoped, user).order_by("needed_by", "created_at", "pk")
    return scoped.order_by("-created_at", "-pk")


def support_timeline(support_request):
    return support_request.events.select_related("by", "assigned_to").order_by("at", "pk")


# Workplans: goals, action items, progress ------------------------------------------------------


@dataclass
class Progress:
    """How far a workplan (or one goal) has come: done of total, and how many are overdue."""

    done: int = 0
    total: int = 0
    overdue: int = 0

    def add(self, item):
        self.total += 1
        self.done += item.status == ActionStatus.DONE
        self.overdue += item.overdue_days > 0


def get_workplan_page_team_for(user, pk):
    """As get_workplan_team_for, with the team's workplan and who reviewed it (named by the
    page once it is reviewed) read in the same query: the page's count does not depend on
    the workplan's state."""
    return get_object_or_404(
        workplan_teams_for(user).select_related("workplan", "workplan__reviewed_by"), pk=pk
    )


def mark_overdue(item, today):
    """Give the item `overdue_days`: how many days past its due date it is (0 when not)."""
    item.overdue_days = (today - item.due_on).days if item.is_overdue(today) else 0
    return item


def goals_with_items(workplan, today):
    """The workplan's goals, each with its action items (owners read with them, each marked
    overdue or not as of `today`), its comments, and its `progress`: three queries, however
    many goals. An unsaved workplan has none."""
    if workplan.pk is None:
        return []
    goals = list(
        workplan.goals.prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        )
    )
    for goal in goals:
        goal.progress = Progress()
        for item in goal.action_items.all():
            goal.progress.add(mark_overdue(item, today))
    return goals


def workplan_progress(goals):
    total = Progress()
    for goal in goals:
        total.done += goal.progress.done
        total.total += goal.progress.total
        total.overdue += goal.progress.overdue
    return total


@dataclass
class TimelineEntry:
    """A progress update as people read it: names, labels and dates instead of ids and codes."""

    update: ProgressUpdate
    old: str
    new: str


def _shown(field, value, people):
    if not value:
        return ""
    if field in (ChangedField.STATUS, ChangedField.CREATED):
        return str(ActionStatus(value).label) if value in ActionStatus.values else value
    if field == ChangedField.OWNER:
        person = people.get(int(value)) if value.isdigit() else None
        return str(person) if person else gettext("someone no longer in the portal")
    if field == ChangedField.DUE_ON:
        return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    return value


def timeline(updates):
    """The given progress updates (who and which item read with them) as TimelineEntry:
    one more query for the people named as owners."""
    updates = list(updates.select_related("by", "action_item"))
    ids = {
        int(value)
        for update in updates
        if update.field == ChangedField.OWNER
        for value in (update.old_value, update.new_value)
        if value.isdigit()
    }
    people = get_user_model().objects.in_bulk(ids) if ids else {}
    return [
        TimelineEntry(
            update,
            _shown(update.field, update.old_value, people),
            _shown(update.field, update.new_value, people),
        )
        for update in updates
    ]


def action_items_to_export(workplan):
    """The workplan's action items in the workplan's order, with their goal and owner."""
    return (
        ActionItem.objects.filter(goal__workplan=workplan)
        .select_related("goal", "owner")
        .order_by("goal__position", "goal__pk", "due_on", "pk")
    )


# Workplans: review, comments, sharing, snapshot ---------------------------------------------


@dataclass(frozen=True)
class ReviewRights:
    """What a person may do in the review of one team's workplan."""

    reviews: bool  # a facilitator of the cohort, or staff: comments, marks reviewed
    on_the_team: bool  # keeps the workplan: submits it, answers comments, shares it

    @property
    def sees_comments(self):
        """The comments are a conversation between the team and its reviewers: another team
        reading a shared workplan, or a partner, does not see them."""
        return self.reviews or self.on_the_team


def review_rights(user, enrolment):
    return ReviewRights(
        reviews=user.has_perm("workplans.review_workplan", enrolment),
        on_the_team=user.has_perm("workplans.edit_workplan", enrolment),
    )


def snapshot_of(enrolment):
    """The team's workplan as it stood when the cohort ended; None before."""
    return WorkplanSnapshot.objects.filter(workplan__enrolment=enrolment).first()


def comments_on_item(item):
    """An action item's comments with their authors, in one query."""
    return item.comments.select_related("author")


# Check-ins: the team's own, its cohort's facilitators', staff's; never partners' --------------


def checkins_for(user):
    """Check-ins the person may open. Other teams of the cohort see only the highlights a team
    shared, on the community-of-practice page, never the check-in itself."""
    qs = CheckIn.objects.select_related(
        "enrolment__organisation", "enrolment__cohort", "enrolment__cohort__program"
    )
    if is_alliance_staff(user):
        return qs
    return qs.filter(enrolment__in=Enrolment.objects.filter(_own_and_led(user)).values("pk"))


def get_checkin_for(user, pk):
    return get_object_or_404(checkins_for(user), pk=pk)


# Check-ins: the pages ------------------------------------------------------------------------


def checkin_teams_for(user):
    """The enrolments whose check-ins the person may list: their own team's, the teams of the
    cohorts they facilitate, every team for staff (the same as checkins_for)."""
    if is_alliance_staff(user):
        return _teams()
    return _teams().filter(_own_and_led(user))


def get_checkin_team_for(user, pk):
    return get_object_or_404(checkin_teams_for(user), pk=pk)


# A check-in is "due" from a week before its date (when its first reminder goes) to that date.
DUE_SOON = 7


def checkin_stage(checkin, today):
    """Where a check-in stands, in one word the pages show with an icon: upcoming, due,
    overdue (open, past its date), submitted or reviewed."""
    if checkin.is_submitted:
        return checkin.status
    if checkin.due_on < today:
        return "overdue"
    if (checkin.due_on - today).days <= DUE_SOON:
        return "due"
    return "upcoming"


def previous_checkins(checkin):
    """The team's check-ins before this one that it submitted, the latest first."""
    return (
        CheckIn.objects.filter(enrolment=checkin.enrolment_id, number__lt=checkin.number)
        .exclude(status=CheckInStatus.OPEN)
        .order_by("-number")
    )


def team_has_members(enrolment):
    """Whether anyone still holds a seat on the team (a team that left the cohort has none)."""
    return Seat.objects.current().filter(enrolment=enrolment).exists()


def community_cohorts_for(user):
    """The cohorts whose community-of-practice page the person may open: those they are on a
    team in or facilitate, every cohort for staff. Never a planning partner's."""
    if is_alliance_staff(user):
        return Cohort.objects.select_related("program")
    ways = (TakingPart.TEAM, TakingPart.FACILITATOR)
    return Cohort.objects.taking_part(user, ways).select_related("program")


def get_community_cohort_for(user, pk):
    return get_object_or_404(community_cohorts_for(user), pk=pk)


def shared_highlights(cohort):
    """The cohort's submitted check-ins whose teams chose to share them, the latest first, with
    their team (one query)."""
    return (
        CheckIn.objects.filter(enrolment__cohort=cohort, shared=True)
        .exclude(status=CheckInStatus.OPEN)
        .select_related("enrolment__organisation")
        .order_by("-submitted_at", "-pk")
    )


@dataclass(frozen=True)
class Community:
    """What one person sees on a cohort's community-of-practice page. Teams see each other's
    highlights only once they share their own (`opted_in`); the cohort's facilitators and
    staff see every shared one (`reviews`)."""

    cohort: Cohort
    reviews: bool
    own_teams: list
    opted_in: bool
    highlights: list


def community_of(user, cohort):
    reviews = is_alliance_staff(user) or cohort.has_person(user, (TakingPart.FACILITATOR,))
    shared = list(shared_highlights(cohort))
    own_teams = list(
        Enrolment.objects.filter(
            cohort=cohort, pk__in=Seat.objects.held_by(user).values("enrolment")
        ).select_related("organisation")
    )
    own = {team.pk for team in own_teams}
    opted_in = any(checkin.enrolment_id in own for checkin in shared)
    return Community(
        cohort=cohort,
        reviews=reviews,
        own_teams=own_teams,
        opted_in=opted_in,
        highlights=shared if reviews or opted_in else [],
    )


def former_members_checkin(user, pk):
    """The check-in, when the person once held a seat on its team and holds none now (the
    team left the cohort, or they left the team); else None."""
    return (
        CheckIn.objects.filter(pk=pk, enrolment__seats__person=user)
        .exclude(enrolment__in=Seat.objects.held_by(user).values("enrolment"))
        .select_related("enrolment__organisation", "enrolment__cohort")
        .first()
    )
