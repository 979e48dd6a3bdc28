from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """The ledger: one row for every message the portal will send or has sent.

    Planned in the same transaction as the change that causes it; claimed by the minute
    beat with a lease (in its QueueEntry); sent outside any transaction; marked sent. The
    unique key (kind, object, recipient, slot) makes a second copy impossible.

    `state` says what happened: scheduled (waiting, or claimed by a worker that has not
    started it), sending (a send started), sent, failed, cancelled.
    """

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=40)
    # Foreign keys without their own index: the composite indexes below lead with them,
    # and every index costs each write of a row (planning, starting a send, marking it sent).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,
    )
    to_email = models.EmailField(_("to"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    slot = models.CharField(
        _("slot"),
        max_length=40,
        help_text=_("Which of the object's messages this is: a reminder offset, a change number."),
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        db_index=False,
    )
    payload = models.JSONField(default=dict, blank=True)
    due_at = models.DateTimeField(_("due"))
    not_before = models.DateTimeField(_("next attempt"))
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    revision = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                # Leads with the object, so it also serves "every row about this object".
                fields=["content_type", "object_id", "kind", "to_email", "slot"],
                name="one_notification_per_slot",
            ),
        ]
        # None of them is written by a claim: it writes only the queue (QueueEntry).
        indexes = [
            # The Outbox's scheduled rows, next first, and their count. Partial, so it stays
            # small however long the ledger grows.
            models.Index(
                fields=["not_before"],
                condition=Q(state="scheduled"),
                name="notification_next",
            ),
            models.Index(fields=["due_at"], name="notification_by_due"),
            models.Index(fields=["recipient", "due_at"]),
            models.Index(fields=["cohort", "due_at"]),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to_email} ({self.get_state_display()})"

    @property
    def message_id(self):
        """Stable per row and sending: a retry of the same send keeps it."""
        return f"<notification-{self.pk}.{self.revision}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


class QueueEntry(models.Model):
    """A ledger row still to go: waiting for its next attempt, or claimed by a worker.

    The claim's queue, narrow and apart from the wide ledger row: a claim writes only this
    (the end of its lease and its token), never the ledger row nor the ledger's indexes
    (bench/claim.py). A row enters when it is planned (or planned again) and leaves when it
    is sent, fails for good or is cancelled; the services keep it so, and the ledger has
    the last word: a worker skips an entry whose row is no longer open.
    """

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, primary_key=True, related_name="queue_entry"
    )
    # When a claimer may take it: the row's next attempt, or the end of the lease it is
    # under, so that a row whose worker died is due again once its lease runs out.
    not_before = models.DateTimeField()
    claim_token = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [models.Index(fields=["not_before"], name="notification_due")]

    def __str__(self):
        return f"{self.notification_id} from {self.not_before:%Y-%m-%d %H:%M:%S}"


class MutedKind(models.Model):
    """A kind of message an address has turned off. No row: the kind is on.

    Keyed by address, not account, so the unsubscribe link of an invitation works too.
    """

    email = models.EmailField()
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="mute_kind_once"),
        ]

    def __str__(self):
        return f"{self.email} muted {self.kind}"


class KindPreference(models.Model):
    """How a person gets one kind of message: each as it happens, or in one daily digest.
    No row: as it happens. Only digestible kinds offer the choice (kinds.Kind.digestible)."""

    class Delivery(models.TextChoices):
        AT_ONCE = "at_once", _("As it happens")
        DIGEST = "digest", _("In one daily digest")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kind_preferences",
        db_index=False,  # the unique constraint leads with it
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(
        _("delivery"), max_length=16, choices=Delivery, default=Delivery.AT_ONCE
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.kind}: {self.delivery}"


class DigestItem(models.Model):
    """Something that happened, kept for a person's daily digest (services.notify).

    The digest that lists it claims it (`digest`) when it is sent, under the lock of its
    ledger row: an item is listed in one digest only, and one not yet listed waits for the
    next. Unique like the ledger's key, so telling of the same thing twice records it once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_items",
        db_index=False,  # the unique constraint and the index below lead with it
    )
    kind = models.CharField(_("kind"), max_length=40)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, db_index=False)
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    slot = models.CharField(_("slot"), max_length=40)
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="digest_items",
        db_index=False,
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    digest = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_items",
    )

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "slot"],
                name="one_digest_item_per_slot",
            ),
        ]
        indexes = [
            # What a digest claims: the person's items not yet listed, up to its due time.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(digest__isnull=True),
                name="digest_item_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id} at {self.created_at:%Y-%m-%d %H:%M}"
