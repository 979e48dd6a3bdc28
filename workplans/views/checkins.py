"""Check-ins after the cohort: the signed link from the emails, the team's list, the check-in
form (drafts, submit once, reopen), the facilitator's review and extension, and the cohort's
community-of-practice page. Every object comes through the scoped selectors (404 for anyone
else's), every write is checked by its rule here and again in the service."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render

from workplans import checkin_links, selectors


@login_not_required
def checkin_link(request, token):
    """The link in a check-in's emails. A GET changes nothing: it sends the person it was made
    for to the form (through the login page, and back, when they are signed out). A link that
    was tampered with, has expired or is another person's gets a page that says so."""
    link = checkin_links.read(token)
    if link.checkin_pk is None:
        return _link_refused(request, "tampered", status=400)
    if link.expired:
        return _link_refused(request, "expired", checkin_pk=link.checkin_pk, status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != link.person_pk:
        return _link_refused(request, "another_person", status=403)
    try:
        checkin = selectors.get_checkin_for(request.user, link.checkin_pk)
    except Http404:
        return _link_refused(request, "gone", status=404)
    return redirect(checkin)


def _link_refused(request, reason, *, checkin_pk=None, status):
    return render(
        request,
        "workplans/checkin_link.html",
        {
            "reason": reason,
            "checkin_pk": checkin_pk,
            "max_age_days": checkin_links.LINK_MAX_AGE.days,
        },
        status=status,
    )


def checkin(request, pk):
    checkin = selectors.get_checkin_for(request.user, pk)
    return render(request, "workplans/checkin.html", {"checkin": checkin})
