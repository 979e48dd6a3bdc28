"""The progress pages' cache (dashboard/freshness.py): a figure is computed once, and any
write to what the pages read — a save, a queryset update, a bulk insert, a delete — makes
the next read compute it again. A write elsewhere keeps it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Organisation
from dashboard import freshness
from dashboard.national import MapStatus
from notifications.models import Notification
from tests.factories import EnrolmentFactory, OrganisationFactory
from tests.workplans.factories import ActionItemFactory
from workplans.choices import ActionStatus
from workplans.models import ActionItem, TeamVisit

pytestmark = pytest.mark.django_db


class Counter:
    """compute() for cached(): the number of organisations now, and how often it ran."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        return Organisation.objects.count()


@pytest.fixture
def counter():
    return Counter()


def read(counter, *parts):
    return freshness.cached("test", counter, *parts)


def test_a_figure_is_computed_once_while_nothing_changes(counter):
    OrganisationFactory()

    assert read(counter) == 1
    assert read(counter) == 1
    assert counter.runs == 1


def test_a_save_shows_at_once(counter):
    assert read(counter) == 0

    OrganisationFactory()

    assert read(counter) == 1
    assert counter.runs == 2


def test_queryset_updates_bulk_inserts_and_deletes_show(counter, world):
    read(counter)
    Cohort.objects.filter(pk=world.cohort1.pk).update(name="Renamed")
    read(counter)
    Organisation.objects.bulk_create([Organisation(name="Bulk", kind="state_grantee", state="AZ")])
    assert read(counter) == Organisation.objects.count()
    Organisation.objects.filter(name="Bulk").delete()
    assert read(counter) == Organisation.objects.count()

    assert counter.runs == 4


def test_writes_to_tables_no_page_reads_keep_the_figure(counter, world):
    read(counter)
    Notification.objects.filter(pk=0).update(attempts=1)
    TeamVisit.objects.create(person=world.team_a_ed, enrolment=world.team_a)

    read(counter)
    assert counter.runs == 1


def test_each_filter_zone_and_language_has_its_own_figure(counter, settings):
    read(counter, "program=1")
    read(counter, "program=2")
    with timezone.override("Pacific/Honolulu"):
        read(counter, "program=1")
    with timezone.override("America/Phoenix"):
        read(counter, "program=1")
    read(counter, "program=1")

    assert counter.runs == 4


@pytest.mark.django_db(transaction=True)
def test_a_figure_read_during_a_write_transaction_is_not_kept_past_its_commit(counter):
    """Another process may read (and keep) the rows as they were while the transaction is
    open; the commit gives the data a new version, so that figure is not shown after it."""
    read(counter)
    with transaction.atomic():
        OrganisationFactory()
        freshness.cache.set(freshness.VERSION_KEY, "read-meanwhile", None)  # as if read then
        read(counter)  # kept under "read-meanwhile" by a reader that saw the old rows
        runs = counter.runs

    read(counter)
    assert counter.runs == runs + 1


def test_the_watcher_is_on_the_connection():
    connection.ensure_connection()
    assert any(isinstance(w, freshness.WriteWatcher) for w in connection.execute_wrappers)


def test_the_national_view_and_a_dossier_show_a_new_team_at_once(client, world):
    """The pages read their figures and their rendered report from the cache: the second
    load computes nothing, and a team enrolled after them shows on the next load, in the
    figures and in the page."""
    client.force_login(world.staff)
    national = reverse("dashboard:national")
    dossier = reverse("dashboard:state_dossier", args=["FL"])

    def florida():
        response = client.get(national)
        status = next(row for row in response.context["picture"].states if row.code == "FL")
        return status.status, response.content.decode()

    def florida_dossier():
        response = client.get(dossier)
        return len(response.context["dossier"].teams), response.content.decode()

    status, page = florida()
    teams, report = florida_dossier()
    assert status == MapStatus.NEVER and "Florida: Never enrolled" in page
    assert teams == 0 and "No grantee organisation from Florida" in report
    with CaptureQueriesContext(connection) as again:
        assert "Florida: Never enrolled" in florida()[1]
        assert "No grantee organisation from Florida" in florida_dossier()[1]
    assert not any("cohorts_enrolment" in query["sql"] for query in again.captured_queries)

    EnrolmentFactory(
        cohort=world.cohort1, organisation=OrganisationFactory(name="Florida Kids", state="FL")
    )

    status, page = florida()
    teams, report = florida_dossier()
    assert status != MapStatus.NEVER and "Florida: Never enrolled" not in page
    assert teams == 1 and "Florida Kids" in report


def test_a_cohorts_progress_shows_an_action_done_at_once(client, world):
    """Its team table is rendered from the cache, per order of the teams; an action item
    marked done shows in it on the next load, in every order."""
    item = ActionItemFactory(goal__workplan__enrolment=world.team_a)
    client.force_login(world.staff)
    url = reverse("dashboard:cohort_progress", args=[world.cohort1.pk])

    def actions_done(**params):
        team = next(
            t for t in client.get(url, params).context["teams"] if t.enrolment.pk == world.team_a.pk
        )
        return team.actions_done

    for order in ("", "done", "-team"):
        assert actions_done(sort=order) == 0
        assert "0 of 1" in client.get(url, {"sort": order}).content.decode()

    ActionItem.objects.filter(pk=item.pk).update(status=ActionStatus.DONE)

    for order in ("", "done", "-team"):
        assert actions_done(sort=order) == 1
        assert "1 of 1" in client.get(url, {"sort": order}).content.decode()
