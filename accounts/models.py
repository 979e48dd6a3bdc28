import secrets
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import DEFAULT_TIME_ZONE, validate_time_zone
from cohorts.choices import TeamRole

STAFF_GROUP = "Alliance staff"


class UserQuerySet(models.QuerySet):
    def staff(self):
        """Alliance staff, defined once: superusers and members of the staff group."""
        return self.filter(
            models.Q(is_superuser=True)
            | models.Q(
                pk__in=User.groups.through.objects.filter(group__name=STAFF_GROUP).values("user")
            )
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields["is_superuser"] = True
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; roles come from data (groups, cohorts, seats)."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def is_alliance_staff(self):
        """Alliance staff is a group, not a flag: membership is granted by invitation."""
        if self.is_superuser:
            return True
        return type(self).objects.staff().filter(pk=self.pk).exists()

    @property
    def is_staff(self):
        """Django's admin and its helpers ask for is_staff: it means Alliance staff here."""
        return self.is_active and self.is_alliance_staff


class InvitationQuerySet(models.QuerySet):
    def unused(self):
        """Neither accepted nor revoked (at most one per address: a database constraint)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def open(self):
        """Unused and not expired: the link still works."""
        return self.unused().filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.unused().filter(expires_at__lte=timezone.now())


def new_invitation_key():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An email address invited into a role. Accepting it creates or extends an account."""

    class Kind(models.TextChoices):
        TEAM = "team", _("State team member")
        FACILITATOR = "facilitator", _("Facilitator")
        PARTNER = "partner", _("Planning partner")
        STAFF = "staff", _("Alliance staff")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the person")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    language = models.CharField(
        _("language of the email"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    organisation = models.ForeignKey(
        "cohorts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    team_role = models.CharField(_("team role"), max_length=32, blank=True, choices=TeamRole)
    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    key = models.CharField(max_length=64, unique=True, default=new_invitation_key, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many times it was (re)sent; each is one ledger message.")
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="team")
                | models.Q(organisation__isnull=False) & ~models.Q(team_role=""),
                name="team_invitation_has_organisation_and_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="facilitator") | models.Q(cohort__isnull=False),
                name="facilitator_invitation_has_cohort",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="partner") | models.Q(organisation__isnull=False),
                name="partner_invitation_has_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        if not self.expires_at:
            self.expires_at = self.created_at + timedelta(days=settings.INVITATION_DAYS)
        super().save(*args, **kwargs)

    @property
    def status(self):
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_open(self):
        return self.status == self.Status.PENDING
