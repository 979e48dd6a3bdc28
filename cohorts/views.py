from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts import selectors, services
from cohorts.choices import OrganisationKind
from cohorts.forms import CohortForm, EnrolForm, OrganisationForm, ProgramForm, SeatForm
from portal.forms import act_and_report, run_service
from portal.permissions import require

# Programs ------------------------------------------------------------------------------------


def program_list(request):
    require(request.user, "cohorts.manage_programs")
    return render(
        request, "cohorts/program_list.html", {"programs": selectors.programs_for(request.user)}
    )


def program_detail(request, pk):
    program = selectors.get_program_for(request.user, pk)
    cohorts = (
        selectors.cohorts_for(request.user)
        .filter(program=program)
        .annotate(team_count=Count("enrolments"))
    )
    return render(request, "cohorts/program_detail.html", {"program": program, "cohorts": cohorts})


def _program_form(request, program=None):
    require(request.user, "cohorts.manage_programs")
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST":
        saved = run_service(form, lambda: services.save_program(form.instance, by=request.user))
        if saved:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "cohorts/program_form.html", {"form": form, "program": program})


def program_create(request):
    return _program_form(request)


def program_edit(request, pk):
    return _program_form(request, selectors.get_program_for(request.user, pk))


# Cohorts -------------------------------------------------------------------------------------


def cohort_list(request):
    cohorts = (
        selectors.cohorts_for(request.user)
        .annotate(team_count=Count("enrolments", distinct=True))
        .order_by("status", "-starts_on")
    )
    return render(request, "cohorts/cohort_list.html", {"cohorts": cohorts})


def _cohort_form(request, program, cohort=None):
    require(request.user, "cohorts.manage_cohort")
    form = CohortForm(request.POST or None, instance=cohort, program=program)
    if request.method == "POST":
        saved = run_service(
            form,
            lambda: services.save_cohort(
                form.instance,
                by=request.user,
                facilitators=form.cleaned_data["facilitators"],
                partners=form.cleaned_data["partners"],
            ),
        )
        if saved:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect(saved)
    return render(
        request,
        "cohorts/cohort_form.html",
        {"form": form, "program": program, "cohort": cohort},
    )


def cohort_create(request, pk):
    return _cohort_form(request, selectors.get_program_for(request.user, pk))


def cohort_edit(request, pk):
    cohort = selectors.get_cohort_for(request.user, pk)
    return _cohort_form(request, cohort.program, cohort)


def _cohort_action(request, pk, action, done_message):
    cohort = selectors.get_cohort_for(request.user, pk)
    act_and_report(
        request, lambda: action(cohort, by=request.user), done_message % {"name": cohort.name}
    )
    return redirect(cohort)


@require_POST
def cohort_start(request, pk):
    return _cohort_action(request, pk, services.start_cohort, _("“%(name)s” has started."))


@require_POST
def cohort_complete(request, pk):
    return _cohort_action(
        request, pk, services.complete_cohort, _("“%(name)s” is marked completed.")
    )


def cohort_enrol(request, pk):
    cohort = selectors.get_cohort_for(request.user, pk)
    require(request.user, "cohorts.manage_cohort")
    elsewhere = selectors.enrolled_elsewhere(cohort)
    form = EnrolForm(
        request.POST or None,
        cohort=cohort,
        choices=selectors.organisations_to_enrol(cohort),
        elsewhere=elsewhere,
    )
    if request.method == "POST":
        enrolment = run_service(
            form,
            lambda: services.enrol_organisation(
                cohort, form.cleaned_data["organisation"], by=request.user
            ),
        )
        if enrolment:
            messages.success(
                request,
                _("%(org)s is enrolled. Now seat its team.") % {"org": enrolment.organisation},
            )
            return redirect("cohorts:enrolment_seats", pk=enrolment.pk)
    return render(
        request,
        "cohorts/enrol_form.html",
        {"form": form, "cohort": cohort, "elsewhere": elsewhere},
    )


# Teams ---------------------------------------------------------------------------------------


def enrolment_detail(request, pk):
    enrolment = selectors.get_enrolment_for(request.user, pk)
    return render(
        request,
        "cohorts/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "seats": list(selectors.current_seats(enrolment.seats.all())),
            "can_manage": request.user.has_perm("cohorts.manage_team", enrolment),
        },
    )


def enrolment_seats(request, pk):
    enrolment = selectors.get_enrolment_for(request.user, pk)
    require(request.user, "cohorts.manage_team")
    form = SeatForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST":
        seat = run_service(
            form,
            lambda: services.add_seat(
                enrolment,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        )
        if seat:
            messages.success(request, _("%(name)s is on the team.") % {"name": seat.person})
            return redirect("cohorts:enrolment_seats", pk=enrolment.pk)
    return render(
        request,
        "cohorts/enrolment_seats.html",
        {
            "enrolment": enrolment,
            "form": form,
            "seats": list(selectors.current_seats(enrolment.seats.all())),
            "history": selectors.seat_history(enrolment),
            "team_size": enrolment.cohort.program.team_size,
        },
    )


def _get_seat(request, pk, seat_pk, *, ended_too=False):
    enrolment = selectors.get_enrolment_for(request.user, pk)
    require(request.user, "cohorts.manage_team")
    seats = enrolment.seats.all() if ended_too else enrolment.seats.current()
    seat = get_object_or_404(seats.select_related("person"), pk=seat_pk)
    seat.enrolment = enrolment
    return enrolment, seat


@require_POST
def seat_end(request, pk, seat_pk):
    enrolment, seat = _get_seat(request, pk, seat_pk)
    act_and_report(
        request,
        lambda: services.end_seat(seat, by=request.user),
        _("%(name)s is no longer on the team.") % {"name": seat.person},
    )
    return redirect("cohorts:enrolment_seats", pk=enrolment.pk)


def seat_replace(request, pk, seat_pk):
    # The form sent again (Back, a second click) finds the seat the first send ended, and is
    # told that it was already sent; the service refuses to replace an ended seat.
    enrolment, seat = _get_seat(request, pk, seat_pk, ended_too=request.method == "POST")
    form = SeatForm(
        request.POST or None,
        enrolment=enrolment,
        initial={"role": seat.role},
    )
    if request.method == "POST":
        new_seat = run_service(
            form,
            lambda: services.replace_seat(
                seat,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                by=request.user,
            ),
        )
        if new_seat:
            messages.success(
                request,
                _("%(new)s now holds the seat of %(old)s.")
                % {"new": new_seat.person, "old": seat.person},
            )
            return redirect("cohorts:enrolment_seats", pk=enrolment.pk)
    return render(
        request,
        "cohorts/seat_replace.html",
        {"enrolment": enrolment, "seat": seat, "form": form},
    )


# Organisations -------------------------------------------------------------------------------


def organisation_list(request):
    kind = request.GET.get("kind", "")
    organisations = selectors.organisations_for(request.user).annotate(
        # A grantee's cohorts are its enrolments; a planning partner's, the cohorts it is
        # assigned to (an organisation is one kind or the other).
        cohort_count=Count("enrolments", distinct=True) + Count("partner_cohorts", distinct=True),
        member_count=Count("memberships", distinct=True),
    )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    return render(
        request,
        "cohorts/organisation_list.html",
        {"organisations": organisations, "kind": kind, "kinds": OrganisationKind.choices},
    )


def organisation_detail(request, pk):
    user = request.user
    organisation = selectors.get_organisation_for(user, pk)
    enrolments = (
        selectors.enrolments_for(user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch("seats", queryset=selectors.current_seats(), to_attr="current_seats")
        )
        .order_by("-cohort__starts_on")
    )
    members = organisation.memberships.select_related("person").order_by("person__full_name")
    context = {
        "organisation": organisation,
        "enrolments": enrolments,
        "members": members,
        "can_manage": user.has_perm("cohorts.manage_organisations"),
    }
    if organisation.kind == OrganisationKind.PLANNING_PARTNER:
        context["partner_cohorts"] = (
            selectors.cohorts_for(user)
            .filter(partners=organisation)
            .annotate(team_count=Count("enrolments", distinct=True))
        )
    return render(request, "cohorts/organisation_detail.html", context)


def _organisation_form(request, organisation=None):
    require(request.user, "cohorts.manage_organisations")
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST":
        saved = run_service(
            form, lambda: services.save_organisation(form.instance, by=request.user)
        )
        if saved:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect(saved)
    return render(
        request, "cohorts/organisation_form.html", {"form": form, "organisation": organisation}
    )


def organisation_create(request):
    return _organisation_form(request)


def organisation_edit(request, pk):
    return _organisation_form(request, selectors.get_organisation_for(request.user, pk))
