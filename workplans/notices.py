"""The messages a team's working space causes. Each is planned through the ledger
(notifications.services.notify: as it happens, or in the person's daily digest) inside the
transaction of the change, and re-checked at send time."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cohorts.models import Seat, TakingPart
from notifications import kinds
from notifications import services as ledger
from workplans.choices import ActionStatus
from workplans.models import Comment, ProgressUpdate, Workplan


def register():
    for kind in [*WORKPLAN_KINDS, *SUPPORT_KINDS]:
        kinds.register(kind)


# Workplans: comments, status changes, review ------------------------------------------------

COMMENT = "workplan_comment"
SUBMITTED = "workplan_submitted"
REVIEWED = "workplan_reviewed"
STATUS_CHANGED = "action_status_changed"

# Whom a message goes to, kept in its payload for the send-time re-check.
TO_TEAM = "team"
TO_FACILITATORS = "facilitators"


def team_of(enrolment):
    """The team's current members (a person who left is no longer one)."""
    return get_user_model().objects.filter(
        pk__in=Seat.objects.current().filter(enrolment=enrolment).values("person"),
        is_active=True,
    )


def facilitators_of(cohort):
    return cohort.people((TakingPart.FACILITATOR,))


def _tell(kind, about, workplan, people, *, by, slot, to):
    ledger.notify(
        kind=kind,
        about=about,
        people=list(people.exclude(pk=getattr(by, "pk", None))),
        slot=slot,
        payload={"to": to},
        cohort=workplan.enrolment.cohort,
    )


def comment_added(comment, *, by):
    """A comment by the team (an answer or a question) goes to the cohort's facilitators;
    anyone else's (a facilitator's, staff's) goes to the team."""
    enrolment = comment.workplan.enrolment
    if team_of(enrolment).filter(pk=by.pk).exists():
        people, to = facilitators_of(enrolment.cohort), TO_FACILITATORS
    else:
        people, to = team_of(enrolment), TO_TEAM
    _tell(COMMENT, comment, comment.workplan, people, by=by, slot="comment", to=to)


def _moment(at):
    return f"{at:%Y%m%d%H%M%S%f}"


def workplan_submitted(workplan, *, by):
    """Each submission for review goes to the cohort's facilitators."""
    people = facilitators_of(workplan.enrolment.cohort)
    slot = f"submitted-{_moment(workplan.submitted_at)}"
    _tell(SUBMITTED, workplan, workplan, people, by=by, slot=slot, to=TO_FACILITATORS)


def workplan_reviewed(workplan, *, by):
    slot = f"reviewed-{_moment(workplan.reviewed_at)}"
    _tell(REVIEWED, workplan, workplan, team_of(workplan.enrolment), by=by, slot=slot, to=TO_TEAM)


def status_changed(item, update, *, by):
    """An action item's status changed (the workplan area's set_status calls this with the
    progress update it wrote): the team's other current members are told, its owner among
    them, not the person who changed it."""
    workplan = item.goal.workplan
    _tell(
        STATUS_CHANGED,
        update,
        workplan,
        team_of(workplan.enrolment),
        by=by,
        slot="status",
        to=TO_TEAM,
    )


# Send time


def _workplan_of(obj):
    return obj if isinstance(obj, Workplan) else obj.workplan


def _still_to_be_told(row, obj):
    """The recipient still is who the message was for: on the team (a person who left gets
    none of the team's messages), or facilitating the cohort."""
    if row.recipient_id is None:
        return None
    enrolment = _workplan_of(obj).enrolment
    if row.payload.get("to") == TO_FACILITATORS:
        if facilitators_of(enrolment.cohort).filter(pk=row.recipient_id).exists():
            return None
        return gettext_noop("The person no longer facilitates this cohort.")
    if team_of(enrolment).filter(pk=row.recipient_id).exists():
        return None
    return gettext_noop("The person is no longer on the team.")


def _status_label(value):
    return ActionStatus(value).label if value in ActionStatus.values else value


def _context(row, obj):
    workplan = _workplan_of(obj)
    enrolment = workplan.enrolment
    context = {
        "workplan": workplan,
        "team": enrolment.organisation.name,
        "cohort": enrolment.cohort,
        "workplan_url": settings.SITE_URL + workplan.get_absolute_url(),
    }
    if isinstance(obj, Comment):
        subject = obj.goal or obj.action_item
        context.update(
            comment=obj,
            author=obj.author.get_full_name() if obj.author else _("Someone who left"),
            subject=subject.title,
            to_facilitators=row.payload.get("to") == TO_FACILITATORS,
            url=settings.SITE_URL + subject.get_absolute_url(),
        )
    if isinstance(obj, Workplan):
        person = obj.submitted_by if row.kind == SUBMITTED else obj.reviewed_by
        context["by"] = person.get_full_name() if person else ""
    if isinstance(obj, ProgressUpdate):
        context.update(
            update=obj,
            item=obj.action_item,
            by=obj.by.get_full_name() if obj.by else "",
            old_status=_status_label(obj.old_value),
            new_status=_status_label(obj.new_value),
            url=settings.SITE_URL + obj.action_item.get_absolute_url(),
        )
    return context


def _lock(obj):
    """Read what the message needs in one query (nothing is changed under it)."""
    model = type(obj)
    related = {
        Comment: (
            "workplan__enrolment__cohort",
            "workplan__enrolment__organisation",
            "author",
            "goal",
            "action_item",
        ),
        Workplan: ("enrolment__cohort", "enrolment__organisation"),
        ProgressUpdate: (
            "workplan__enrolment__cohort",
            "workplan__enrolment__organisation",
            "action_item",
            "by",
        ),
    }[model]
    return model.objects.select_related(*related).filter(pk=obj.pk).first()


WORKPLAN_KINDS = [
    kinds.Kind(
        code=code,
        label=label,
        description=description,
        context=_context,
        still_applies=_still_to_be_told,
        lock=_lock,
        digestible=True,
    )
    for code, label, description in [
        (
            COMMENT,
            _("Workplan comments"),
            _("A facilitator comments on your team's workplan, or a team answers yours."),
        ),
        (
            SUBMITTED,
            _("Workplan submitted for review"),
            _("A team of a cohort you facilitate submits its workplan for review."),
        ),
        (
            REVIEWED,
            _("Workplan reviewed"),
            _("A facilitator has reviewed your team's workplan."),
        ),
        (
            STATUS_CHANGED,
            _("Action item status changes"),
            _("Someone on your team changes the status of an action item."),
        ),
    ]
]

# Support requests: each step tells the other side ------------------------------------------

SUPPORT_KINDS = []
