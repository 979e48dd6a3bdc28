from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import AcceptInvitationForm, InvitationForm, ProfileForm
from accounts.models import Invitation
from accounts.timezones import DEFAULT_TIME_ZONE
from portal.forms import SUBMISSION_FIELD, act_and_report, run_service


@login_not_required
@require_POST
def set_language(request):
    """The language menu: remembered on the profile of a signed-in person, else in a cookie."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(
        ProfileForm.base_fields["language"].choices
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return django_set_language(request)


# Invitations ---------------------------------------------------------------------------------


def _staff_only(request):
    if not request.user.has_perm("accounts.invite_people"):
        raise PermissionDenied


def invitation_list(request):
    _staff_only(request)
    status = request.GET.get("status", "open")
    invitations = Invitation.objects.all()
    filters = {
        "open": invitations.open(),
        "accepted": invitations.filter(accepted_at__isnull=False),
        "expired": invitations.expired(),
        "revoked": invitations.filter(revoked_at__isnull=False),
        "all": invitations,
    }
    if status not in filters:
        status = "open"
    invitations = filters[status].select_related(
        "organisation", "cohort", "enrolment__cohort", "enrolment__organisation", "invited_by"
    )
    return render(
        request,
        "accounts/invitation_list.html",
        {"invitations": invitations, "status": status, "statuses": list(filters)},
    )


def invitation_create(request):
    _staff_only(request)
    initial = {
        key: request.GET[key]
        for key in ("kind", "organisation", "enrolment", "cohort")
        if key in request.GET
    }
    if request.method == "POST" and (request.htmx or "refresh" in request.POST):
        return _invitation_form_again(request)
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        invitation = run_service(
            form, lambda: services.invite(by=request.user, **form.cleaned_data)
        )
        if invitation:
            if invitation.accepted_by_id:
                messages.success(
                    request,
                    _(
                        "%(email)s already has an account: the role was added to it and they "
                        "were told by email."
                    )
                    % {"email": invitation.email},
                )
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. The link works for %(days)s days.")
                    % {"email": invitation.email, "days": settings.INVITATION_DAYS},
                )
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


def _invitation_form_again(request):
    """The form again for the role or organisation just chosen, with what was typed, unsent
    and without errors: the fields it now needs (htmx asks for those alone), or the whole
    page for a browser without JavaScript."""
    typed = {
        name: request.POST[name] for name in InvitationForm.Meta.fields if name in request.POST
    }
    if request.POST.get(SUBMISSION_FIELD):
        # The page keeps the token of the form it was first given: sending it after going
        # Back is still a second submission.
        typed[SUBMISSION_FIELD] = request.POST[SUBMISSION_FIELD]
    form = InvitationForm(initial=typed)
    if request.htmx:
        return render(
            request,
            "accounts/_invitation_fields.html",
            {"form": form, "changed": request.htmx.trigger_name},
        )
    return render(request, "accounts/invitation_form.html", {"form": form})


def _invitation_action(request, pk, action, done_message):
    _staff_only(request)
    invitation = get_object_or_404(Invitation, pk=pk)
    act_and_report(
        request,
        lambda: action(invitation, by=request.user),
        done_message % {"email": invitation.email},
    )
    return redirect("accounts:invitation_list")


@require_POST
def invitation_resend(request, pk):
    return _invitation_action(
        request, pk, services.resend_invitation, _("Invitation sent again to %(email)s.")
    )


@require_POST
def invitation_revoke(request, pk):
    return _invitation_action(
        request, pk, services.revoke_invitation, _("The invitation for %(email)s is revoked.")
    )


@login_not_required
def invitation_accept(request, key):
    try:
        invitation = services.open_invitation(key)
    except services.InvitationClosed as closed:
        return render(request, "accounts/invitation_closed.html", {"reason": closed.status})
    if request.user.is_authenticated:
        return render(request, "accounts/invitation_closed.html", {"reason": "signed_in"})
    zone = invitation.organisation.default_time_zone if invitation.organisation else None
    form = AcceptInvitationForm(
        request.POST or None,
        invitation=invitation,
        initial={
            "full_name": invitation.full_name,
            "time_zone": zone or DEFAULT_TIME_ZONE,
            "language": invitation.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.accept_invitation(
                key,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationClosed as closed:
            return render(request, "accounts/invitation_closed.html", {"reason": closed.status})
        except ValidationError:
            # The team filled up (or got its executive director) since the invitation went.
            return render(request, "accounts/invitation_closed.html", {"reason": "team_full"})
        login(request, person, backend="allauth.account.auth_backends.AuthenticationBackend")
        # In the language the person just chose: this request still speaks the visitor's.
        with translation.override(person.language):
            welcome = _("Welcome, %(name)s. Your account is ready.") % {"name": person.full_name}
        messages.success(request, welcome)
        return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )
