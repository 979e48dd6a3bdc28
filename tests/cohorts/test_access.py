"""Every object page is scoped to the person asking: outside the scope it is a 404.

The world (see conftest): cohort1 of program1 has team_a and team_b, facilitator fac1 and the
planning partner `partner`; cohort2 of program2 has team_c and facilitator fac2;
`stray_partner` belongs to a planning partner assigned to no cohort.

Pages that only staff may use (edit, enrol, seats) answer 403 to a person who may see the
object but not change it, and 404 to everyone outside the scope, so ids leak nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import Invitation
from cohorts.choices import CohortStatus, TeamRole
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

# Who may see what, by role name (World.person turns a name into the person).
SEES_COHORT1 = frozenset({"fac1", "team_a", "team_b", "partner"})
SEES_TEAM_A = frozenset({"fac1", "team_a", "partner"})
EVERYONE = frozenset({"fac1", "fac2", "team_a", "team_b", "team_c", "partner", "stray_partner"})


def member_seat(world):
    return world.team_a.seats.get(role=TeamRole.MEMBER)


@dataclass(frozen=True)
class Page:
    id: str
    url_name: str
    args: Callable
    entitled: frozenset  # people (besides staff) who may see the object
    other_team: str  # the team member for whom this is another team's page
    manage: bool = False  # staff-only page: entitled non-staff get 403, not 200
    method: str = "get"

    def url(self, world):
        name = self.url_name if ":" in self.url_name else f"cohorts:{self.url_name}"
        return reverse(name, args=self.args(world))

    @property
    def outsiders(self):
        return EVERYONE - self.entitled

    @property
    def staff_status(self):
        return 302 if self.method == "post" else 200


PAGES = [
    Page("program_detail", "program_detail", lambda w: [w.program1.pk], SEES_COHORT1, "team_c"),
    Page("program_edit", "program_edit", lambda w: [w.program1.pk], SEES_COHORT1, "team_c", True),
    Page("cohort_create", "cohort_create", lambda w: [w.program1.pk], SEES_COHORT1, "team_c", True),
    Page(
        "cohort_detail",
        "dashboard:cohort_detail",
        lambda w: [w.cohort1.pk],
        SEES_COHORT1,
        "team_c",
    ),
    Page("cohort_edit", "cohort_edit", lambda w: [w.cohort1.pk], SEES_COHORT1, "team_c", True),
    Page("cohort_enrol", "cohort_enrol", lambda w: [w.cohort1.pk], SEES_COHORT1, "team_c", True),
    Page(
        "cohort_start",
        "cohort_start",
        lambda w: [w.cohort1.pk],
        SEES_COHORT1,
        "team_c",
        True,
        "post",
    ),
    Page(
        "cohort_complete",
        "cohort_complete",
        lambda w: [w.cohort1.pk],
        SEES_COHORT1,
        "team_c",
        True,
        "post",
    ),
    Page("team_detail", "enrolment_detail", lambda w: [w.team_a.pk], SEES_TEAM_A, "team_b"),
    Page("team_seats", "enrolment_seats", lambda w: [w.team_a.pk], SEES_TEAM_A, "team_b", True),
    Page(
        "seat_replace",
        "seat_replace",
        lambda w: [w.team_a.pk, member_seat(w).pk],
        SEES_TEAM_A,
        "team_b",
        True,
    ),
    Page(
        "seat_end",
        "seat_end",
        lambda w: [w.team_a.pk, member_seat(w).pk],
        SEES_TEAM_A,
        "team_b",
        True,
        "post",
    ),
    Page(
        "organisation_detail",
        "organisation_detail",
        lambda w: [w.team_a.organisation_id],
        SEES_TEAM_A,
        "team_b",
    ),
    Page(
        "organisation_edit",
        "organisation_edit",
        lambda w: [w.team_a.organisation_id],
        SEES_TEAM_A,
        "team_b",
        True,
    ),
    Page(
        "partner_organisation_detail",
        "organisation_detail",
        lambda w: [w.partner_org.pk],
        SEES_COHORT1,  # a cohort's planning partners are visible to everyone in it
        "team_c",
    ),
    Page(
        "partner_organisation_edit",
        "organisation_edit",
        lambda w: [w.partner_org.pk],
        SEES_COHORT1,
        "team_c",
        True,
    ),
]


def pages(predicate=lambda page: True):
    return [pytest.param(page, id=page.id) for page in PAGES if predicate(page)]


def page_people(kind):
    """(page, person) pairs for people who may see the page's object."""
    params = []
    for page in PAGES:
        wanted = page.manage if kind == "manage" else not page.manage
        if wanted:
            params += [
                pytest.param(page, who, id=f"{who}-{page.id}") for who in sorted(page.entitled)
            ]
    return params


def open_page(client, world, page, who):
    if who is not None:
        client.force_login(world.person(who))
    return getattr(client, page.method)(page.url(world))


def assert_nothing_changed(world):
    """A refused request changes nothing: the actions above would start the cohort or end
    team A's member seat."""
    world.cohort1.refresh_from_db()
    assert world.cohort1.status == CohortStatus.PLANNED
    assert world.team_a.seats.current().count() == 3


@pytest.mark.parametrize("page", pages())
def test_staff_can_open_every_page(client, world, page):
    response = open_page(client, world, page, "staff")
    assert response.status_code == page.staff_status


@pytest.mark.parametrize(("page", "who"), page_people("view"))
def test_people_in_the_scope_see_the_page(client, world, page, who):
    assert open_page(client, world, page, who).status_code == 200


@pytest.mark.parametrize(("page", "who"), page_people("manage"))
def test_people_in_the_scope_who_are_not_staff_are_refused_management_pages(
    client, world, page, who
):
    assert open_page(client, world, page, who).status_code == 403
    assert_nothing_changed(world)


@pytest.mark.parametrize("page", pages())
def test_team_cannot_see_another_teams_page(client, world, page):
    assert open_page(client, world, page, page.other_team).status_code == 404
    assert_nothing_changed(world)


@pytest.mark.parametrize("page", pages())
def test_facilitator_cannot_see_another_cohorts_page(client, world, page):
    assert open_page(client, world, page, "fac2").status_code == 404
    assert_nothing_changed(world)


@pytest.mark.parametrize("page", pages())
def test_unassigned_partner_cannot_see_the_page(client, world, page):
    assert open_page(client, world, page, "stray_partner").status_code == 404
    assert_nothing_changed(world)


@pytest.mark.parametrize("page", pages())
def test_everyone_outside_the_scope_gets_404(client, world, page):
    statuses = {who: open_page(client, world, page, who).status_code for who in page.outsiders}
    assert statuses == dict.fromkeys(page.outsiders, 404)


@pytest.mark.parametrize("page", pages())
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    response = open_page(client, world, page, None)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert_nothing_changed(world)


def test_a_team_member_whose_seat_ended_loses_the_teams_pages(client, world):
    seat = member_seat(world)
    seat.ended_at = seat.started_at
    seat.save()
    client.force_login(seat.person)
    assert (
        client.get(reverse("cohorts:enrolment_detail", args=[world.team_a.pk])).status_code == 404
    )
    assert (
        client.get(reverse("dashboard:cohort_detail", args=[world.cohort1.pk])).status_code == 404
    )


# Lists show only what is in the scope --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", {"Cohort One", "Cohort Two"}),
        ("fac1", {"Cohort One"}),
        ("fac2", {"Cohort Two"}),
        ("team_a", {"Cohort One"}),
        ("team_c", {"Cohort Two"}),
        ("partner", {"Cohort One"}),
        ("stray_partner", set()),
    ],
)
def test_the_cohort_list_shows_only_the_persons_cohorts(client, world, who, expected):
    client.force_login(world.person(who))
    response = client.get(reverse("cohorts:cohort_list"))
    assert {cohort.name for cohort in response.context["cohorts"]} == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # A cohort's planning partners are listed for everyone in the cohort.
        ("team_a", {"team_a", "partner_org"}),
        ("team_b", {"team_b", "partner_org"}),
        ("fac1", {"team_a", "team_b", "partner_org"}),
        ("fac2", {"team_c"}),
        ("partner", {"team_a", "team_b", "partner_org"}),
        ("stray_partner", {"stray_partner_org"}),
    ],
)
def test_the_organisation_list_shows_only_the_persons_organisations(client, world, who, expected):
    names = {
        "team_a": world.team_a.organisation.name,
        "team_b": world.team_b.organisation.name,
        "team_c": world.team_c.organisation.name,
        "partner_org": world.partner_org.name,
        "stray_partner_org": world.stray_partner_org.name,
    }
    client.force_login(world.person(who))
    response = client.get(reverse("cohorts:organisation_list"))
    assert {org.name for org in response.context["organisations"]} == {
        names[key] for key in expected
    }


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_only_staff_see_the_program_list(client, world, who):
    client.force_login(world.person(who))
    assert client.get(reverse("cohorts:program_list")).status_code == 403


def test_a_cohort_that_does_not_exist_is_404_for_staff_too(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("dashboard:cohort_detail", args=[999_999])).status_code == 404


def test_a_seat_of_another_team_cannot_be_reached_through_a_visible_team(client, world):
    """The seat id is looked up inside the team in the URL, never on its own."""
    other_seat = world.team_b.seats.get(role=TeamRole.MEMBER)
    client.force_login(world.staff)
    url = reverse("cohorts:seat_replace", args=[world.team_a.pk, other_seat.pk])
    assert client.get(url).status_code == 404
    url = reverse("cohorts:seat_end", args=[world.team_a.pk, other_seat.pk])
    assert client.post(url).status_code == 404
    other_seat.refresh_from_db()
    assert other_seat.is_current


# Invitations: staff only, and the answer is the same whether the invitation exists -----------


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_people_who_are_not_staff_cannot_touch_an_invitation(client, world, who, action):
    invitation = InvitationFactory()
    client.force_login(world.person(who))
    existing = client.post(reverse(f"accounts:{action}", args=[invitation.pk]))
    missing = client.post(reverse(f"accounts:{action}", args=[invitation.pk + 1000]))
    assert existing.status_code == missing.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and invitation.send_count == 0


@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_only_staff_see_the_invitation_pages(client, world, who):
    client.force_login(world.person(who))
    assert client.get(reverse("accounts:invitation_list")).status_code == 403
    assert client.get(reverse("accounts:invitation_create")).status_code == 403


def test_staff_see_the_invitation_pages(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("accounts:invitation_list")).status_code == 200
    assert client.get(reverse("accounts:invitation_create")).status_code == 200
