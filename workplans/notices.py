"""The messages a team's working space causes. Each is planned through the ledger
(notifications.services.notify: as it happens, or in the person's daily digest) inside the
transaction of the change, and re-checked at send time."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cohorts.choices import FocusArea
from cohorts.models import Membership, Seat, TakingPart
from notifications import kinds
from notifications import services as ledger
from workplans.choices import ActionStatus, SupportStatus, SupportStep
from workplans.models import (
    CheckIn,
    Comment,
    ProgressUpdate,
    SupportEvent,
    SupportRequest,
    Workplan,
)


def register():
    for kind in [*WORKPLAN_KINDS, *SUPPORT_KINDS, *CHECKIN_KINDS]:
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


# What a message about each model reads with it.
_RELATED = {
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
}


def _read(model, pks):
    return model.objects.select_related(*_RELATED[model]).filter(pk__in=pks)


def _lock(obj):
    """The object read again with what the message needs, in one query. Not locked: what a
    message tells (a comment, a submission, a status change) stays what happened."""
    return _read(type(obj), [obj.pk]).first()


def _label(obj):
    if isinstance(obj, Comment):
        subject = obj.goal or obj.action_item
        return _("Comment on “%(subject)s” (%(team)s)") % {
            "subject": subject.title,
            "team": obj.workplan.enrolment.organisation.name,
        }
    if isinstance(obj, ProgressUpdate):
        return _("“%(item)s” (%(team)s): %(status)s") % {
            "item": obj.action_item.title,
            "team": obj.workplan.enrolment.organisation.name,
            "status": _status_label(obj.new_value),
        }
    return _("Workplan of %(team)s") % {"team": obj.enrolment.organisation.name}


def describe_workplan_objects(objects):
    """Each object in words for the Outbox and a person's list of emails (one query)."""
    if not objects:
        return {}
    return {obj.pk: _label(obj) for obj in _read(type(objects[0]), [o.pk for o in objects])}


WORKPLAN_KINDS = [
    kinds.Kind(
        code=code,
        label=label,
        description=description,
        context=_context,
        still_applies=_still_to_be_told,
        lock=_lock,
        describe=describe_workplan_objects,
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

SUPPORT_REQUESTED = "support_requested"
SUPPORT_ASSIGNED = "support_assigned"
SUPPORT_ACCEPTED = "support_accepted"
SUPPORT_HELP_LOGGED = "support_help_logged"
SUPPORT_CLOSED = "support_closed"
SUPPORT_REOPENED = "support_reopened"

# Which side a recipient is on: the send-time re-check asks whether they still are.
TEAM, ASSIGNEE, PARTNER, STAFF = "team", "assignee", "partner", "staff"


def _partner_people(support_request):
    """The partner organisation's people; Alliance staff when the request has no partner
    yet (the cohort has none for its focus area): they pass it on."""
    people = get_user_model().objects.filter(is_active=True)
    if support_request.partner_id is None:
        return STAFF, people.staff()
    members = Membership.objects.filter(organisation=support_request.partner_id)
    return PARTNER, people.filter(pk__in=members.values("person"))


def _recipients(event):
    """Who hears of a step: always the other side of the request, never the one who took it."""
    support_request = event.request
    team = (TEAM, team_of(support_request.enrolment_id))
    if event.step == SupportStep.ASKED:
        sides = [_partner_people(support_request)]
    elif event.step == SupportStep.ASSIGNED:
        assignee = get_user_model().objects.filter(pk=support_request.assignee_id)
        sides = [(ASSIGNEE, assignee), team]
    elif event.step == SupportStep.REOPENED and support_request.assignee_id:
        sides = [(ASSIGNEE, get_user_model().objects.filter(pk=support_request.assignee_id))]
    elif event.step == SupportStep.REOPENED:
        sides = [_partner_people(support_request)]
    else:
        sides = [team]
    return [
        (side, person)
        for side, people in sides
        for person in people.filter(is_active=True).exclude(pk=event.by_id).order_by("pk")
    ]


STEP_KINDS = {
    SupportStep.ASKED: SUPPORT_REQUESTED,
    SupportStep.ASSIGNED: SUPPORT_ASSIGNED,
    SupportStep.ACCEPTED: SUPPORT_ACCEPTED,
    SupportStep.HELPED: SUPPORT_HELP_LOGGED,
    SupportStep.CLOSED: SUPPORT_CLOSED,
    SupportStep.REOPENED: SUPPORT_REOPENED,
}


def support_step(event):
    """Plan the messages of one step of a support request, in the step's transaction: one
    row per person told (its slot names the step, so each step is told once)."""
    by_side = {}
    for side, person in _recipients(event):
        by_side.setdefault(side, []).append(person)
    for side, people in by_side.items():
        ledger.notify(
            kind=STEP_KINDS[event.step],
            about=event.request,
            people=people,
            slot=f"{event.step}-{event.pk}",
            payload={"event": event.pk, "side": side, "assignee": event.request.assignee_id},
            cohort=event.request.enrolment.cohort,
        )


def _lock_request(support_request):
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("enrolment__organisation", "enrolment__cohort", "partner", "assignee")
        .filter(pk=support_request.pk)
        .first()
    )


def _still_on_their_side(row, support_request):
    """None while the recipient is still on the side they were told as, else why not."""
    side, person = row.payload.get("side"), row.recipient
    if person is None:
        return None
    if (
        side == TEAM
        and not Seat.objects.held_by(person).filter(enrolment=support_request.enrolment_id).exists()
    ):
        return gettext_noop("The person is no longer on the team.")
    if side == ASSIGNEE and support_request.assignee_id != person.pk:
        return gettext_noop("The request is assigned to someone else now.")
    if (
        side == PARTNER
        and not Membership.objects.filter(
            person=person, organisation=support_request.partner_id
        ).exists()
    ):
        return gettext_noop("The person is no longer with the partner the request went to.")
    if side == STAFF and not person.is_alliance_staff:
        return gettext_noop("The person is no longer Alliance staff.")
    return None


def _in_status(*statuses, reason):
    def check(row, support_request):
        if support_request.status not in statuses:
            return reason
        return _still_on_their_side(row, support_request)

    return check


def _assigned_applies(row, support_request):
    if support_request.assignee_id != row.payload.get("assignee"):
        return gettext_noop("The request was assigned to someone else since.")
    return _still_on_their_side(row, support_request)


def _support_context(row, support_request):
    event = SupportEvent.objects.select_related("by").filter(pk=row.payload.get("event")).first()
    return {
        "support_request": support_request,
        "team_name": support_request.enrolment.organisation.name,
        "event": event,
        "request_url": settings.SITE_URL + support_request.get_absolute_url(),
    }


def describe_requests(support_requests):
    """Each request in words for the Outbox and a person's list of emails: its team and its
    focus area (one query)."""
    rows = SupportRequest.objects.filter(
        pk__in=[support_request.pk for support_request in support_requests]
    ).values_list("pk", "enrolment__organisation__name", "focus_area")
    return {
        pk: _("Support for %(team)s: %(focus)s") % {"team": team, "focus": FocusArea(focus).label}
        for pk, team, focus in rows
    }


def _support_kind(code, label, description, still_applies):
    return kinds.Kind(
        code=code,
        label=label,
        description=description,
        context=_support_context,
        still_applies=still_applies,
        lock=_lock_request,
        describe=describe_requests,
        digestible=True,
    )


SUPPORT_KINDS = [
    _support_kind(
        SUPPORT_REQUESTED,
        _("New support requests"),
        _("When a team asks your organisation for help."),
        _in_status(
            SupportStatus.OPEN, reason=gettext_noop("The request was assigned or closed since.")
        ),
    ),
    _support_kind(
        SUPPORT_ASSIGNED,
        _("Support request assigned"),
        _("When a support request is given to you, or your team's request to a person."),
        _assigned_applies,
    ),
    _support_kind(
        SUPPORT_ACCEPTED,
        _("Support request accepted"),
        _("When the partner's person takes on your team's request."),
        _still_on_their_side,
    ),
    _support_kind(
        SUPPORT_HELP_LOGGED,
        _("Support given"),
        _("When a partner logs the help they gave your team."),
        _still_on_their_side,
    ),
    _support_kind(
        SUPPORT_CLOSED,
        _("Support request closed"),
        _("When a partner closes your team's request."),
        _in_status(
            SupportStatus.CLOSED, reason=gettext_noop("The team reopened the request since.")
        ),
    ),
    _support_kind(
        SUPPORT_REOPENED,
        _("Support request reopened"),
        _("When a team reopens a request you helped with."),
        _in_status(
            SupportStatus.OPEN,
            SupportStatus.ASSIGNED,
            SupportStatus.ACCEPTED,
            reason=gettext_noop("The request was closed again since."),
        ),
    ),
]


# Check-ins: the facilitator's review -------------------------------------------------------

CHECKIN_REVIEWED = "checkin_reviewed"


def checkin_reviewed(checkin, *, by):
    """A facilitator (or staff) reviewed a submitted check-in: the team's current members are
    told, once per review (a check-in reopened and reviewed again is a new review)."""
    enrolment = checkin.enrolment
    ledger.notify(
        kind=CHECKIN_REVIEWED,
        about=checkin,
        people=list(team_of(enrolment).exclude(pk=getattr(by, "pk", None))),
        slot=f"reviewed-{_moment(checkin.reviewed_at)}",
        payload={"to": TO_TEAM},
        cohort=enrolment.cohort,
    )


def _lock_checkin(checkin):
    return (
        CheckIn.objects.select_related(
            "enrolment__organisation", "enrolment__cohort", "reviewed_by"
        )
        .filter(pk=checkin.pk)
        .first()
    )


def _checkin_still_to_be_told(row, checkin):
    if checkin.status != CheckIn.Status.REVIEWED:
        return gettext_noop("The check-in was reopened since.")
    if row.recipient_id is None or team_of(checkin.enrolment).filter(pk=row.recipient_id).exists():
        return None
    return gettext_noop("The person is no longer on the team.")


def _checkin_context(row, checkin):
    return {
        "checkin": checkin,
        "team": checkin.enrolment.organisation.name,
        "cohort": checkin.enrolment.cohort,
        "by": checkin.reviewed_by.get_full_name() if checkin.reviewed_by else "",
        "checkin_url": settings.SITE_URL + checkin.get_absolute_url(),
    }


def describe_checkins_reviewed(checkins):
    """Each check-in in words for the Outbox and a person's list of emails (one query)."""
    rows = CheckIn.objects.filter(pk__in=[checkin.pk for checkin in checkins]).values_list(
        "pk", "number", "enrolment__organisation__name"
    )
    return {
        pk: _("Check-in %(number)s of %(team)s") % {"number": number, "team": team}
        for pk, number, team in rows
    }


CHECKIN_KINDS = [
    kinds.Kind(
        code=CHECKIN_REVIEWED,
        label=_("Check-in reviewed"),
        description=_("A facilitator has reviewed your team's check-in."),
        context=_checkin_context,
        still_applies=_checkin_still_to_be_told,
        lock=_lock_checkin,
        describe=describe_checkins_reviewed,
        digestible=True,
    )
]
