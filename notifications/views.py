from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cohorts.selectors import cohorts_for, facilitated_cohorts
from notifications import kinds, selectors, services
from notifications.forms import DELIVERY_PREFIX, EmailChoicesForm
from notifications.models import Notification


def outbox(request):
    roles = request.roles
    if not (roles.staff or roles.facilitator):
        raise PermissionDenied
    filters = {
        # NUL can't reach PostgreSQL in a text comparison: drop it with the whitespace.
        name: request.GET.get(name, "").replace("\x00", "").strip()
        for name in ("state", "kind", "cohort", "recipient")
    }
    rows = selectors.filtered_outbox(request.user, **filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_labels(page.object_list)
    cohorts = cohorts_for(request.user) if roles.staff else facilitated_cohorts(request.user)
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "filters": filters,
            "states": Notification.State.choices,
            "kinds": kinds.choices(),
            "kind_labels": dict(kinds.choices()),
            "cohorts": cohorts.order_by("name"),
            "query": request.GET.copy(),
        },
    )


@require_POST
def send_again(request, pk):
    row = selectors.get_outbox_row_for(request.user, pk)
    if row.state != Notification.State.FAILED:
        messages.error(request, _("Only a failed message can be sent again."))
    else:
        services.send_again(row)
        services.dispatch_soon()
        messages.success(
            request, _("The message to %(email)s is back in the queue.") % {"email": row.to_email}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "notifications:outbox"
    return redirect(back)


def preferences(request):
    person = request.user
    muted = services.muted_kinds(person.email)
    chosen = services.deliveries(person)
    form = EmailChoicesForm(
        request.POST if request.method == "POST" else None,
        initial={
            "kinds": [code for code in kinds.REGISTRY if code not in muted],
            **{DELIVERY_PREFIX + code: delivery for code, delivery in chosen.items()},
        },
    )
    if request.method == "POST" and form.is_valid():
        services.save_email_choices(
            person, on=set(form.cleaned_data["kinds"]), deliveries=form.deliveries()
        )
        messages.success(request, _("Your email choices are saved."))
        return redirect("notifications:preferences")
    on = set(form["kinds"].value() or [])
    upcoming, recent = selectors.my_notifications(person)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "kinds": [
                (kind, kind.code in on, form.delivery_field(kind.code))
                for kind in kinds.REGISTRY.values()
            ],
            "upcoming": upcoming,
            "recent": recent,
            "kind_labels": dict(kinds.choices()),
        },
    )


@login_not_required
@csrf_exempt
def unsubscribe(request, token):
    """The link in every email and its List-Unsubscribe header. No login: the token is signed.

    GET shows one button (mail scanners follow links, so a GET changes nothing);
    POST turns the kind off — RFC 8058 one-click POSTs land here too — and offers undo.
    """
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    email, code = found
    kind = kinds.get(code)
    if request.method == "POST":
        undo = request.POST.get("undo") == "1"
        services.set_muted(email, code, not undo)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"kind": kind, "email": email, "token": token, "done": not undo, "undone": undo},
        )
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind": kind, "email": email, "token": token},
    )
