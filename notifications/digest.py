"""The daily digest: one email at 8:00 in a person's zone listing what happened since their
last digest, for the kinds they chose to get that way (services.notify plans it).

Re-checked at send time like any message, under the lock of its ledger row: it claims the
person's items recorded up to its due time and not yet listed (a retry keeps its own), and
is cancelled when nothing is left to list.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications import kinds
from notifications.emails import render_plain
from notifications.models import DigestItem, MutedKind, Notification
from notifications.services import DAILY_DIGEST

NOTHING_HAPPENED = gettext_noop("Nothing happened since the last digest.")


def _claim(row):
    """The person's items up to the digest's due time that no digest has listed yet become
    this digest's."""
    DigestItem.objects.filter(
        recipient=row.recipient_id, created_at__lte=row.due_at, digest__isnull=True
    ).update(digest=row)


def _item_row(item, row):
    """The item as the ledger row its kind's context and re-check expect (never saved)."""
    return Notification(
        kind=item.kind,
        recipient=row.recipient,
        to_email=row.to_email,
        content_type_id=item.content_type_id,
        object_id=item.object_id,
        slot=item.slot,
        cohort_id=item.cohort_id,
        payload=item.payload,
        due_at=item.created_at,
        not_before=item.created_at,
    )


def entries(row):
    """[(item, its kind, its object, its stand-in row)] this digest lists, oldest first:
    the items it claimed whose kind is still known and on for the address, whose object
    still exists and whose kind's re-check still holds. One query per content type."""
    items = list(
        DigestItem.objects.filter(digest=row)
        .exclude(kind__in=MutedKind.objects.filter(email=row.to_email).values("kind"))
        .order_by("created_at", "pk")
    )
    wanted = defaultdict(set)
    for item in items:
        wanted[item.content_type_id].add(item.object_id)
    objects = {}
    for type_id, ids in wanted.items():
        found = ContentType.objects.get_for_id(type_id).get_all_objects_for_this_type(pk__in=ids)
        objects.update({(type_id, obj.pk): obj for obj in found})
    listed = []
    for item in items:
        kind = kinds.REGISTRY.get(item.kind)
        obj = objects.get((item.content_type_id, item.object_id))
        if kind is None or obj is None:
            continue
        stand_in = _item_row(item, row)
        if kind.still_applies(stand_in, obj):
            continue
        listed.append((item, kind, obj, stand_in))
    return listed


def still_applies(row, person):
    _claim(row)
    return None if entries(row) else NOTHING_HAPPENED


def context(row, person):
    """The listed items grouped by kind (in the order the kinds first appear), each with its
    subject line from its kind's own subject.txt and a link to its object."""
    base = {
        "person": person,
        "site_url": settings.SITE_URL,
    }
    groups = {}
    for item, kind, obj, stand_in in entries(row):
        item_context = {**base, "row": stand_in, "obj": obj, "kind": kind}
        item_context.update(kind.context(stand_in, obj))
        subject = " ".join(render_plain(f"{kind.template_dir}/subject.txt", item_context).split())
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        groups.setdefault(kind.code, {"kind": kind, "items": []})["items"].append(
            {
                "subject": subject,
                "url": settings.SITE_URL + url if url else "",
                "at": item.created_at,
            }
        )
    groups = list(groups.values())
    return {"groups": groups, "count": sum(len(group["items"]) for group in groups)}


def describe(people):
    return {person.pk: _("Daily digest for %(person)s") % {"person": person} for person in people}


def register():
    kinds.register(
        kinds.Kind(
            code=DAILY_DIGEST,
            label=_("Daily digest"),
            description=_(
                "At 8:00 in your time zone, one email listing what happened since the last "
                "one, for the kinds of email you chose to get that way. None on a quiet day."
            ),
            context=context,
            still_applies=still_applies,
            describe=describe,
        )
    )
