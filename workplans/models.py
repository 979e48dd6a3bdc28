"""A state team's working space: its self-assessments against its program's rubric, its
workplan (goals, action items, their progress and the facilitators' comments) and the help it
asks of planning partners.

Every row hangs from an enrolment (one organisation in one cohort), so "whose is this" is
always the enrolment's team, and scoping is done once, in selectors.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.choices import FocusArea
from cohorts.models import Enrolment, Organisation, Program
from workplans.choices import (
    ActionStatus,
    AssessmentStatus,
    ChangedField,
    CheckInStatus,
    Confidence,
    GoalFocus,
    Phase,
    SupportStatus,
    SupportStep,
    WorkplanStatus,
)

LEVELS = (1, 2, 3, 4)


def _person(related_name="+", **kwargs):
    """A person who did something: kept as history, so their leaving keeps the row."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        **kwargs,
    )


# Self-assessment -----------------------------------------------------------------------------


class Rubric(models.Model):
    """A program's self-assessment, as data: dimensions, each with four described levels."""

    program = models.OneToOneField(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="rubric"
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return self.title


class Dimension(models.Model):
    """One row of a rubric: what is assessed, and what each level 1–4 looks like."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    level_1 = models.TextField(_("level 1"))
    level_2 = models.TextField(_("level 2"))
    level_3 = models.TextField(_("level 3"))
    level_4 = models.TextField(_("level 4"))

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["rubric", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "name"], name="dimension_name_per_rubric"),
        ]

    def __str__(self):
        return self.name

    @property
    def levels(self):
        """[(1, descriptor), … (4, descriptor)]."""
        return [(level, getattr(self, f"level_{level}")) for level in LEVELS]


class SelfAssessment(models.Model):
    """A team's answers to its program's rubric, at the start or at the end of the cohort:
    saved as a draft as they go, submitted once (a facilitator can reopen it)."""

    Phase = Phase
    Status = AssessmentStatus

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="self_assessments"
    )
    phase = models.CharField(_("when"), max_length=8, choices=Phase)
    status = models.CharField(
        _("status"), max_length=12, choices=AssessmentStatus, default=AssessmentStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = _person()
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = _person()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["enrolment", "phase"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "phase"], name="one_assessment_per_phase"),
        ]

    def __str__(self):
        return f"{self.enrolment} — {self.get_phase_display()}"

    def get_absolute_url(self):
        return reverse("workplans:assessment", args=[self.enrolment_id, self.phase])

    @property
    def is_submitted(self):
        return self.status == AssessmentStatus.SUBMITTED


class Rating(models.Model):
    """The level a team gives itself on one dimension, with why."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    note = models.TextField(_("why this level"), blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_rating_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=4),
                name="rating_level_1_to_4",
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.level or '—'}"


# Workplan ------------------------------------------------------------------------------------


class Workplan(models.Model):
    """A team's state workplan: one per enrolment."""

    Status = WorkplanStatus

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="workplan")
    status = models.CharField(
        _("status"), max_length=12, choices=WorkplanStatus, default=WorkplanStatus.DRAFT
    )
    # The team opts in; it shows only while the cohort shares workplans (Cohort.shares_workplans).
    shared = models.BooleanField(_("share with the other teams of the cohort"), default=False)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    submitted_by = _person()
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = _person()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("workplan")
        verbose_name_plural = _("workplans")

    def __str__(self):
        return str(self.enrolment)

    def get_absolute_url(self):
        return reverse("workplans:workplan", args=[self.enrolment_id])


class Goal(models.Model):
    Focus = GoalFocus

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    focus_area = models.CharField(_("focus area"), max_length=32, choices=GoalFocus)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    # Raised by every save: a save that started from an older version is told, not applied.
    version = models.PositiveIntegerField(default=1)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = _person()
    created_by = _person()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Who saved the version stored now: named when a stale save is refused.
    updated_by = _person()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["workplan", "position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplans:workplan", args=[self.workplan.enrolment_id]) + f"#goal-{self.pk}"


class ActionItemQuerySet(models.QuerySet):
    """The one definition of a done and of an overdue action item, for every page and export
    that counts them in the database (ActionItem.is_overdue is the same rule for one row)."""

    def done(self):
        return self.filter(status=ActionStatus.DONE)

    def overdue(self, today):
        return self.exclude(status=ActionStatus.DONE).filter(due_on__lt=today)


class ActionItem(models.Model):
    Status = ActionStatus

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("title"), max_length=200)
    # A team member; empty when nobody owns it (or its owner left the team).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus, default=ActionStatus.NOT_STARTED
    )
    blocked_reason = models.TextField(_("why it is blocked"), blank=True)
    version = models.PositiveIntegerField(default=1)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = _person()
    created_by = _person()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = _person()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["goal", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.BLOCKED) | ~Q(blocked_reason=""),
                name="blocked_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workplans:action_item", args=[self.pk])

    def is_overdue(self, today=None):
        """Past its due date and not done (today in the viewer's zone, when given)."""
        today = today or timezone.localdate()
        return self.due_on is not None and self.due_on < today and self.status != ActionStatus.DONE


class ProgressUpdate(models.Model):
    """One change to an action item: who, when, what from → to, and why. Never edited."""

    Field = ChangedField

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="updates")
    action_item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    field = models.CharField(_("what changed"), max_length=12, choices=ChangedField)
    # As stored (a status code, a person's id, an ISO date); shown through the field's labels.
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = _person()
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["workplan", "-at"]),
            models.Index(fields=["action_item", "-at"]),
        ]

    def __str__(self):
        return f"{self.action_item}: {self.get_field_display()} {self.old_value} → {self.new_value}"


class Comment(models.Model):
    """A facilitator's (or the team's answer) on a goal or an action item."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="comments")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = _person()
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | Q(action_item__isnull=False),
                name="comment_is_about_something",
            ),
        ]
        indexes = [models.Index(fields=["workplan", "created_at"])]

    def __str__(self):
        return self.body[:60]


class WorkplanSnapshot(models.Model):
    """The workplan as it stood when the cohort ended, frozen for later check-ins."""

    workplan = models.OneToOneField(Workplan, on_delete=models.CASCADE, related_name="snapshot")
    taken_at = models.DateTimeField(default=timezone.now)
    # {"goals": [{"id", "title", "focus_area", "target_date",
    #             "action_items": [{"id", "title", "owner", "due_on", "status"}]}]}
    data = models.JSONField()

    class Meta:
        verbose_name = _("workplan snapshot")
        verbose_name_plural = _("workplan snapshots")

    def __str__(self):
        return f"{self.workplan} ({self.taken_at:%Y-%m-%d})"


# Support from planning partners ----------------------------------------------------------------


class SupportRequest(models.Model):
    """A team asks a planning partner for help; staff or the partner assign it to a person,
    who accepts it, logs the help given and closes it. The team can reopen it."""

    Status = SupportStatus
    FocusArea = FocusArea

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="support_requests"
    )
    focus_area = models.CharField(_("focus area"), max_length=32, choices=FocusArea)
    need = models.TextField(_("what you need"))
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("planning partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_support_requests",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SupportStatus, default=SupportStatus.OPEN
    )
    requested_by = _person()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.enrolment.organisation} — {self.get_focus_area_display()}"

    def get_absolute_url(self):
        return reverse("workplans:support_request", args=[self.pk])


class SupportEvent(models.Model):
    """One step of a support request, shown to both sides: asked, assigned, accepted, help
    given (with its date and hours), closed, reopened."""

    Step = SupportStep

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=12, choices=SupportStep)
    by = _person()
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    given_on = models.DateField(_("date of the help"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    # The person an "assigned" step gave the request to (the timeline says to whom).
    assigned_to = _person(verbose_name=_("assigned to"))

    class Meta:
        verbose_name = _("support step")
        verbose_name_plural = _("support steps")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(step=SupportStep.HELPED)
                | Q(given_on__isnull=False, hours__isnull=False, hours__gt=0),
                name="help_has_date_and_hours",
            ),
        ]

    def __str__(self):
        return f"{self.request}: {self.get_step_display()}"


# "Since your last visit" ----------------------------------------------------------------------


class TeamVisit(models.Model):
    """When a person last looked at their team's home page: what arrived since is news."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_visits"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="visits")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "enrolment"], name="one_visit_per_team"),
        ]

    def __str__(self):
        return f"{self.person} saw {self.enrolment} at {self.seen_at}"


# After the cohort: check-ins --------------------------------------------------------------------


class CheckInQuerySet(models.QuerySet):
    """The one definition of an overdue check-in (open, past its due date), in the database
    (CheckIn.days_overdue is the same rule for one row)."""

    def overdue(self, today):
        return self.filter(status=CheckInStatus.OPEN, due_on__lt=today)


class CheckIn(models.Model):
    """One of the periodic check-ins that follow a cohort, planned from its program's cadence:
    due on a date, saved as a draft, submitted once (a facilitator can reopen it), reviewed."""

    Status = CheckInStatus
    Confidence = Confidence

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="checkins")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due"))
    # The date the cadence gave it; due_on differs once a facilitator grants an extension.
    planned_due_on = models.DateField(_("planned due date"))
    extension_reason = models.TextField(_("why it was extended"), blank=True)
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extended_by = _person()
    status = models.CharField(
        _("status"), max_length=12, choices=CheckInStatus, default=CheckInStatus.OPEN
    )
    what_changed = models.TextField(_("what changed since the last check-in"), blank=True)
    whats_next = models.TextField(_("what's next"), blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence, null=True, blank=True
    )
    # The team's choice: its highlights show on the cohort's community-of-practice page.
    shared = models.BooleanField(_("share the highlights with the cohort"), default=False)
    version = models.PositiveIntegerField(default=1)
    updated_by = _person()
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = _person()
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = _person()
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = _person()
    review_comment = models.TextField(_("facilitator's comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["enrolment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "number"], name="one_checkin_per_number"),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=1, confidence__lte=5),
                name="checkin_confidence_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.enrolment} — {self.number}"

    def get_absolute_url(self):
        return reverse("workplans:checkin", args=[self.pk])

    @property
    def is_submitted(self):
        return self.status != CheckInStatus.OPEN

    def days_overdue(self, today=None):
        """How many days past its due date an open check-in is (0 when it is not)."""
        if self.is_submitted:
            return 0
        return max(0, ((today or timezone.localdate()) - self.due_on).days)


class CheckInGoal(models.Model):
    """Where one goal of the workplan's snapshot stands at a check-in."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="goals")
    # The goal's id in the snapshot (WorkplanSnapshot.data), and its title as it was frozen.
    goal_key = models.PositiveIntegerField()
    title = models.CharField(_("goal"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("check-in goal")
        verbose_name_plural = _("check-in goals")
        ordering = ["checkin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "goal_key"], name="one_row_per_goal"),
        ]

    def __str__(self):
        return self.title
