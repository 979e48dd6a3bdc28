import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from accounts.timezones import zone_or_utc
from cohorts.middleware import roles_now
from cohorts.models import TakingPart
from cohorts.selectors import get_cohort_for
from portal.forms import act_and_report, run_service
from portal.permissions import require
from sessions_app import answer_links, notices, selectors, services
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
    WrapUpForm,
)
from sessions_app.models import Attendance, CalendarFeed
from sessions_app.rules import is_invited


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
    roles_now(request)  # the selectors' staff check is then answered from them
    session = selectors.get_session_page_for(user, pk)
    can_schedule = user.has_perm("sessions_app.schedule", session.cohort)
    context = {
        "session": session,
        "cohort": session.cohort,
        "materials": session.materials.all(),
        "reschedules": session.reschedules.filter(undone_at__isnull=True).select_related("by"),
        "can_schedule": can_schedule,
        "facilitators": session.facilitators.all(),
        "wrap_up": selectors.wrap_up_of(session),
    }
    if can_schedule:
        context["held_until"] = notices.held_until(session)
        if not session.is_cancelled:
            context.update(_roll_context(session))
    # Those who run the session are not asked (the rule sessions_app.answers, its other half).
    if not can_schedule and is_invited(user, session):
        context.update(_answer_context(session, user))
    return render(request, "sessions_app/session_detail.html", context)


def _roll_labels():
    """The words every row of the roll repeats, translated once per page, not once a row."""
    return {
        "name": _("Name"),
        "answer": _("Answer"),
        "attendance": _("Attendance"),
        "attending": str(Attendance.Rsvp.ATTENDING.label),
        "not_attending": str(Attendance.Rsvp.NOT_ATTENDING.label),
        "no_answer": _("No answer"),
        "not_marked": _("Not marked"),
        "ed": _("ED"),
    }


def _roll_context(session, *, roll=None, open_team=None):
    """What sessions_app/_attendance.html needs: the roll, its labels, and the one URL its
    buttons share (a person's is that URL and their id), so no row reverses a URL."""
    marks = [(value, str(label)) for value, label in Attendance.Mark.choices]
    labels = _roll_labels()
    roll = roll or selectors.session_roll(session)
    base = reverse("sessions_app:attendance_mark_rest", args=[session.pk])
    mark_labels = dict(marks)
    for team in roll.teams:
        for seat in team.seats:
            seat.mark_url = f"{base}{seat.person_id}/"
            seat.mark_label = mark_labels.get(seat.mark, labels["not_marked"])
    return {
        "session": session,
        "roll": roll,
        "attendance_open": session.attendance_is_open,
        "marks": marks,
        "mark_labels": dict(marks),
        "labels": _roll_labels(),
        "attendance_url": reverse("sessions_app:attendance_mark_rest", args=[session.pk]),
        "open_team": open_team,
    }


def _answer_context(session, user, form=None):
    mine = session.attendances.filter(person=user).first()
    return {
        "session": session,
        "my_attendance": mine,
        "rsvp_form": form
        or RsvpForm(initial={"rsvp": mine.rsvp, "note": mine.rsvp_note} if mine else None),
    }


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


def _announced(response, message):
    """An htmx answer that also tells screen readers what changed: the page's polite live
    region (sessions_app/_live.html) takes the message out of band."""
    live = render_to_string("sessions_app/_live.html", {"message": message})
    response.content += live.encode()
    return response


@require_POST
def session_rsvp(request, pk):
    session = selectors.get_session_for(request.user, pk)
    if not rules.test_rule("sessions_app.answers", request.user, session):
        raise PermissionDenied
    form = RsvpForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = services.set_rsvp(
                session,
                person=request.user,
                rsvp=form.cleaned_data["rsvp"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if request.htmx:
        context = _answer_context(session, request.user, None if saved else form)
        response = render(request, "sessions_app/_answer.html", {**context, "saved": saved})
        if saved:
            message = _("Your answer is saved: %(answer)s.") % {"answer": saved.get_rsvp_display()}
        else:
            message = " ".join(form.errors.get("__all__", []) or form.errors.get("rsvp", []))
        return _announced(response, message)
    if saved:
        messages.success(request, _("Thanks — your answer is saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(session)


@login_not_required
@never_cache
def rsvp_from_email(request, token):
    """A session reminder's link: the session and two buttons, no sign-in needed (the token is
    signed: sessions_app/answer_links.py). A GET changes nothing, since mail scanners follow
    links; the buttons POST. Times are in the person's own zone, whoever reads them (the
    visitor may be signed out); the language is the reader's, as on every page."""
    session, person, refused = answer_links.read(token)
    if session is None or person is None:
        context = {"refused": refused}
        return render(request, "sessions_app/rsvp_from_email.html", context, status=refused.status)
    saved = error = None
    with timezone.override(zone_or_utc(person.time_zone)):
        if request.method == "POST" and refused is None:
            try:
                saved = services.set_rsvp(session, person=person, rsvp=request.POST.get("rsvp"))
            except PermissionDenied:
                refused = answer_links.NOT_INVITED
            except ValidationError as exc:
                error = " ".join(exc.messages)
                refused = answer_links.refusal(session, person)
        context = {
            "session": session,
            "person": person,
            "refused": refused,
            "saved": saved,
            "error": error,
            "answer": session.attendances.filter(person=person).first(),
            "choices": Attendance.Rsvp.choices,
            "other_signed_in": request.user.is_authenticated and request.user != person,
        }
        status = refused.status if refused else (400 if error else 200)
        return render(request, "sessions_app/rsvp_from_email.html", context, status=status)


def _attendance_response(request, session, *, message, person=None, whole=False, error=None):
    """After a mark with htmx: the marked person's team (opened), with the counts out of
    band; or the whole roll when more than one team changed. The live region says what."""
    roll = selectors.session_roll(session)
    team = None
    if person is not None:
        found = roll.team_of(person.pk)
        if found is None:
            raise Http404
        team = found.enrolment.pk
    context = {**_roll_context(session, roll=roll, open_team=team), "error": error}
    if whole:
        response = render(request, "sessions_app/_attendance.html", context)
        retarget(response, "#attendance")
    else:
        team_roll = next(t for t in roll.teams if t.enrolment.pk == team)
        response = render(
            request, "sessions_app/_attendance_team.html", {**context, "team": team_roll}
        )
        if context["attendance_open"]:
            response.content += render_to_string(
                "sessions_app/_attendance_tally.html", {**context, "out_of_band": True}, request
            ).encode()
        retarget(response, f"#team-{team}")
    reswap(response, "outerHTML")
    return _announced(response, message)


@require_POST
def attendance_mark(request, pk, person_pk):
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.mark_attendance", session.cohort)
    # Only the cohort's current team members can be marked: anyone else is a 404.
    person = get_object_or_404(
        session.cohort.people((TakingPart.TEAM,)),
        pk=person_pk,
    )
    mark = request.POST.get("mark", "")
    try:
        row = services.mark_attendance(session, person=person, mark=mark, by=request.user)
    except ValidationError as exc:
        row, error = None, " ".join(exc.messages)
    else:
        error = None
    if request.htmx:
        if row is None:
            message = error
        else:
            message = _("%(name)s: %(mark)s.") % {"name": person, "mark": row.get_mark_display()}
        return _attendance_response(
            request,
            session,
            message=message,
            person=person,
            whole=bool(row and row.carried_over),
            error={"person": person.pk, "message": error} if error else None,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Attendance saved for %(name)s.") % {"name": person})
    return redirect(f"{session.get_absolute_url()}#attendance")


@require_POST
def attendance_mark_rest(request, pk):
    """Everyone on a team not yet marked is marked present (those who can't attend, excused)."""
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.mark_attendance", session.cohort)
    try:
        count = services.mark_rest_present(session, by=request.user)
    except ValidationError as exc:
        message, level = " ".join(exc.messages), messages.ERROR
    else:
        message = ngettext(
            "%(count)s person marked present.", "%(count)s people marked present.", count
        ) % {"count": count}
        level = messages.SUCCESS
    if request.htmx:
        return _attendance_response(request, session, message=message, whole=True)
    messages.add_message(request, level, message)
    return redirect(f"{session.get_absolute_url()}#attendance")


def session_wrap_up(request, pk):
    """After a session: notes and the recording link, sent to the people who missed it."""
    session = selectors.get_session_for(request.user, pk)
    require(request.user, "sessions_app.schedule", session.cohort)
    wrap_up = selectors.wrap_up_of(session)
    initial = {"notes": wrap_up.notes, "recording_url": wrap_up.recording_url} if wrap_up else None
    form = WrapUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.write_wrap_up(session, by=request.user, **form.cleaned_data),
        )
        if saved:
            messages.success(
                request,
                _("The wrap-up is saved.")
                if wrap_up
                else _("The wrap-up is saved. The people who missed the session get it by email."),
            )
            return redirect(f"{session.get_absolute_url()}#wrap-up")
    return render(
        request,
        "sessions_app/wrap_up_form.html",
        {
            "session": session,
            "form": form,
            "wrap_up": wrap_up,
            "missed": notices.missed(session).count(),
            "materials": session.materials.all(),
        },
    )


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
