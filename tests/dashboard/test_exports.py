"""The exports (issue 12): every action item, the attendance and the check-ins of the cohorts a
person may read, as CSV files that open cleanly in a spreadsheet — a header row, ISO dates,
moments in UTC, words not codes, UTF-8 with a byte-order mark, formulas neutralised — streamed
from one query read in chunks, so a large export starts at once."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import TeamRole
from dashboard import exports
from sessions_app.models import Attendance
from tests.conftest import SEPTEMBER_1
from tests.factories import CohortFactory, UserFactory
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory
from tests.workplans.factories import ActionItemFactory, CheckInFactory, GoalFactory
from workplans.choices import ActionStatus, CheckInStatus, Confidence
from workplans.models import ActionItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

TODAY = date(2026, 9, 1)  # SEPTEMBER_1 in New York, where the tests' people live
NEW_YORK = ZoneInfo("America/New_York")

ACTIONS = "dashboard:export_actions"
ATTENDANCE = "dashboard:export_attendance"
CHECKINS = "dashboard:export_checkins"
CSV_URLS = [ACTIONS, ATTENDANCE, CHECKINS]
ALL_URLS = ["dashboard:exports", *CSV_URLS]


def get(client, person, name, **params):
    client.force_login(person)
    return client.get(reverse(name), params)


def body_of(response):
    """The downloaded file's text, after checking it is UTF-8 with a byte-order mark."""
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return raw.decode("utf-8")[1:]


def rows_of(response):
    return list(csv.reader(io.StringIO(body_of(response))))


def download(client, person, name, **params):
    response = get(client, person, name, **params)
    assert response.status_code == 200, response
    return rows_of(response)


def accented_team(world):
    """Team A's organisation with an accented name, in Arizona."""
    organisation = world.team_a.organisation
    organisation.name, organisation.state = "Fundación Tomás Fernández", "AZ"
    organisation.save()
    return world.team_a


# Action items ---------------------------------------------------------------------------------


def test_action_items_header_and_rows_checked_by_hand(client, world):
    team = accented_team(world)
    goal = GoalFactory(workplan__enrolment=team, title="Disaggregate our data", position=1)
    owner = UserFactory(full_name="Tomás Fernández")
    ActionItemFactory(
        goal=goal,
        title="Ask the agency for the data",
        owner=owner,
        status=ActionStatus.IN_PROGRESS,
        due_on=date(2026, 8, 20),
        updated_at=datetime(2026, 8, 25, 10, 5, tzinfo=NEW_YORK),
    )
    ActionItemFactory(
        goal=goal,
        title="Inventory the data sets",
        status=ActionStatus.DONE,
        due_on=date(2026, 8, 10),  # past, but done: not overdue
        done_at=datetime(2026, 8, 30, 9, 30, tzinfo=NEW_YORK),
        updated_at=datetime(2026, 8, 30, 9, 30, tzinfo=NEW_YORK),
    )
    ActionItemFactory(
        goal=goal,
        title="Brief the board",
        status=ActionStatus.BLOCKED,
        blocked_reason="Waiting on the agency",
        due_on=TODAY,  # due today: not yet overdue
        updated_at=datetime(2026, 8, 31, 12, 0, tzinfo=UTC),
    )
    ActionItemFactory(goal=goal, title="Some day", due_on=None, updated_at=SEPTEMBER_1)

    rows = download(client, world.fac1, ACTIONS)

    assert rows[0] == [
        "Program",
        "Cohort",
        "State",
        "Organisation",
        "Goal",
        "Action item",
        "Owner",
        "Status",
        "Due on",
        "Done at (UTC)",
        "Overdue",
        "Why it is blocked",
        "Updated at (UTC)",
    ]
    team_columns = ["Program One", "Cohort One", "Arizona", "Fundación Tomás Fernández"]
    assert rows[1:] == [
        [
            *team_columns,
            "Disaggregate our data",
            "Inventory the data sets",
            "",
            "Done",
            "2026-08-10",
            "2026-08-30T13:30:00+00:00",
            "no",
            "",
            "2026-08-30T13:30:00+00:00",
        ],
        [
            *team_columns,
            "Disaggregate our data",
            "Ask the agency for the data",
            "Tomás Fernández",
            "In progress",
            "2026-08-20",
            "",
            "yes",
            "",
            "2026-08-25T14:05:00+00:00",
        ],
        [
            *team_columns,
            "Disaggregate our data",
            "Brief the board",
            "",
            "Blocked",
            "2026-09-01",
            "",
            "no",
            "Waiting on the agency",
            "2026-08-31T12:00:00+00:00",
        ],
        [
            *team_columns,
            "Disaggregate our data",
            "Some day",
            "",
            "Not started",
            "",
            "",
            "no",
            "",
            "2026-09-01T15:00:00+00:00",
        ],
    ]


def test_overdue_in_the_export_is_the_shared_rule(client, world):
    """The export's yes/no is ActionItem.objects.overdue(today), today in the viewer's zone."""
    for status in ActionStatus:
        for due_on in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1), None):
            ActionItemFactory(
                goal__workplan__enrolment=world.team_a,
                title=f"{status} {due_on}",
                status=status,
                blocked_reason="Stuck" if status == ActionStatus.BLOCKED else "",
                due_on=due_on,
            )
    rows = download(client, world.staff, ACTIONS)[1:]
    said_overdue = {row[5] for row in rows if row[10] == "yes"}
    assert said_overdue == set(ActionItem.objects.overdue(TODAY).values_list("title", flat=True))
    assert len(said_overdue) == 3  # not started, in progress, blocked; due yesterday


def test_a_file_opens_in_a_spreadsheet_with_accents_intact(client, world):
    team = accented_team(world)
    ActionItemFactory(
        goal__workplan__enrolment=team, owner=UserFactory(full_name="Tomás Fernández")
    )
    response = get(client, world.staff, ACTIONS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="action-items-2026-09-01.csv"'
    assert "Fundación Tomás Fernández" in body_of(response)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(client, world, start):
    ActionItemFactory(
        goal__workplan__enrolment=world.team_a,
        goal__title=f"{start}1+1",
        title=f'{start}HYPERLINK("http://evil.example","Click")',
        owner=UserFactory(full_name=f"{start}cmd|' /C calc'!A0"),
        status=ActionStatus.BLOCKED,
        blocked_reason=f"{start}SUM(A1:A9)",
    )
    row = download(client, world.staff, ACTIONS)[1]
    assert row[4] == f"'{start}1+1"
    assert row[5] == f'\'{start}HYPERLINK("http://evil.example","Click")'
    assert row[6] == f"'{start}cmd|' /C calc'!A0"
    assert row[11] == f"'{start}SUM(A1:A9)"


def test_the_labels_are_in_the_viewers_language(client, world):
    """Choices are written in words of the viewer's language, settled before the rows stream."""
    world.fac1.language = "es"
    world.fac1.save()
    ActionItemFactory(goal__workplan__enrolment=world.team_a, status=ActionStatus.DONE)
    header, row = download(client, world.fac1, ACTIONS)[:2]
    assert row[7] == "Hecha"
    # A US state and a status are both "Estado" in Spanish: the state's heading says which.
    assert header[2] == "Estado (EE. UU.)" and header[7] == "Estado"


# Attendance -----------------------------------------------------------------------------------


def test_attendance_header_and_rows_checked_by_hand(client, world):
    team = accented_team(world)
    director = world.team_a_ed
    director.full_name = "Tomás Fernández"
    director.save()
    session = LearningSessionFactory(
        cohort=world.cohort1,
        number=3,
        title="Power sharing",
        starts_at=datetime(2026, 10, 6, 10, 0, tzinfo=ZoneInfo("America/Denver")),
    )
    AttendanceFactory(
        session=session,
        person=director,
        enrolment=team,
        rsvp=Attendance.Rsvp.ATTENDING,
        mark=Attendance.Mark.PRESENT,
    )
    AttendanceFactory(
        session=session,
        person=world.partner,
        enrolment=None,
        rsvp=Attendance.Rsvp.NOT_ATTENDING,
        mark="",
    )
    rows = download(client, world.fac1, ATTENDANCE)
    assert rows[0] == [
        "Program",
        "Cohort",
        "Session number",
        "Session",
        "Session start (UTC)",
        "State",
        "Organisation",
        "Person",
        "Team role",
        "Answer",
        "Attendance",
    ]
    session_columns = [
        "Program One",
        "Cohort One",
        "3",
        "Power sharing",
        "2026-10-06T16:00:00+00:00",
    ]
    assert rows[1:] == [
        [
            *session_columns,
            "",
            "Data Partners",
            world.partner.full_name,
            "Planning partner",
            "Can't attend",
            "",
        ],
        [
            *session_columns,
            "Arizona",
            "Fundación Tomás Fernández",
            "Tomás Fernández",
            "Executive director",
            "Attending",
            "Present",
        ],
    ]


def test_attendance_names_the_role_the_person_held_on_that_team(client, world):
    """A person who has left the team keeps the role they held in the export."""
    lead_seat = world.team_a.seats.get(role=TeamRole.TEAM_LEAD)
    lead_seat.ended_at = SEPTEMBER_1
    lead_seat.save()
    AttendanceFactory(
        session__cohort=world.cohort1, person=lead_seat.person, enrolment=world.team_a
    )
    row = download(client, world.staff, ATTENDANCE)[1]
    assert (row[7], row[8], row[10]) == (lead_seat.person.full_name, "Team lead", "Present")


# Check-ins ------------------------------------------------------------------------------------


def test_checkins_header_and_rows_checked_by_hand(client, world):
    team = accented_team(world)
    CheckInFactory(
        enrolment=team,
        number=1,
        planned_due_on=date(2026, 6, 1),
        due_on=date(2026, 6, 15),
        status=CheckInStatus.REVIEWED,
        submitted_at=datetime(2026, 6, 14, 20, 0, tzinfo=NEW_YORK),
        reviewed_at=datetime(2026, 6, 16, 9, 0, tzinfo=UTC),
        confidence=Confidence.HIGH,
    )
    CheckInFactory(enrolment=team, number=2, due_on=date(2026, 8, 20))  # 12 days overdue
    CheckInFactory(enrolment=team, number=3, due_on=TODAY)  # due today: not overdue
    CheckInFactory(
        enrolment=team,
        number=4,
        due_on=date(2026, 8, 1),
        status=CheckInStatus.SUBMITTED,  # late, but in: not overdue
        submitted_at=datetime(2026, 8, 5, 12, 0, tzinfo=UTC),
        confidence=Confidence.VERY_LOW,
    )
    rows = download(client, world.fac1, CHECKINS)
    assert rows[0] == [
        "Program",
        "Cohort",
        "State",
        "Organisation",
        "Check-in number",
        "Due on",
        "Planned due on",
        "Status",
        "Submitted at (UTC)",
        "Reviewed at (UTC)",
        "Overdue",
        "Days overdue",
        "Confidence",
    ]
    team_columns = ["Program One", "Cohort One", "Arizona", "Fundación Tomás Fernández"]
    assert rows[1:] == [
        [
            *team_columns,
            "1",
            "2026-06-15",
            "2026-06-01",
            "Reviewed",
            "2026-06-15T00:00:00+00:00",
            "2026-06-16T09:00:00+00:00",
            "no",
            "0",
            "Confident",
        ],
        [*team_columns, "2", "2026-08-20", "2026-08-20", "Not submitted", "", "", "yes", "12", ""],
        [*team_columns, "3", "2026-09-01", "2026-09-01", "Not submitted", "", "", "no", "0", ""],
        [
            *team_columns,
            "4",
            "2026-08-01",
            "2026-08-01",
            "Submitted",
            "2026-08-05T12:00:00+00:00",
            "",
            "no",
            "0",
            "Not at all confident",
        ],
    ]


# Scope ------------------------------------------------------------------------------------------


def one_of_each(team, label):
    ActionItemFactory(goal__workplan__enrolment=team, title=f"Action of {label}")
    session = LearningSessionFactory(cohort=team.cohort, title=f"Session of {label}")
    AttendanceFactory(session=session, person=team.seats.first().person, enrolment=team)
    CheckInFactory(enrolment=team, due_on=date(2026, 12, 1))


def organisations_in(rows, column):
    return {row[column] for row in rows[1:]}


ORGANISATION_COLUMN = {ACTIONS: 3, ATTENDANCE: 6, CHECKINS: 3}


@pytest.mark.parametrize("name", CSV_URLS)
def test_staff_get_every_cohort_and_a_facilitator_only_theirs(client, world, name):
    for team, label in ((world.team_a, "A"), (world.team_b, "B"), (world.team_c, "C")):
        one_of_each(team, label)
    names = {t: t.organisation.name for t in (world.team_a, world.team_b, world.team_c)}
    column = ORGANISATION_COLUMN[name]

    everyone = organisations_in(download(client, world.staff, name), column)
    assert everyone == set(names.values())

    theirs = organisations_in(download(client, world.fac1, name), column)
    assert theirs == {names[world.team_a], names[world.team_b]}

    narrowed = get(client, world.staff, name, cohort=world.cohort2.pk)
    assert organisations_in(rows_of(narrowed), column) == {names[world.team_c]}
    assert "cohort-two-2026-09-01.csv" in narrowed["Content-Disposition"]


@pytest.mark.parametrize("name", CSV_URLS)
@pytest.mark.parametrize(
    "cohort", ["abc", "-1", "1.5", "١", "9" * 30, "0x1", " ", "\x00"], ids=repr
)
def test_a_cohort_that_is_not_a_number_is_a_404_never_a_500(client, world, name, cohort):
    response = get(client, world.staff, name, cohort=cohort)
    if cohort.strip():
        assert response.status_code == 404
    else:  # an empty choice is every cohort
        assert response.status_code == 200


@pytest.mark.parametrize("name", CSV_URLS)
def test_another_cohort_or_none_is_a_404_for_a_facilitator(client, world, name):
    assert get(client, world.fac1, name, cohort=world.cohort2.pk).status_code == 404
    assert get(client, world.fac1, name, cohort=2_000_000_000).status_code == 404
    assert get(client, world.fac1, name, cohort=world.cohort1.pk).status_code == 200


@pytest.mark.parametrize("name", ALL_URLS)
@pytest.mark.parametrize("role", ["team_a", "team_c", "partner", "stray_partner"])
def test_team_members_and_partners_get_a_404(client, world, name, role):
    assert get(client, world.person(role), name).status_code == 404
    assert get(client, world.person(role), name, cohort=world.cohort1.pk).status_code == 404


@pytest.mark.parametrize("name", CSV_URLS)
def test_a_download_is_read_only(client, world, name):
    client.force_login(world.fac1)
    assert client.post(reverse(name)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for name in ALL_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


# Streaming --------------------------------------------------------------------------------------


def export_queries(queries):
    return [q["sql"] for q in queries if "workplans_actionitem" in q["sql"]]


def test_the_download_streams_and_reads_only_when_the_rows_are_asked_for(client, world):
    for _ in range(3):
        ActionItemFactory(goal__workplan__enrolment=world.team_a)
    client.force_login(world.staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(ACTIONS))
        assert response.streaming is True
        content = response.streaming_content
        assert isinstance(content, Iterator) and not isinstance(content, (bytes, list))
        assert export_queries(queries) == []  # the view returned without reading a row

        header = next(content)
        assert header.startswith(b"\xef\xbb\xbfProgram,Cohort")
        assert export_queries(queries) == []  # the header went out before the query ran

        next(content)
        assert len(export_queries(queries)) == 1
        rest = list(content)
    assert len(rest) == 2
    assert len(export_queries(queries)) == 1  # one query, however many rows


@pytest.mark.parametrize("name", CSV_URLS)
def test_the_rows_are_read_in_chunks_through_one_cursor(client, world, name, monkeypatch):
    """`.iterator(chunk_size=…)`: one query whose rows are fetched CHUNK_SIZE at a time (a
    server-side cursor on PostgreSQL), never all of them at once."""
    for _ in range(5):
        one_of_each(world.team_a, "A")
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    reads = []
    execute_sql = SQLCompiler.execute_sql

    def spy(compiler, *args, **kwargs):
        if compiler.query.model._meta.app_label in ("workplans", "sessions_app"):
            reads.append((kwargs.get("chunked_fetch"), kwargs.get("chunk_size")))
        return execute_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "execute_sql", spy)
    rows = download(client, world.staff, name)
    assert len(rows) == 1 + 5
    assert reads == [(True, 2)]


@pytest.mark.parametrize("name", CSV_URLS)
def test_the_queries_are_the_same_for_few_rows_and_many(
    client, world, name, django_assert_max_num_queries
):
    client.force_login(world.staff)
    counts = []
    for added in (1, 9):  # 2 rows of each, then 20
        for _ in range(added):
            one_of_each(world.team_a, "A")
            one_of_each(world.team_c, "C")
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(5):
                rows = rows_of(client.get(reverse(name)))
        counts.append(len(queries))
        assert len(rows) > 1
    assert counts[0] == counts[1], counts


# The exports page ------------------------------------------------------------------------------


def test_the_exports_page_lists_the_three_and_the_cohorts_in_scope(client, world):
    response = get(client, world.fac1, "dashboard:exports")
    assert response.status_code == 200
    content = response.content.decode()
    for name in CSV_URLS:
        assert f'action="{reverse(name)}"' in content
    assert list(response.context["cohorts"]) == [world.cohort1]
    assert "Cohort One" in content and "Cohort Two" not in content
    assert "Every cohort you facilitate" in content

    response = get(client, world.staff, "dashboard:exports")
    assert set(response.context["cohorts"]) == {world.cohort1, world.cohort2}
    assert "Cohort Two" in response.content.decode()


def test_a_cohort_named_in_the_address_comes_chosen_in_every_form(client, world):
    """A cohort's progress page links to "More exports" with ?cohort=<its id>."""
    client.force_login(world.staff)
    content = client.get(
        reverse("dashboard:exports"), {"cohort": world.cohort2.pk}
    ).content.decode()

    assert content.count(f'<option value="{world.cohort2.pk}" selected>') == 3
    assert f'<option value="{world.cohort1.pk}" selected>' not in content


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_file_is_read_in_one(client, world, monkeypatch):
    """As in production (autocommit): on PostgreSQL the rows are read inside a transaction, so
    the server-side cursor is declared without HOLD and its first rows come at once (a cursor
    WITH HOLD is filled with the whole result first); the transaction ends with the file."""
    ActionItemFactory(goal__workplan__enrolment=world.team_a)
    in_transaction = []
    execute_sql = SQLCompiler.execute_sql

    def spy(compiler, *args, **kwargs):
        if compiler.query.model is ActionItem:
            in_transaction.append(connection.in_atomic_block)
        return execute_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "execute_sql", spy)
    assert len(download(client, world.staff, ACTIONS)) == 2
    assert in_transaction == [connection.vendor == "postgresql"]
    assert not connection.in_atomic_block


def test_the_exports_page_costs_the_same_with_few_cohorts_and_many(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.staff)
    counts = []
    for added in (0, 8):
        for _ in range(added):
            CohortFactory(program=world.program2)
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(6):
                assert client.get(reverse("dashboard:exports")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
