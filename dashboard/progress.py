"""What the progress pages (the national view, a cohort's progress, a state's dossier) and
their exports share: who may read them, the "as of" and "since" of their numbers, and what
"what changed" since that day counts (Changes, Changed).

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
from cohorts.models import Cohort, Enrolment, TakingPart
from cohorts.rules import is_alliance_staff
from sessions_app.models import LearningSession
from workplans.choices import CheckInStatus
from workplans.models import ActionItem, CheckIn

SINCE_DAYS = 30  # "what changed": since this many days ago, unless the person picks a date


def progress_cohorts_for(user):
    """The cohorts whose progress the person may read: every one for staff, the ones they
    facilitate for a facilitator, none for anyone else."""
    if is_alliance_staff(user):
        return Cohort.objects.select_related("program")
    return cohort_selectors.facilitated_cohorts(user)


def reads_progress(roles, user, cohort):
    """progress_cohorts_for's rule for one cohort (the cohort page's "Progress" link): staff,
    or one of its facilitators (Cohort.has_person, which reads the facilitators the page
    prefetched)."""
    return roles.staff or cohort.has_person(user, (TakingPart.FACILITATOR,))


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


@dataclass(frozen=True)
class Changes:
    """What changed from a window's `since` to its `as_of` (the counts of Changed's rows)."""

    since: date
    new_teams: int
    sessions_held: int
    actions_done: int
    checkins_in: int


@dataclass(frozen=True)
class Changed:
    """The rows "what changed" counts, from the first instant of the window's `since` (in the
    viewer's zone) to its `as_of` — the one definition the national view and a cohort's
    progress share; each counts them within its own queries (for the cohorts, and the teams,
    it covers):

    - `teams`: enrolments created;
    - `sessions`: held sessions (LearningSession.objects.held) that started;
    - `actions`: action items done (ActionItem.objects.done()), by when they were done;
    - `checkins`: check-ins submitted and not reopened since (open again is not in).
    """

    since: date
    teams: object  # querysets
    sessions: object
    actions: object
    checkins: object


def changed(window):
    start, end = window.since_start, window.as_of
    return Changed(
        since=window.since,
        teams=Enrolment.objects.filter(created_at__gte=start, created_at__lte=end),
        sessions=LearningSession.objects.held(end).filter(starts_at__gte=start),
        actions=ActionItem.objects.done().filter(done_at__gte=start, done_at__lte=end),
        checkins=CheckIn.objects.exclude(status=CheckInStatus.OPEN).filter(
            submitted_at__gte=start, submitted_at__lte=end
        ),
    )
