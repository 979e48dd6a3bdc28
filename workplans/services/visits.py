"""A person's visits to a team's home page: what arrived since the last one is news to them."""

from django.utils import timezone

from workplans.models import TeamVisit


def record_visit(person, enrolment, *, at=None):
    """Remember that `person` looked at `enrolment`'s home page now (or `at`).

    The caller has the enrolment from a scoped read (dashboard.selectors.team_home): only
    someone who may see the team's home page gets here. One statement, an upsert on the
    (person, enrolment) pair, so two tabs opened at once keep one row and no transaction is
    needed around it (nor the savepoint one would add to every page view).
    """
    TeamVisit.objects.bulk_create(
        [TeamVisit(person=person, enrolment=enrolment, seen_at=at or timezone.now())],
        update_conflicts=True,
        unique_fields=["person", "enrolment"],
        update_fields=["seen_at"],
    )
