from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.choices import (
    STATE_CHOICES,
    STATE_NAMES,
    STATE_TIME_ZONES,
    CohortStatus,
    FocusArea,
    OrganisationKind,
    TeamRole,
)


def default_reminder_offsets():
    """A week before and a day before."""
    return [7 * 24 * 60, 24 * 60]


OFFSET_UNITS = {"d": 24 * 60, "h": 60, "m": 1}


def format_offsets(offsets):
    """[10080, 1440, 120] → "7d, 1d, 2h": how reminder times are typed and shown."""
    parts = []
    for minutes in offsets:
        unit = next(u for u, size in OFFSET_UNITS.items() if minutes % size == 0)
        parts.append(f"{minutes // OFFSET_UNITS[unit]}{unit}")
    return ", ".join(parts)


class Organisation(models.Model):
    """A state grantee, a planning partner or a funder."""

    Kind = OrganisationKind

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind)
    state = models.CharField(
        _("state or territory"), max_length=2, blank=True, choices=STATE_CHOICES
    )
    focus_area = models.CharField(_("focus area"), max_length=32, blank=True, choices=FocusArea)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.STATE_GRANTEE) | ~Q(state=""),
                name="grantee_has_state",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganisationKind.PLANNING_PARTNER) | ~Q(focus_area=""),
                name="partner_has_focus_area",
            ),
        ]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:organisation_detail", args=[self.pk])

    def clean(self):
        """An organisation keeps its kind while it holds a place of that kind: an enrolled
        organisation turned partner would give its team partner scope, and an assigned partner
        turned grantee would sit in cohorts as a partner that is not one."""
        if self.pk is None:
            return
        if self.kind != OrganisationKind.STATE_GRANTEE and self.enrolments.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "This organisation is enrolled in a cohort, so it stays a state grantee."
                    )
                }
            )
        if self.kind != OrganisationKind.PLANNING_PARTNER and self.partner_cohorts.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "This organisation is a planning partner of a cohort, so it stays a "
                        "planning partner. Take it off those cohorts first."
                    )
                }
            )

    @property
    def default_time_zone(self):
        return STATE_TIME_ZONES.get(self.state)

    def get_state_display(self):
        """Django's own looks the name up in all 56 lazily translated choices on every call,
        which a list of organisations pays for on each row."""
        return STATE_NAMES.get(self.state, self.state)


class MembershipQuerySet(models.QuerySet):
    def in_partners(self):
        """Memberships of planning-partner organisations (they give partner scope)."""
        return self.filter(organisation__kind=OrganisationKind.PLANNING_PARTNER)


class Membership(models.Model):
    """A person in an organisation, with the role they hold there."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=TeamRole, default=TeamRole.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="one_membership"),
        ]

    def __str__(self):
        return f"{self.person} — {self.organisation}"


class Program(models.Model):
    """A learning program, as data: staff add programs without code."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    summary = models.TextField(_("summary"))
    learning_goals = models.TextField(_("learning goals"), blank=True)
    months = models.PositiveSmallIntegerField(_("length in months"))
    session_count = models.PositiveSmallIntegerField(_("number of learning sessions"))
    min_organisations = models.PositiveSmallIntegerField(_("fewest organisations per cohort"))
    max_organisations = models.PositiveSmallIntegerField(_("most organisations per cohort"))
    team_size = models.PositiveSmallIntegerField(_("team size"))
    required_roles = models.JSONField(_("required team roles"), default=list, blank=True)
    checkin_every_months = models.PositiveSmallIntegerField(
        _("months between check-ins after the cohort"), default=3
    )
    checkin_count = models.PositiveSmallIntegerField(
        _("number of check-ins after the cohort"), default=4
    )
    reminder_offsets = models.JSONField(
        _("session reminders, in minutes before"),
        default=default_reminder_offsets,
        help_text=_("Whole days (multiples of 1440) keep the session's local time."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(months__gte=1), name="program_months_positive"),
            models.CheckConstraint(condition=Q(session_count__gte=1), name="program_has_sessions"),
            models.CheckConstraint(
                condition=Q(min_organisations__gte=1)
                & Q(max_organisations__gte=F("min_organisations")),
                name="program_organisation_range",
            ),
            models.CheckConstraint(condition=Q(team_size__gte=1), name="program_team_size"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cohorts:program_detail", args=[self.pk])

    def get_reminder_offsets_display(self):
        return format_offsets(self.reminder_offsets)

    def get_required_roles_display(self):
        labels = dict(TeamRole.choices)
        return [labels[role] for role in self.required_roles if role in labels]


class TakingPart(models.TextChoices):
    """The three ways a person takes part in a cohort."""

    TEAM = "team", _("team member")
    FACILITATOR = "facilitator", _("facilitator")
    PARTNER = "partner", _("planning partner")


ALL_WAYS = tuple(TakingPart)


def _taking_part_links(ways):
    """Who takes part in which cohort, written once: for each way, the rows that link a person
    to a cohort, the column naming the person and the column naming the cohort."""
    links = {
        TakingPart.TEAM: (Seat.objects.current(), "person", "enrolment__cohort"),
        TakingPart.FACILITATOR: (Cohort.facilitators.through.objects.all(), "user", "cohort"),
        TakingPart.PARTNER: (
            Membership.objects.in_partners(),
            "person",
            "organisation__partner_cohorts",
        ),
    }
    return [links[way] for way in ways]


class CohortQuerySet(models.QuerySet):
    def taking_part(self, person, ways=ALL_WAYS):
        """The cohorts a person takes part in: on a team (a current seat), as a facilitator, or
        as a member of an assigned planning partner."""
        condition = Q()
        for rows, person_column, cohort_column in _taking_part_links(ways):
            condition |= Q(pk__in=rows.filter(**{person_column: person}).values(cohort_column))
        return self.filter(condition)

    def people(self, ways=ALL_WAYS):
        """Everyone who takes part in these cohorts (active accounts only)."""
        cohorts = self.values("pk")
        condition = Q()
        for rows, person_column, cohort_column in _taking_part_links(ways):
            condition |= Q(
                pk__in=rows.filter(**{f"{cohort_column}__in": cohorts}).values(person_column)
            )
        return get_user_model().objects.filter(condition, is_active=True)


class Cohort(models.Model):
    """One run of a program, with its dates, facilitators and planning partners."""

    Status = CohortStatus

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=CohortStatus, default=CohortStatus.PLANNED
    )
    shares_workplans = models.BooleanField(
        _("teams share their workplans with each other"), default=False
    )
    reminder_offsets = models.JSONField(
        _("session reminders, in minutes before"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the program's."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_cohorts",
        blank=True,
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("planning partners"),
        related_name="partner_cohorts",
        blank=True,
        limit_choices_to={"kind": OrganisationKind.PLANNING_PARTNER},
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_start"
            ),
            models.UniqueConstraint(fields=["program", "name"], name="cohort_name_per_program"),
        ]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboard:cohort_detail", args=[self.pk])

    @staticmethod
    def default_end(program, starts_on):
        return starts_on + relativedelta(months=program.months)

    def people(self, ways=ALL_WAYS):
        return Cohort.objects.filter(pk=self.pk).people(ways)

    def has_person(self, person, ways=ALL_WAYS):
        if not person.is_authenticated:
            return False
        read = self.__dict__.get("_people_read", {}).get((person.pk, tuple(ways)))
        if read is not None:  # read with the cohort (takes_part): no query
            return read
        if tuple(ways) == (TakingPart.FACILITATOR,):
            read = getattr(self, "_prefetched_objects_cache", {}).get("facilitators")
            if read is not None:  # the facilitators a page already read: no query
                return any(facilitator.pk == person.pk for facilitator in read)
        return Cohort.objects.filter(pk=self.pk).taking_part(person, ways).exists()

    def read_person(self, person, ways, answer):
        """Keep has_person's answer for `person` and `ways`, read by a selector in the same
        query as the cohort (an annotation of takes_part)."""
        self.__dict__.setdefault("_people_read", {})[(person.pk, tuple(ways))] = answer


def takes_part(person, ways, cohort="cohort_id"):
    """Cohort.has_person as an expression (the same rule, Cohort.objects.taking_part), to read
    it with a cohort or with something of a cohort's (an annotation); then
    Cohort.read_person keeps the answer. `cohort`: the outer query's column naming the
    cohort."""
    return models.Exists(
        Cohort.objects.filter(pk=models.OuterRef(cohort)).taking_part(person, ways)
    )


class Enrolment(models.Model):
    """An organisation in a cohort, with its team (the seats)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enrolments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="enrol_once_per_cohort"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.cohort}"

    def get_absolute_url(self):
        return reverse("cohorts:enrolment_detail", args=[self.pk])


class SeatQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)

    def held_by(self, person):
        return self.current().filter(person=person)


class Seat(models.Model):
    """A place on a team, held by one person in one role for a stretch of time.

    A change never edits history: the old seat is ended and a new one begins.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(_("team role"), max_length=32, choices=TeamRole)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("team seat")
        verbose_name_plural = _("team seats")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "person"],
                condition=Q(ended_at__isnull=True),
                name="one_current_seat_per_person",
            ),
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(ended_at__isnull=True, role=TeamRole.EXECUTIVE_DIRECTOR),
                name="one_current_executive_director",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="seat_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "enrolment"],
                condition=Q(ended_at__isnull=True),
                name="current_seat_by_person",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    @property
    def is_current(self):
        return self.ended_at is None
