"""What a newcomer meets in `make demo`: links with the port the demo serves, the portal's
own error pages and a quiet log for an ordinary 403, mail as one file per message, and an
install of the runtime set only."""

import email
import logging
import re
import subprocess
import tomllib
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.conftest import executive_director

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
