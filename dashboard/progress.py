"""What the progress pages (the national view, a cohort's progress, a state's dossier) and
their exports share: who may read them, and the "as of" and "since" of their numbers.

Staff read every cohort; a facilitator reads the cohorts they facilitate; nobody else reads
any (a 404, not a 403: the pages do not say they exist). The national view and the state
dossiers are for staff only.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohorts import selectors as cohort_selectors
from cohorts.models import Cohort
from cohorts.rules import is_alliance_staff

SINCE_DAYS = 30  # "what changed": since this many days ago, unless the person picks a date


def progress_cohorts_for(user):
    """The cohorts whose progress the person may read: every one for staff, the ones they
    facilitate for a facilitator, none for anyone else."""
    if is_alliance_staff(user):
        return Cohort.objects.select_related("program")
    return cohort_selectors.facilitated_cohorts(user)


def get_progress_cohort_for(user, pk):
    return get_object_or_404(progress_cohorts_for(user), pk=pk)


def staff_only(request):
    """The national view and the dossiers: a 404 for everyone but Alliance staff. Asks the
    request's roles, which the menu reads too: one query for both."""
    if not request.roles.staff:
        raise Http404


@dataclass(frozen=True)
class Window:
    """When a page's numbers were computed (`as_of`, shown in the viewer's zone) and the day
    "what changed" counts from (`since`, inclusive, in the viewer's zone)."""

    as_of: datetime
    since: date

    @property
    def since_start(self):
        """The first instant of `since` in the viewer's zone, to compare with timestamps."""
        return timezone.make_aware(datetime.combine(self.since, datetime.min.time()))

    @property
    def today(self):
        return timezone.localdate(self.as_of)


def window(since=None):
    """The page's window: now, and `since` (a date the person picked, already validated) or
    SINCE_DAYS ago."""
    now = timezone.now()
    return Window(now, since or timezone.localdate(now) - timedelta(days=SINCE_DAYS))
