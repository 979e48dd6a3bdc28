from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """When a team takes its self-assessment: at the start of the cohort and at its end."""

    START = "start", _("Start of the cohort")
    END = "end", _("End of the cohort")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class WorkplanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEWED = "reviewed", _("Reviewed")


class GoalFocus(models.TextChoices):
    """What a goal of a state workplan is about."""

    LEADERSHIP = "leadership", _("Leadership and staff")
    POLICY = "policy", _("Policies and practices")
    DATA = "data", _("Data disaggregation")
    COMMUNITY = "community", _("Community and family voice")
    POWER = "power", _("Power sharing")
    COMMUNICATIONS = "communications", _("Communications")


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")


class ChangedField(models.TextChoices):
    """What a progress update records."""

    CREATED = "created", _("Added")
    STATUS = "status", _("Status")
    OWNER = "owner", _("Owner")
    DUE_ON = "due_on", _("Due date")


class SupportStatus(models.TextChoices):
    OPEN = "open", _("Waiting to be assigned")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


class SupportStep(models.TextChoices):
    """One step of a support request's life, as the team and the partner see it."""

    ASKED = "asked", _("Asked")
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Accepted")
    HELPED = "helped", _("Help given")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class CheckInStatus(models.TextChoices):
    """What the team did with a check-in. Upcoming, due and overdue follow from its date."""

    OPEN = "open", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")


class Confidence(models.IntegerChoices):
    """How sure the team is of reaching its goals by the next check-in."""

    VERY_LOW = 1, _("Not at all confident")
    LOW = 2, _("Slightly confident")
    MEDIUM = 3, _("Somewhat confident")
    HIGH = 4, _("Confident")
    VERY_HIGH = 5, _("Very confident")
