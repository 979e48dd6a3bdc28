"""What a newcomer meets in `make demo`: links with the port the demo serves, the portal's
own error pages and a quiet log for an ordinary 403, mail as one file per message, an
install of the runtime set only, and the seed's working spaces: every team's workplan,
self-assessments, support requests at every step, and sharing that Arizona has not opted
into."""

import email
import io
import logging
import re
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from cohorts.models import Cohort, Enrolment, Seat
from notifications.models import Notification
from tests.conftest import executive_director
from workplans import checkin_ladder, selectors
from workplans.models import (
    ActionItem,
    CheckIn,
    Comment,
    Goal,
    ProgressUpdate,
    Rating,
    SelfAssessment,
    SupportEvent,
    SupportRequest,
    TeamVisit,
    Workplan,
    WorkplanSnapshot,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "scripts" / "demo.sh"


def demo_setting(name, port):
    """The value demo.sh exports for `name` when started with PORT=`port`."""
    line = next(
        line for line in DEMO.read_text().splitlines() if line.startswith(f"export {name}=")
    )
    script = f'PORT={port}\n{line}\nprintf %s "${name}"'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True).stdout


def test_the_demo_links_to_the_port_it_serves_and_runs_with_debug_off():
    assert demo_setting("SITE_URL", 8123) == "http://127.0.0.1:8123"
    assert demo_setting("DEBUG", 8123) == "0"
    assert re.search(r'runserver "127\.0\.0\.1:\$\{PORT\}"', DEMO.read_text())


# Error pages and the log ----------------------------------------------------------------------


def test_a_missing_page_and_a_refused_one_are_the_portals_own(client, world):
    assert not settings.DEBUG
    client.force_login(executive_director(world.team_a))

    missing = client.get("/no-such-page/")
    refused = client.get(reverse("notifications:outbox"))

    assert missing.status_code == 404
    assert [t.name for t in missing.templates][0] == "404.html"
    assert refused.status_code == 403
    assert [t.name for t in refused.templates][0] == "403.html"
    assert "You can't do that here" in unescape(refused.content.decode())


def test_an_ordinary_403_is_one_line_in_the_log_without_a_traceback(client, world, caplog):
    client.force_login(executive_director(world.team_a))

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("notifications:outbox"))

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /outbox/"
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)


def test_a_server_error_still_logs_its_traceback(client, world, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr("notifications.views.selectors.filtered_outbox", broken)
    client.raise_request_exception = False
    client.force_login(world.staff)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        client.get(reverse("notifications:outbox"))

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert "Traceback" in logging.Formatter().format(record)


# Mail in files --------------------------------------------------------------------------------


def test_the_demo_writes_one_file_per_message_that_a_mail_program_opens(settings, tmp_path):
    settings.EMAIL_BACKEND = "portal.mail.OneFilePerMessage"
    settings.EMAIL_FILE_PATH = tmp_path
    messages = [
        mail.EmailMultiAlternatives(f"Subject {n}", "Body", to=[f"person{n}@demo.test"])
        for n in (1, 2, 3)
    ]
    messages[0].attach_alternative("<p>Body</p>", "text/html")

    with mail.get_connection() as connection:
        assert connection.send_messages(messages) == 3

    files = sorted(tmp_path.iterdir())
    assert len(files) == 3
    assert all(path.suffix == ".eml" for path in files)
    read = {path.name: email.message_from_bytes(path.read_bytes()) for path in files}
    assert {message["To"] for message in read.values()} == {
        "person1@demo.test",
        "person2@demo.test",
        "person3@demo.test",
    }
    assert all(message["To"] in name for name, message in read.items())
    assert {message["Subject"] for message in read.values()} == {
        "Subject 1",
        "Subject 2",
        "Subject 3",
    }


def test_without_a_mail_server_the_settings_write_mail_to_files_under_var():
    """The test settings send to memory; what the demo gets is read from settings.py."""
    text = (ROOT / "portal" / "settings.py").read_text()
    assert 'EMAIL_BACKEND = "portal.mail.OneFilePerMessage"' in text


# The install ----------------------------------------------------------------------------------


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        if match := re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", line):
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def dev_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        re.match(r"[A-Za-z0-9._-]+", requirement)[0].lower().replace("_", "-")
        for requirement in project["optional-dependencies"]["dev"]
    }


def test_the_runtime_lock_holds_no_test_tools_and_the_dev_lock_adds_them_at_the_same_pins():
    runtime, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")

    assert {"django", "celery", "gunicorn"} <= set(runtime)
    assert not dev_extras() & set(runtime)
    assert dev_extras() <= set(dev)
    assert {name: dev[name] for name in runtime} == runtime


@pytest.mark.parametrize(
    ("target", "lock", "not_lock"),
    [
        ("demo", "requirements.lock", "requirements-dev.lock"),
        ("run", "requirements.lock", "requirements-dev.lock"),
        ("test", "requirements-dev.lock", None),
        ("lint", "requirements-dev.lock", None),
    ],
)
def test_make_demo_installs_the_runtime_set_and_make_test_the_dev_set(target, lock, not_lock):
    planned = subprocess.run(
        ["make", "--dry-run", "--always-make", target], cwd=ROOT, capture_output=True, text=True
    ).stdout
    installs = [line for line in planned.splitlines() if "pip install" in line]

    assert any(line.endswith(f"-r {lock}") for line in installs), planned
    if not_lock:
        assert not any(not_lock in line for line in installs), planned


# The seed's working spaces ------------------------------------------------------------------

SEEDED_AT = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
WORKING_SPACE = [Workplan, Goal, ActionItem, ProgressUpdate, Comment, SelfAssessment, Rating,
                 SupportRequest, SupportEvent, WorkplanSnapshot, TeamVisit]  # fmt: skip


def working_space_counts():
    return {model.__name__: model.objects.count() for model in WORKING_SPACE}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo seeded twice, once for the whole module, in a transaction rolled back at its
    end (each test's own transaction nests inside it). The counts after the first run."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with time_machine.travel(SEEDED_AT, tick=False):
                call_command("seed_demo", password="x", force=True, stdout=io.StringIO())
                first = working_space_counts()
                call_command("seed_demo", password="x", force=True, stdout=io.StringIO())
            yield first
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(seeded, db):
    return seeded


def team(code, cohort="OE Cohort 1"):
    return Enrolment.objects.get(cohort__name=cohort, organisation__state=code)


def started_teams():
    return Enrolment.objects.exclude(cohort__status=Cohort.Status.PLANNED)


def test_seeding_twice_gives_the_same_working_spaces(demo):
    assert working_space_counts() == demo
    assert all(demo.values()), demo


def test_every_demo_team_has_a_workplan_of_three_or_four_goals(demo):
    for enrolment in Enrolment.objects.select_related("workplan"):
        goals = enrolment.workplan.goals.all()
        assert 3 <= goals.count() <= 4, enrolment
        assert all(goal.action_items.exists() for goal in goals), enrolment


def test_each_started_team_has_action_items_in_every_status_some_overdue(demo):
    today = SEEDED_AT.date()
    for enrolment in started_teams():
        items = ActionItem.objects.filter(goal__workplan__enrolment=enrolment)
        assert set(items.values_list("status", flat=True)) == set(ActionItem.Status.values)
        overdue = [item for item in items if item.is_overdue(today)]
        assert overdue, enrolment
        assert not items.filter(due_on__lt=enrolment.cohort.starts_on).exists()


def test_blocked_items_say_why_and_owners_are_on_the_team(demo):
    assert not ActionItem.objects.filter(status="blocked", blocked_reason="").exists()
    for item in ActionItem.objects.filter(owner__isnull=False).select_related("goal__workplan"):
        enrolment_id = item.goal.workplan.enrolment_id
        assert Seat.objects.current().filter(enrolment_id=enrolment_id, person=item.owner_id)


def test_the_timeline_spreads_over_past_weeks_by_different_team_members(demo):
    arizona = team("AZ")
    updates = ProgressUpdate.objects.filter(workplan__enrolment=arizona)

    assert updates.filter(field="status").count() >= 5
    assert {"created", "status", "owner", "due_on"} <= set(updates.values_list("field", flat=True))
    assert updates.values("by").distinct().count() >= 2
    days = {update.at.date() for update in updates.filter(field="status")}
    assert len(days) >= 3
    assert all(update.at <= SEEDED_AT for update in updates)


def test_the_facilitator_commented_on_goals_and_items_of_started_teams(demo):
    facilitator = User.objects.get(email="facilitator@demo.test")
    arizona = Comment.objects.filter(workplan__enrolment=team("AZ"))

    assert arizona.filter(author=facilitator, goal__isnull=False).exists()
    assert arizona.filter(author=facilitator, action_item__isnull=False).exists()
    assert arizona.exclude(author=facilitator).exists()  # the team answered
    assert not Comment.objects.filter(workplan__enrolment__cohort__status="planned").exists()


def test_arizonas_workplan_waits_for_review(demo):
    workplan = team("AZ").workplan

    assert workplan.status == Workplan.Status.SUBMITTED
    assert workplan.submitted_by.email == "arizona@demo.test"


def test_colorado_cannot_see_arizonas_workplan_until_arizona_opts_in(demo, client):
    arizona, colorado = team("AZ"), User.objects.get(email="colorado@demo.test")
    url = reverse("workplans:workplan", args=[arizona.pk])
    client.force_login(colorado)

    assert arizona.cohort.shares_workplans
    assert not arizona.workplan.shared
    assert client.get(url).status_code == 404

    Workplan.objects.filter(pk=arizona.workplan.pk).update(shared=True)

    assert client.get(url).status_code == 200
    assert team("CO").workplan.shared


def test_every_started_team_submitted_its_start_self_assessment_with_ratings(demo):
    for enrolment in started_teams().select_related("cohort__program__rubric"):
        start = SelfAssessment.objects.get(enrolment=enrolment, phase="start")
        dimensions = enrolment.cohort.program.rubric.dimensions.count()
        assert start.status == "submitted"
        assert start.ratings.exclude(level=None).count() == dimensions > 0


def test_the_completed_cohorts_teams_show_change_from_start_to_end(demo):
    completed = Cohort.objects.get(status=Cohort.Status.COMPLETED)
    enrolments = Enrolment.objects.filter(cohort=completed)

    assert enrolments.count() >= 3
    for enrolment in enrolments:
        comparison = selectors.assessment_comparison(enrolment)
        assert comparison.end.status == "submitted"
        assert comparison.average_change > 0
        snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=enrolment)
        assert len(snapshot.data["goals"]) == enrolment.workplan.goals.count()
    assert not SelfAssessment.objects.filter(phase="end").exclude(enrolment__cohort=completed)


def test_support_requests_are_in_every_state_one_assigned_to_the_partner_login(demo):
    partner = User.objects.get(email="partner@demo.test")
    statuses = set(SupportRequest.objects.values_list("status", flat=True))

    assert statuses == set(SupportRequest.Status.values)
    assert SupportRequest.objects.filter(assignee=partner, status="assigned").exists()
    helped = SupportEvent.objects.filter(step="helped", request__status__in=["accepted", "closed"])
    assert helped.exists()
    for request in SupportRequest.objects.prefetch_related("events"):
        steps = [event.step for event in request.events.all()]
        assert steps[0] == "asked"
        assert ("closed" in steps) == (request.status == "closed")


def test_the_partner_login_sees_only_requests_assigned_to_its_organisation_or_to_them(demo):
    partner = User.objects.get(email="partner@demo.test")
    organisation = partner.memberships.get().organisation

    seen = selectors.support_requests_for(partner)

    assert seen.exists()
    assert all(r.assignee == partner or r.partner == organisation for r in seen)
    assert seen.count() < SupportRequest.objects.count()


def test_the_working_spaces_plan_no_messages(demo):
    # The pilot cohort's check-ins are the one exception (their ladder, tested below).
    workplans_rows = Notification.objects.filter(content_type__app_label="workplans").exclude(
        kind__startswith="checkin"
    )
    about_events = (
        Notification.objects.exclude(kind__startswith="session")
        .exclude(kind="invitation")
        .exclude(kind__startswith="checkin")
    )

    assert not workplans_rows.exists()
    assert not about_events.exists()


def test_arizona_has_news_since_a_visit_three_days_ago(demo):
    visit = TeamVisit.objects.get(person__email="arizona@demo.test")

    assert visit.enrolment == team("AZ")
    news = Comment.objects.filter(workplan__enrolment=visit.enrolment, created_at__gt=visit.seen_at)
    assert news.exists()


# The pilot cohort's check-ins: each stage of the ladder ---------------------------------------

PILOT = "OE Pilot Cohort"


def first_checkin(code):
    return CheckIn.objects.get(enrolment=team(code, PILOT), number=1)


def rows(checkin, kind="checkin_reminder"):
    return Notification.objects.filter(
        kind=kind, object_id=checkin.pk, content_type__model="checkin"
    )


def test_the_pilot_cohorts_first_check_in_was_reviewed_with_answers_and_shared(demo):
    checkin = first_checkin("MD")

    assert checkin.status == CheckIn.Status.REVIEWED
    assert checkin.what_changed and checkin.whats_next and checkin.confidence
    assert checkin.review_comment
    assert checkin.reviewed_by.email == "facilitator@demo.test"
    snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=checkin.enrolment)
    assert {g.goal_key for g in checkin.goals.all()} == {g["id"] for g in snapshot.data["goals"]}
    assert all(g.status for g in checkin.goals.all())
    assert rows(checkin, "checkin_reviewed").filter(state="sent").exists()
    shared = selectors.shared_highlights(checkin.enrolment.cohort)
    assert {c.enrolment.organisation.state for c in shared} == {"MD", "DE"}
    assert first_checkin("DE").status == CheckIn.Status.SUBMITTED  # in the review queue


def test_a_check_in_due_in_four_days_had_its_week_before_reminder_and_plans_the_rest(demo):
    checkin = first_checkin("MT")

    assert checkin.due_on == SEEDED_AT.date() + timedelta(days=4)
    assert set(rows(checkin).filter(state="sent").values_list("slot", flat=True)) == {"before-7d"}
    assert rows(checkin).filter(state="scheduled", slot="due").exists()


def test_a_check_in_fifteen_days_overdue_had_its_follow_ups_and_plans_the_escalation(demo):
    checkin = first_checkin("NJ")
    people = Seat.objects.current().filter(enrolment=checkin.enrolment).count()

    assert checkin.days_overdue(SEEDED_AT.date()) == 15
    sent = rows(checkin).filter(state="sent")
    assert sent.filter(slot="overdue-7d").count() == sent.filter(slot="overdue-14d").count()
    assert sent.filter(slot="overdue-14d").count() == people
    escalation = Notification.objects.get(
        kind="checkin_escalation", slot=f"21d-{checkin.due_on.isoformat()}"
    )
    assert escalation.state == "scheduled"
    assert escalation.to_email == "facilitator@demo.test"
    assert not checkin_ladder.facilitator_told(checkin)


def test_a_check_in_twenty_two_days_overdue_told_the_facilitator(demo):
    checkin = first_checkin("VA")

    assert checkin.days_overdue(SEEDED_AT.date()) == 22
    assert rows(checkin).filter(state="sent", slot="overdue-14d").exists()
    assert checkin_ladder.facilitator_told(checkin)


def test_the_later_check_ins_are_upcoming_and_nothing_was_planned_in_the_past(demo):
    later = CheckIn.objects.filter(enrolment__cohort__name=PILOT, number__gt=1)

    assert later.count() == 5 * 3
    assert not later.exclude(status="open").exists()
    assert not later.filter(due_on__lte=SEEDED_AT.date()).exists()
    assert not Notification.objects.filter(state="scheduled", due_at__lt=SEEDED_AT).exists()
    assert not Notification.objects.filter(state="sent", sent_at__gt=SEEDED_AT).exists()
    assert Notification.objects.filter(cohort__name=PILOT, state="sent").exists()


def test_saving_the_pilot_cohort_later_keeps_each_stage(demo):
    before = dict(CheckIn.objects.filter(number=1).values_list("pk", "due_on"))

    checkin_ladder.replan_cohort(cohort=Cohort.objects.get(name=PILOT))

    assert dict(CheckIn.objects.filter(number=1).values_list("pk", "due_on")) == before
    assert checkin_ladder.facilitator_told(first_checkin("VA"))
    assert not Notification.objects.filter(cohort__name=PILOT, state="cancelled").exists()
