"""Scope first: another cohort's session, attendance or material is a 404 — for a member of
a team in another cohort, for another cohort's facilitator and for an unassigned partner —
whatever the method, so ids leak nothing."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sessions_app.models import Attendance, LearningSession, Material, Reschedule, WrapUp
from tests.sessions_app.factories import (
    FileMaterialFactory,
    LearningSessionFactory,
    LinkMaterialFactory,
)
from tests.sessions_app.form_data import DETAILS, LINK, MOVE, ONE_SESSION, SERIES

NOW = datetime(2026, 10, 6, 15, 40, tzinfo=UTC)
OUTSIDERS = ["team_c", "fac2", "stray_partner"]
READERS = ["team_a", "team_b", "fac1", "partner", "staff"]
SCHEDULERS = ["fac1", "staff"]


@pytest.fixture(autouse=True)
def _twenty_minutes_before_the_session():
    """Answers are still open and attendance has opened (30 minutes before the start)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def objects(world, media):
    session = LearningSessionFactory(
        cohort=world.cohort1, starts_at=datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
    )
    return {
        "cohort": world.cohort1,
        "session": session,
        "file": FileMaterialFactory(session=session, title="Slides"),
        "link": LinkMaterialFactory(session=session, title="Reading"),
        "person": world.team_a_ed,
    }


def urls(o):
    """(name, method, url, data) for every sessions_app URL that names an object."""
    cohort, session, file, link, person = (
        o["cohort"].pk,
        o["session"].pk,
        o["file"].pk,
        o["link"].pk,
        o["person"].pk,
    )
    # Create forms carry a one-time token (portal.forms.SubmitOnceMixin).
    token = {"submission": "a-one-time-token"}
    series, one, link_material = ({**data, **token} for data in (SERIES, ONE_SESSION, LINK))
    return {
        "schedule": ("get", reverse("sessions_app:schedule", args=[cohort]), None),
        "series": ("get", reverse("sessions_app:series_create", args=[cohort]), None),
        "series-post": ("post", reverse("sessions_app:series_create", args=[cohort]), series),
        "new": ("get", reverse("sessions_app:session_create", args=[cohort]), None),
        "new-post": ("post", reverse("sessions_app:session_create", args=[cohort]), one),
        "detail": ("get", reverse("sessions_app:session_detail", args=[session]), None),
        "edit": ("get", reverse("sessions_app:session_edit", args=[session]), None),
        "edit-post": ("post", reverse("sessions_app:session_edit", args=[session]), DETAILS),
        "reschedule": ("get", reverse("sessions_app:session_reschedule", args=[session]), None),
        "reschedule-post": (
            "post",
            reverse("sessions_app:session_reschedule", args=[session]),
            MOVE,
        ),
        "cancel": ("get", reverse("sessions_app:session_cancel", args=[session]), None),
        "cancel-post": (
            "post",
            reverse("sessions_app:session_cancel", args=[session]),
            {"reason": "x"},
        ),
        "undo": ("post", reverse("sessions_app:session_undo", args=[session]), None),
        "rsvp": (
            "post",
            reverse("sessions_app:session_rsvp", args=[session]),
            {"rsvp": "attending"},
        ),
        "attendance": (
            "post",
            reverse("sessions_app:attendance_mark", args=[session, person]),
            {"mark": "present"},
        ),
        "attendance-rest": (
            "post",
            reverse("sessions_app:attendance_mark_rest", args=[session]),
            None,
        ),
        "wrap-up": ("get", reverse("sessions_app:session_wrap_up", args=[session]), None),
        "wrap-up-post": (
            "post",
            reverse("sessions_app:session_wrap_up", args=[session]),
            {"notes": "What we covered"},
        ),
        "material-add": ("get", reverse("sessions_app:material_add", args=[session]), None),
        "material-add-post": (
            "post",
            reverse("sessions_app:material_add", args=[session]),
            link_material,
        ),
        "material-download": (
            "get",
            reverse("sessions_app:material_download", args=[session, file]),
            None,
        ),
        "link-download": (
            "get",
            reverse("sessions_app:material_download", args=[session, link]),
            None,
        ),
        "material-delete": (
            "post",
            reverse("sessions_app:material_delete", args=[session, file]),
            None,
        ),
        "ics": ("get", reverse("sessions_app:session_ics", args=[session]), None),
    }


# Who may do what on cohort one, and what they get.
ENTITLED = [
    ("schedule", READERS, 200),
    ("series", SCHEDULERS, 200),
    ("series-post", SCHEDULERS, 302),
    ("new", SCHEDULERS, 200),
    ("new-post", SCHEDULERS, 302),
    ("detail", READERS, 200),
    ("edit", SCHEDULERS, 200),
    ("edit-post", SCHEDULERS, 302),
    ("reschedule", SCHEDULERS, 200),
    ("reschedule-post", SCHEDULERS, 302),
    ("cancel", SCHEDULERS, 200),
    ("cancel-post", SCHEDULERS, 302),
    ("undo", SCHEDULERS, 302),
    ("rsvp", ["team_a", "team_b", "partner"], 302),
    ("attendance", SCHEDULERS, 302),
    ("attendance-rest", SCHEDULERS, 302),
    ("wrap-up", SCHEDULERS, 200),
    # The session has not been held yet: the form comes back saying so.
    ("wrap-up-post", SCHEDULERS, 200),
    ("material-add", SCHEDULERS, 200),
    ("material-add-post", SCHEDULERS, 302),
    ("material-download", READERS, 200),
    # A link material has no address of its own: the session page links to its site.
    ("link-download", READERS, 404),
    ("material-delete", SCHEDULERS, 302),
    ("ics", READERS, 200),
]
ALL_URLS = [name for name, _who, _status in ENTITLED]


def request(client, method, url, data):
    return getattr(client, method)(url, data) if data else getattr(client, method)(url)


def snapshot():
    """Everything a request to these URLs could change."""
    return (
        list(LearningSession.objects.values_list("pk", "title", "status", "starts_at", "sequence")),
        list(Material.objects.values_list("pk", "title")),
        list(Attendance.objects.values_list("pk", "rsvp", "mark")),
        Reschedule.objects.count(),
        list(WrapUp.objects.values_list("pk", "notes")),
    )


@pytest.mark.parametrize(
    ("name", "role", "status"),
    [(name, role, status) for name, roles, status in ENTITLED for role in roles],
)
def test_the_entitled_person_gets_the_page(client, world, objects, name, role, status):
    method, url, data = urls(objects)[name]
    client.force_login(world.person(role))

    response = request(client, method, url, data)

    assert response.status_code == status
    if name == "material-download":
        assert b"".join(response.streaming_content) == b"%PDF-1.4 slides"


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("name", ALL_URLS)
def test_people_outside_the_cohort_get_404_and_change_nothing(client, world, objects, name, role):
    method, url, data = urls(objects)[name]
    before = snapshot()
    client.force_login(world.person(role))

    response = request(client, method, url, data)

    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "series",
        "series-post",
        "new",
        "new-post",
        "edit",
        "edit-post",
        "reschedule",
        "reschedule-post",
        "cancel",
        "cancel-post",
        "undo",
        "attendance",
        "attendance-rest",
        "wrap-up",
        "wrap-up-post",
        "material-add",
        "material-add-post",
        "material-delete",
    ],
)
@pytest.mark.parametrize("role", ["team_a", "partner"])
def test_people_who_see_the_cohort_but_do_not_schedule_it_are_refused(
    client, world, objects, name, role
):
    method, url, data = urls(objects)[name]
    before = snapshot()
    client.force_login(world.person(role))

    response = request(client, method, url, data)

    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("name", ALL_URLS)
def test_signed_out_visitors_are_sent_to_the_login_page(objects, name):
    method, url, data = urls(objects)[name]

    response = request(Client(), method, url, data)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_material_is_404_through_another_sessions_url(client, world, objects):
    """A material id pasted under a session the person can see is still only its own."""
    other = LearningSessionFactory(cohort=world.cohort2)
    foreign = FileMaterialFactory(session=other)
    mine = LearningSessionFactory(cohort=world.cohort1)
    client.force_login(world.fac1)

    swapped = [
        reverse("sessions_app:material_download", args=[mine.pk, foreign.pk]),
        reverse("sessions_app:material_download", args=[other.pk, foreign.pk]),
        reverse("sessions_app:material_download", args=[mine.pk, objects["file"].pk]),
    ]

    assert [client.get(url).status_code for url in swapped] == [404, 404, 404]
    response = client.post(reverse("sessions_app:material_delete", args=[mine.pk, foreign.pk]))
    assert response.status_code == 404
    assert Material.objects.filter(pk=foreign.pk).exists()


def test_attendance_of_another_cohorts_session_is_404_for_a_facilitator(client, world, objects):
    other = LearningSessionFactory(
        cohort=world.cohort2, starts_at=datetime(2026, 10, 6, 16, 0, tzinfo=UTC)
    )
    client.force_login(world.fac1)

    response = client.post(
        reverse("sessions_app:attendance_mark", args=[other.pk, world.team_c_ed.pk]),
        {"mark": "present"},
    )

    assert response.status_code == 404
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("team_a", True),
        ("fac1", True),
        ("partner", True),
        ("staff", True),
        ("team_c", False),
        ("fac2", False),
        ("stray_partner", False),
    ],
)
def test_the_schedule_lists_a_sessions_title_only_to_those_in_scope(
    client, world, objects, role, visible
):
    client.force_login(world.person(role))

    response = client.get(reverse("sessions_app:schedule", args=[world.cohort1.pk]))

    assert response.status_code == (200 if visible else 404)
    assert (objects["session"].title in response.content.decode()) is visible
