from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.models import TakingPart
from cohorts.selectors import get_cohort_for
from portal.forms import act_and_report, run_service
from portal.permissions import require
from sessions_app import notices, selectors, services
from sessions_app.calendar import FEED_REFRESH, build_calendar
from sessions_app.forms import (
    PLACE_FIELDS,
    CancelForm,
    DetailsForm,
    MaterialForm,
    RescheduleForm,
    RsvpForm,
    SeriesForm,
    SessionForm,
)
from sessions_app.models import Attendance, CalendarFeed


def _warn(request, warnings):
    for message in warnings:
        messages.warning(request, message)


# Schedule ------------------------------------------------------------------------------------


def schedule(request, pk):
    cohort = get_cohort_for(request.user, pk)
    return render(
        request,
        "sessions_app/schedule.html",
        {
            "cohort": cohort,
            "sessions": selectors.cohort_schedule(cohort),
            "can_schedule": request.user.has_perm("sessions_app.schedule", cohort),
        },
    )


def _preview(cohort, starts, minutes, *, time_zone, exclude=None):
    """Planned times in the planning zone and in every enrolled state's zone, each with its
    warnings: the context of sessions_app/_time_preview.html."""
    zones = selectors.enrolled_zones(cohort)
    warnings = selectors.schedule_warnings(
        cohort, starts, minutes, zones=zones, time_zone=time_zone, exclude=exclude
    )
    return {
        "preview": list(zip(starts, warnings, strict=True)),
        "zones": zones,
        "plan_zone": time_zone,
    }


def _confirmed(request, action):
    """The preview's own button sends `action`; any other post only previews."""
    return request.POST.get("action") == action


def series_create(request, pk):
    cohort = get_cohort_for(request.user, pk)
    require(request.user, "sessions_app.schedule", cohort)
    form = SeriesForm(
        request.POST or None,
        cohort=cohort,
        initial={"time_zone": request.user.time_zone},
    )
    context = {"cohort": cohort, "form": form}
    if request.method == "POST" and form.is_valid():
        if _confirmed(request, "create"):
            sessions = run_service(
                form,
                lambda: services.create_series(
                    cohort, planned=form.planned, by=request.user, **form.session_details()
                ),
            )
            if sessions:
                messages.success(
                    request,
                    _("%(count)s sessions are scheduled.") % {"count": len(sessions)},
                )
                return redirect("sessions_app:schedule", pk=cohort.pk)
        else:
            context.update(
                _preview(
                    cohort,
                    [plan.starts_at for plan in form.planned],
                    form.cleaned_data["duration_minutes"],
                    time_zone=form.cleaned_data["time_zone"],
                )
            )
    return render(request, "sessions_app/series_form.html", context)


def session_create(request, pk):
    cohort = get_cohort_for(request.user, pk)
    require(request.user, "sessions_app.schedule", cohort)
    form = SessionForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    context = {"cohort": cohort, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _confirmed(request, "create"):
            session = run_service(
                form,
                lambda: services.add_session(
                    cohort,
                    starts_at=data["starts_at"],
                    title=data["title"],
                    by=request.user,
                    duration_minutes=data["duration_minutes"],
                    time_zone=data["time_zone"],
                    agenda=data["agenda"],
                    **{name: data[name] for name in PLACE_FIELDS},
                ),
            )
            if session:
                messages.success(request, _("The session is scheduled."))
                return redirect(session)
        else:
            context.update(
                _preview(
                    cohort,
                    [data["starts_at"]],
                    data["duration_minutes"],
                    time_zone=data["time_zone"],
                )
            )
    return render(request, "sessions_app/session_form.html", context)


def _warnings_for(session):
    return selectors.schedule_warnings(
        session.cohort,
        [session.starts_at],
        session.duration_minutes,
        zones=selectors.enrolled_zones(session.cohort),
        time_zone=session.time_zone,
        exclude=session,
    )[0]


# One session ---------------------------------------------------------------------------------


def session_detail(request, pk):
    user = request.user
    session = selectors.get_session_for(user, pk)
    can_schedule = user.has_perm("sessions_app.schedule", session.cohort)
    context = {
        "session": session,
        "cohort": session.cohort,
        "materials": session.materials.all(),
        "reschedules": session.reschedules.filter(undone_at__isnull=True).select_related("by"),
        "can_schedule": can_schedule,
        "facilitators": session.facilitators.all(),
    }
    if can_schedule:
        context["people"] = selectors.session_people(session)
        context["marks"] = Attendance.Mark.choices
        context["held_until"] = notices.held_until(session)
    if user.has_perm("sessions_app.rsvp", session):
        mine = session.attendances.filter(person=user).first()
        context["my_attendance"] = mine
        context["rsvp_form"] = RsvpForm(
            initial={"rsvp": mine.rsvp, "note": mine.rsvp_note} if mine else None
        )
    return render(request, "sessions_app/session_detail.html", context)


def session_edit(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    # The form gets its own copy: validating writes the typed values onto its instance,
    # and the service compares them with the session as it is stored.
    form = DetailsForm(request.POST or None, instance=selectors.get_session_for(request.user, pk))
    if request.method == "POST" and form.is_valid():
        services.update_session(session, by=request.user, **form.cleaned_data)
        messages.success(request, _("The session is saved."))
        _warn(request, _warnings_for(session))
        return redirect(session)
    return render(request, "sessions_app/session_edit.html", {"session": session, "form": form})


def session_reschedule(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    # A notice of an earlier move that has not gone yet is replaced by this one: its reason
    # is the starting point.
    waiting_reason = notices.waiting_reason(session)
    form = RescheduleForm(
        request.POST or None,
        initial={"time_zone": session.time_zone, "reason": waiting_reason},
    )
    context = {"session": session, "form": form, "replaces_notice": bool(waiting_reason)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _confirmed(request, "move"):
            moved = run_service(
                form,
                lambda: services.reschedule_session(
                    session,
                    starts_at=data["starts_at"],
                    reason=data["reason"],
                    time_zone=data["time_zone"],
                    by=request.user,
                ),
            )
            if moved:
                messages.success(request, _("The session is moved."))
                return redirect(moved)
        else:
            run_service(
                form,
                lambda: services.check_reschedule(
                    session, starts_at=data["starts_at"], reason=data["reason"]
                ),
            )
            if form.is_valid():
                context.update(
                    _preview(
                        session.cohort,
                        [data["starts_at"]],
                        session.duration_minutes,
                        time_zone=data["time_zone"],
                        exclude=session,
                    ),
                    hold_minutes=settings.NOTICE_HOLD_MINUTES,
                )
    return render(request, "sessions_app/session_reschedule.html", context)


def session_cancel(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cancelled = run_service(
            form,
            lambda: services.cancel_session(
                session, reason=form.cleaned_data["reason"], by=request.user
            ),
        )
        if cancelled:
            messages.success(request, _("The session is cancelled."))
            return redirect(cancelled)
    return render(request, "sessions_app/session_cancel.html", {"session": session, "form": form})


@require_POST
def session_undo(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    if session.is_cancelled:
        done = _("The cancellation is undone. Nobody was told of it.")
    else:
        done = _("The move is undone: the session is back at its old time. Nobody was told of it.")
    act_and_report(request, lambda: services.undo_change(session, by=request.user), done)
    return redirect(session)


# Attendance ----------------------------------------------------------------------------------


@require_POST
def session_rsvp(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.rsvp", session)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            services.set_rsvp(
                session,
                person=request.user,
                rsvp=form.cleaned_data["rsvp"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thanks — your answer is saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(session)


@require_POST
def attendance_mark(request, pk, person_pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.mark_attendance", session.cohort)
    # Only the cohort's current team members can be marked: anyone else is a 404.
    person = get_object_or_404(
        session.cohort.people((TakingPart.TEAM,)),
        pk=person_pk,
    )
    error = None
    try:
        services.mark_attendance(
            session, person=person, mark=request.POST.get("mark", ""), by=request.user
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.htmx:
        seat = next(
            (s for s in selectors.session_people(session) if s.person_id == person.pk), None
        )
        if seat is None:
            raise Http404
        return render(
            request,
            "sessions_app/_attendance_row.html",
            {"session": session, "seat": seat, "marks": Attendance.Mark.choices, "error": error},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Attendance saved for %(name)s.") % {"name": person})
    return redirect(f"{session.get_absolute_url()}#attendance")


# Materials -----------------------------------------------------------------------------------


def material_add(request, pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        material = run_service(
            form,
            lambda: services.add_material(
                session,
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                url=form.cleaned_data["url"],
                by=request.user,
            ),
        )
        if material:
            messages.success(request, _("“%(title)s” is added.") % {"title": material.title})
            return redirect(session)
    return render(request, "sessions_app/material_form.html", {"session": session, "form": form})


def material_download(request, pk, material_pk):
    """A file, served through the person's scope. A link material has no address here: the
    session page links to its site directly, so the portal's domain never redirects away."""
    material = selectors.get_material_for(request.user, pk, material_pk)
    if not material.file:
        raise Http404
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.filename)


@require_POST
def material_delete(request, pk, material_pk):
    material = selectors.get_material_for(request.user, pk, material_pk)
    services.remove_material(material, by=request.user)
    messages.success(request, _("“%(title)s” is removed.") % {"title": material.title})
    return redirect(material.session)


# Calendars -----------------------------------------------------------------------------------


def _calendar_response(sessions, *, name, filename, refresh=None):
    response = HttpResponse(
        build_calendar(sessions, name=name, refresh=refresh),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def session_ics(request, pk):
    session = selectors.get_session_for(request.user, pk)
    return _calendar_response(
        [session], name=session.cohort.name, filename=f"session-{session.pk}.ics"
    )


@login_not_required
def feed(request, token):
    subscription = CalendarFeed.objects.filter(token=token).select_related("person").first()
    if subscription is None or not subscription.person.is_active:
        raise Http404
    sessions = selectors.my_sessions(subscription.person).order_by("starts_at")
    with translation.override(subscription.person.language):
        return _calendar_response(
            sessions,
            name=_("My learning sessions"),
            filename="learning-sessions.ics",
            refresh=FEED_REFRESH,
        )


@require_POST
def feed_manage(request):
    if request.POST.get("action") == "revoke":
        services.revoke_feed(request.user)
        messages.success(
            request, _("Your calendar link is turned off. Calendars using it stop updating.")
        )
    elif services.feed_for(request.user) is None:
        services.regenerate_feed(request.user)
        messages.success(request, _("Your calendar link is ready."))
    else:
        services.regenerate_feed(request.user)
        messages.success(
            request,
            _("Your new calendar link is ready. Any old link has stopped working."),
        )
    return redirect("dashboard:profile")
