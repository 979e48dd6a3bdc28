"""Support requests: a team asks a planning partner for help; staff or the partner organisation
assign it to one of the partner's people, who accepts it, logs the help given and closes it;
the team can reopen it. Every step is a SupportEvent (the timeline both sides see) and tells
the other side through the ledger (workplans/notices.py, SUPPORT_KINDS).

Each function locks the request, checks the version the person saw (two partner members
acting at once: the second is told, nothing is overwritten), checks the rule again, and
raises ValidationError with a message a person understands when the step does not fit.
"""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Membership
from workplans import notices
from workplans.models import SupportEvent, SupportRequest

Status = SupportRequest.Status
Step = SupportEvent.Step

MAX_HOURS = Decimal(24)
# How far back help may be dated: a year covers the longest cohort and its check-ins.
OLDEST_HELP = timedelta(days=366)


def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _locked(support_request, version):
    """The request as it is now, locked; refused when it changed since the person saw it."""
    current = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("enrolment__organisation", "enrolment__cohort", "partner", "assignee")
        .get(pk=support_request.pk)
    )
    if version is not None and current.version != version:
        raise ValidationError(
            _(
                "Someone changed this request while you had it open (it is now “%(status)s”). "
                "Nothing was saved: look at it again below."
            )
            % {"status": current.get_status_display()},
            code="stale",
        )
    return current


def _in_status(support_request, allowed, message):
    if support_request.status not in allowed:
        raise ValidationError(message, code="wrong_status")


def _step(support_request, step, by, *, note="", **extra):
    """Save the request's new state (a new version) and record the step on its timeline."""
    now = timezone.now()
    support_request.version += 1
    support_request.updated_at = now
    support_request.save()
    return SupportEvent.objects.create(
        request=support_request, step=step, by=by, at=now, note=note, **extra
    )


def needed_by_problem(needed_by):
    """What is wrong with the date a team needs help by (in the person's own today), if any."""
    if needed_by < timezone.localdate():
        return _("The date you need it by can't be in the past.")
    return None


def help_problems(*, given_on=None, hours=None):
    """{field: message} for a help entry's date and hours (those given): no future date, none
    older than a year, more than no time and at most a day."""
    errors = {}
    today = timezone.localdate()
    if given_on is not None and given_on > today:
        errors["given_on"] = _("The date of the help can't be in the future.")
    elif given_on is not None and given_on < today - OLDEST_HELP:
        errors["given_on"] = _("The date of the help must be within the last year.")
    if hours is not None and hours <= 0:
        errors["hours"] = _("Enter the hours as a number above 0, for example 1.5.")
    elif hours is not None and hours > MAX_HOURS:
        errors["hours"] = _("One entry can be at most 24 hours: log longer help day by day.")
    return errors


def is_partner_member(person, organisation):
    return (
        organisation is not None
        and Membership.objects.filter(person=person, organisation=organisation).exists()
    )


def partner_for(enrolment, focus_area):
    """The cohort's planning partner whose focus matches the request's (by name, the first)."""
    return enrolment.cohort.partners.filter(focus_area=focus_area).order_by("name").first()


@transaction.atomic
def ask_for_support(enrolment, *, by, focus_area, need, needed_by, goal=None, partner=None):
    """The team asks. Without a partner chosen, the cohort's partner for the focus area gets
    it; when the cohort has none, it waits for staff to pass it on."""
    _require(by, "workplans.ask_for_support", enrolment)
    if goal is not None and goal.workplan.enrolment_id != enrolment.pk:
        raise ValidationError({"goal": _("Choose one of your team's goals.")})
    if partner is not None and not enrolment.cohort.partners.filter(pk=partner.pk).exists():
        raise ValidationError({"partner": _("Choose one of your cohort's planning partners.")})
    if needed_by is not None and (problem := needed_by_problem(needed_by)):
        raise ValidationError({"needed_by": problem})
    support_request = SupportRequest.objects.create(
        enrolment=enrolment,
        focus_area=focus_area,
        need=need,
        needed_by=needed_by,
        goal=goal,
        partner=partner or partner_for(enrolment, focus_area),
        requested_by=by,
    )
    event = SupportEvent.objects.create(
        request=support_request, step=Step.ASKED, by=by, at=support_request.created_at
    )
    notices.support_step(event)
    return support_request


@transaction.atomic
def assign_support(support_request, *, by, assignee, partner=None, version=None, note=""):
    """Staff or the partner organisation give the request to one of the partner's people (a
    new person on an accepted request starts again at 'assigned'). Staff may also choose the
    partner organisation; a partner member keeps their own."""
    support_request = _locked(support_request, version)
    _require(by, "workplans.assign_support", support_request)
    _in_status(
        support_request,
        (Status.OPEN, Status.ASSIGNED, Status.ACCEPTED),
        _("This request is closed: the team can reopen it if they still need help."),
    )
    partner = partner or support_request.partner
    if partner is None:
        raise ValidationError({"partner": _("Choose the planning partner that will help.")})
    if partner != support_request.partner:
        if not by.is_alliance_staff:
            raise PermissionDenied
        if not support_request.enrolment.cohort.partners.filter(pk=partner.pk).exists():
            raise ValidationError({"partner": _("Choose one of the cohort's planning partners.")})
    if not is_partner_member(assignee, partner):
        raise ValidationError(
            {
                "assignee": _("%(person)s is not a member of %(partner)s.")
                % {"person": assignee.full_name or assignee.email, "partner": partner.name}
            }
        )
    if support_request.assignee_id == assignee.pk and support_request.partner_id == partner.pk:
        raise ValidationError({"assignee": _("The request is already assigned to this person.")})
    support_request.partner = partner
    support_request.assignee = assignee
    support_request.status = Status.ASSIGNED
    event = _step(support_request, Step.ASSIGNED, by, note=note, assigned_to=assignee)
    notices.support_step(event)
    return support_request


@transaction.atomic
def accept_support(support_request, *, by, version=None):
    support_request = _locked(support_request, version)
    _require(by, "workplans.answer_support", support_request)
    _in_status(
        support_request,
        (Status.ASSIGNED,),
        _("Only a request that is assigned and not yet accepted can be accepted."),
    )
    if support_request.assignee_id != by.pk:
        raise ValidationError(_("Only the person it is assigned to can accept it."))
    support_request.status = Status.ACCEPTED
    event = _step(support_request, Step.ACCEPTED, by)
    notices.support_step(event)
    return support_request


@transaction.atomic
def log_help(support_request, *, by, given_on, hours, note, version=None):
    """The partner records help given: when, how long, and what it was."""
    support_request = _locked(support_request, version)
    _require(by, "workplans.answer_support", support_request)
    _in_status(
        support_request,
        (Status.ACCEPTED,),
        _("Help can be logged once the request is accepted, and until it is closed."),
    )
    errors = help_problems(given_on=given_on, hours=hours)
    if errors:
        raise ValidationError(errors)
    event = _step(support_request, Step.HELPED, by, note=note, given_on=given_on, hours=hours)
    notices.support_step(event)
    return support_request


@transaction.atomic
def close_support(support_request, *, by, note="", version=None):
    support_request = _locked(support_request, version)
    _require(by, "workplans.answer_support", support_request)
    _in_status(
        support_request,
        (Status.ASSIGNED, Status.ACCEPTED),
        _("Only a request that is assigned or accepted can be closed."),
    )
    support_request.status = Status.CLOSED
    event = _step(support_request, Step.CLOSED, by, note=note)
    notices.support_step(event)
    return support_request


@transaction.atomic
def reopen_support(support_request, *, by, note, version=None):
    """The team still needs help: back to the person who had it, as accepted (they know the
    request), or, when they are no longer with the partner, back to waiting for assignment."""
    support_request = _locked(support_request, version)
    _require(by, "workplans.ask_for_support", support_request)
    _in_status(support_request, (Status.CLOSED,), _("Only a closed request can be reopened."))
    if support_request.assignee and is_partner_member(
        support_request.assignee, support_request.partner
    ):
        support_request.status = Status.ACCEPTED
    else:
        support_request.assignee = None
        support_request.status = Status.OPEN
    event = _step(support_request, Step.REOPENED, by, note=note)
    notices.support_step(event)
    return support_request
