import secrets
from datetime import timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ATTENDANCE_OPENS = timedelta(minutes=30)


class LearningSessionQuerySet(models.QuerySet):
    def held(self, now=None):
        """The one definition of a held session: scheduled, started (by `now`), and with
        attendance taken. Attendance rates, "missed in a row" and the progress pages all
        count these."""
        marked = Attendance.objects.filter(session=models.OuterRef("pk")).exclude(mark="")
        return self.filter(
            models.Exists(marked),
            status=LearningSession.Status.SCHEDULED,
            starts_at__lte=now or timezone.now(),
        )


class LearningSession(models.Model):
    """One meeting of a cohort. Its start is stored in UTC; `sequence` rises on every change
    a calendar must see (RFC 5545 SEQUENCE)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Where(models.TextChoices):
        VIDEO = "video", _("Video call")
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")

    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.CASCADE, related_name="learning_sessions"
    )
    number = models.PositiveSmallIntegerField(_("number in the series"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)
    time_zone = models.CharField(
        _("planned in time zone"),
        max_length=64,
        help_text=_("The zone whose wall-clock time the session keeps."),
    )
    where = models.CharField(_("where"), max_length=16, choices=Where, default=Where.VIDEO)
    video_url = models.URLField(_("video link"), blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone number and code"), max_length=120, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_sessions",
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.SCHEDULED)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LearningSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning session")
        verbose_name_plural = _("learning sessions")
        ordering = ["starts_at", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "number"], name="session_number_per_cohort"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="session_length_sensible",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("sessions_app:session_detail", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self):
        return self.ends_at <= timezone.now()

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def attendance_opens_at(self):
        """Attendance can be taken from half an hour before the start (never once cancelled)."""
        return self.starts_at - ATTENDANCE_OPENS

    @property
    def attendance_is_open(self):
        return not self.is_cancelled and self.attendance_opens_at <= timezone.now()

    @property
    def uid(self):
        """Stable calendar identity: the same across reschedules and edits."""
        return f"session-{self.pk}@equity-cohort-portal"


class Reschedule(models.Model):
    """History of a session's moves: old time (and zone) → new time, who, why."""

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="reschedules"
    )
    old_starts_at = models.DateTimeField()
    old_time_zone = models.CharField(max_length=64, blank=True)
    new_starts_at = models.DateTimeField()
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # Set when the move was taken back within its notice's hold: nobody was told of it.
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.session}: {self.old_starts_at} → {self.new_starts_at}"


def material_path(instance, filename):
    name = PurePosixPath(filename).name
    folder = f"materials/{instance.session.cohort_id}/{instance.session_id}"
    return f"{folder}/{secrets.token_hex(8)}-{name}"


def _is_new_upload(file):
    """A stored file was checked when it came in: a later change of the limits leaves its
    material editable."""
    return not getattr(file, "_committed", False)


def validate_material_type(file):
    """Only the kinds of file the portal shares (settings.MATERIAL_EXTENSIONS)."""
    extension = PurePosixPath(file.name).suffix.lower().lstrip(".")
    if _is_new_upload(file) and extension not in settings.MATERIAL_EXTENSIONS:
        raise ValidationError(
            _("Files of type “.%(ext)s” can't be shared here. Allowed: %(types)s."),
            code="material_type",
            params={
                "ext": extension or "?",
                "types": ", ".join(sorted(settings.MATERIAL_EXTENSIONS)),
            },
        )


def validate_material_size(file):
    if _is_new_upload(file) and file.size > settings.MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; the most a file can be is %(limit)s."),
            code="material_size",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.MATERIAL_MAX_BYTES),
            },
        )


class Material(models.Model):
    """A file or a link attached to a session. Files are served only through a scoped view."""

    session = models.ForeignKey(LearningSession, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=material_path,
        blank=True,
        validators=[validate_material_type, validate_material_size],
    )
    url = models.URLField(_("link"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_is_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def filename(self):
        return PurePosixPath(self.file.name).name.split("-", 1)[-1] if self.file else ""

    @property
    def link_host(self):
        """The site a link material opens, said beside it."""
        return urlsplit(self.url).hostname or ""


class Attendance(models.Model):
    """One person at one session: their answer beforehand, the facilitator's mark after.

    A team member's row names their enrolment. A planning partner of the cohort answers too,
    without an enrolment, and is never marked: attendance is taken of the teams."""

    class Rsvp(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        NOT_ATTENDING = "not_attending", _("Can't attend")

    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        on_delete=models.CASCADE,
        related_name="attendances",
        null=True,
        blank=True,
    )
    rsvp = models.CharField(_("answer"), max_length=16, choices=Rsvp, blank=True)
    rsvp_note = models.CharField(_("note"), max_length=300, blank=True)
    mark = models.CharField(_("attendance"), max_length=16, choices=Mark, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_row"),
            models.CheckConstraint(
                condition=Q(enrolment__isnull=False) | Q(mark=""),
                name="only_team_members_are_marked",
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "session"])]

    def __str__(self):
        return f"{self.person} @ {self.session}"


class WrapUp(models.Model):
    """What a held session left behind, for the people who missed it: notes and a recording
    link (its materials are the session's). Saving it tells them (notices.wrap_up_written)."""

    session = models.OneToOneField(
        LearningSession, on_delete=models.CASCADE, related_name="wrap_up", primary_key=True
    )
    notes = models.TextField(_("notes"))
    recording_url = models.URLField(_("recording link"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wrap-up")
        verbose_name_plural = _("wrap-ups")

    def __str__(self):
        return f"Wrap-up of {self.session}"

    @property
    def recording_host(self):
        return urlsplit(self.recording_url).hostname or ""


class CalendarFeed(models.Model):
    """A person's private calendar subscription: a secret URL, revocable and regenerable."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.person}"

    def get_absolute_url(self):
        return reverse("sessions_app:feed", args=[self.token])
