"""The CSV of a workplan's action items, and portal/csv.py that writes it (and later exports):
UTF-8 with a BOM, a header row, formula-looking cells neutralised."""

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from portal.csv import csv_lines, neutralise
from tests.workplans.factories import ActionItemFactory, GoalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (2027, "2027"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell, written):
    assert neutralise(cell) == written


def test_the_lines_start_with_a_bom_then_the_header_then_the_rows():
    lines = list(csv_lines(["Name", "Note"], [["Ana, Jr.", "=1+1"], ["Bo", 'say "hi"']]))

    assert lines[0] == "\ufeffName,Note\r\n"
    assert lines[1:] == ['"Ana, Jr.",\'=1+1\r\n', 'Bo,"say ""hi"""\r\n']


def read(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def items(world):
    goal = GoalFactory(workplan__enrolment=world.team_a, title="=Disaggregate data", position=0)
    owner = world.team_a_ed
    owner.full_name = "José Núñez"
    owner.save()
    ActionItemFactory(
        goal=goal, title="@Ask the office", owner=owner, due_on=date(2027, 1, 15), status="done"
    )
    ActionItemFactory(goal=goal, title="-Draft the survey", owner=None, due_on=date(2027, 1, 10))
    later = GoalFactory(workplan=goal.workplan, title="Hear families", position=1)
    ActionItemFactory(goal=later, title="+Plan listening sessions", due_on=None)


@time_machine.travel("2027-01-18 17:00Z", tick=False)
def test_the_export_lists_every_action_item_neutralised_with_accents_kept(client, world, items):
    client.force_login(world.fac1)

    response = client.get(reverse("workplans:action_items_csv", args=[world.team_a.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="workplan-')
    rows = read(response)
    assert rows[0] == [
        "Goal",
        "Action item",
        "Owner",
        "Due date",
        "Status",
        "Overdue",
        "Last change",
    ]
    assert [row[:6] for row in rows[1:]] == [
        ["'=Disaggregate data", "'-Draft the survey", "", "2027-01-10", "Not started", "yes"],
        ["'=Disaggregate data", "'@Ask the office", "José Núñez", "2027-01-15", "Done", "no"],
        ["Hear families", "'+Plan listening sessions", "", "", "Not started", "no"],
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", rows[1][6])


def test_a_workplan_not_started_exports_only_the_header(client, world):
    client.force_login(world.team_a_ed)

    rows = read(client.get(reverse("workplans:action_items_csv", args=[world.team_a.pk])))

    assert len(rows) == 1


def test_another_teams_export_is_404(client, world, items):
    client.force_login(world.team_b_ed)

    response = client.get(reverse("workplans:action_items_csv", args=[world.team_a.pk]))

    assert response.status_code == 404
