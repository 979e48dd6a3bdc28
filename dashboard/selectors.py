"""Reads that gather from several apps for one page. Reads only; every one scoped to the
person asking through the apps' own selectors."""

from django.db.models import Count

from accounts.models import Invitation
from cohorts import selectors as cohort_selectors
from cohorts.choices import CohortStatus
from cohorts.models import Cohort
from sessions_app.selectors import attendance_summary, upcoming_for

with_team_count = Count("enrolments", distinct=True)


def home_sections(user, roles):
    """One section for each role the person holds."""
    sections = {"upcoming": upcoming_for(user)}
    if roles.staff:
        sections["staff_cohorts"] = (
            Cohort.objects.exclude(status=CohortStatus.COMPLETED)
            .select_related("program")
            .annotate(team_count=with_team_count)
            .order_by("starts_on")
        )
        sections["open_invitations"] = Invitation.objects.open().count()
    if roles.facilitator:
        sections["facilitated"] = cohort_selectors.facilitated_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.partner:
        sections["partnered"] = cohort_selectors.partnered_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.team:
        sections["teams"] = cohort_selectors.my_team_enrolments(user)
    return sections


def cohort_page(user, pk):
    """A cohort, its teams, and what the person may see of its progress (404 if not theirs)."""
    cohort = cohort_selectors.get_cohort_for(user, pk)
    teams = list(cohort_selectors.cohort_teams(cohort))
    page = {
        "cohort": cohort,
        "teams": teams,
        "facilitators": list(cohort.facilitators.all()),
        "partners": list(cohort.partners.all()),
        "can_manage": user.has_perm("cohorts.manage_cohort", cohort),
        "my_team_ids": {
            t.pk for t in teams if any(s.person_id == user.pk for s in t.current_seats)
        },
        "opens_every_team": cohort_selectors.enrolments_for(user).filter(cohort=cohort).count()
        == len(teams),
    }
    if page["can_manage"]:
        page["checks"] = cohort_selectors.readiness(cohort, teams)
        page["ready"] = all(check.ok for check in page["checks"])
    if user.has_perm("sessions_app.mark_attendance", cohort):
        page["held"], page["attendance"] = attendance_summary(cohort, teams)
    return page
