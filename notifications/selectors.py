import re
from datetime import timedelta

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import Cohort, TakingPart
from cohorts.rules import is_alliance_staff
from notifications.models import MutedKind, Notification


def outbox_for(user):
    """Staff see every message; facilitators those of their own cohorts; others none."""
    rows = Notification.objects.select_related("recipient", "cohort", "content_type")
    if is_alliance_staff(user):
        return rows
    return rows.filter(cohort__in=Cohort.objects.taking_part(user, (TakingPart.FACILITATOR,)))


def get_outbox_row_for(user, pk):
    return get_object_or_404(outbox_for(user), pk=pk)


def filtered_outbox(user, *, state="", kind="", cohort="", recipient=""):
    rows = outbox_for(user)
    if state in Notification.State.values:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if re.fullmatch(r"[0-9]{1,9}", cohort):
        rows = rows.filter(cohort_id=int(cohort))
    if recipient:
        rows = rows.filter(
            Q(to_email__icontains=recipient) | Q(recipient__full_name__icontains=recipient)
        )
    if state == Notification.State.SCHEDULED:
        return rows.order_by("not_before", "pk")  # what goes next, first (notification_due)
    # By due time, latest first, within any filter (notification_by_due; a column the claim
    # never writes, so the index costs the claim nothing).
    return rows.order_by("-due_at", "-pk")


def my_notifications(user, limit=10):
    """What the portal will send a person, and what it sent them lately."""
    # By the person's account (an index leads with it); their address may have changed.
    mine = Notification.objects.filter(recipient=user).select_related("cohort")
    muted = MutedKind.objects.filter(email=user.email.lower()).values("kind")
    upcoming = (
        mine.filter(state=Notification.State.SCHEDULED)
        .exclude(kind__in=muted)
        .order_by("due_at")[:limit]
    )
    recent = mine.filter(
        state=Notification.State.SENT, sent_at__gte=timezone.now() - timedelta(days=60)
    ).order_by("-sent_at")[:limit]
    return list(upcoming), list(recent)
