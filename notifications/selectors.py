import re
from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts.models import Cohort, TakingPart
from cohorts.rules import is_alliance_staff
from notifications import kinds
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
        return rows.order_by("not_before", "pk")  # what goes next, first (notification_next)
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
    upcoming, recent = list(upcoming), list(recent)
    labelled = with_labels([*upcoming, *recent])  # one read of the sessions for both lists
    return labelled[: len(upcoming)], labelled[len(upcoming) :]


def with_labels(rows):
    """The rows, each with `about_label`: what it is about in words (a session's number, title
    and time in the viewer's zone), or "" when its kind does not say. The objects are read in
    one query per content type, whatever the number of rows; each kind's describe() words
    them."""
    rows = list(rows)
    groups = defaultdict(set)  # (content type, describe) → object ids
    for row in rows:
        describe = getattr(kinds.REGISTRY.get(row.kind), "describe", None)
        if describe is not None:
            groups[(row.content_type_id, describe)].add(row.object_id)
    wanted = defaultdict(set)  # content type → object ids, whichever kind
    for (type_id, _describe), ids in groups.items():
        wanted[type_id] |= ids
    objects = {}
    for type_id, ids in wanted.items():
        # get_for_id is cached: no query for the content type itself.
        content_type = ContentType.objects.get_for_id(type_id)
        found = content_type.get_all_objects_for_this_type(pk__in=ids)
        objects[type_id] = {obj.pk: obj for obj in found}
    labels = {}
    for (type_id, describe), ids in groups.items():
        described = describe([objects[type_id][pk] for pk in ids if pk in objects[type_id]])
        labels.update({(type_id, pk): label for pk, label in described.items()})
    for row in rows:
        row.about_label = labels.get((row.content_type_id, row.object_id), "")
    return rows
