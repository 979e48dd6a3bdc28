"""The production setup, checked without a Docker engine.

docker-compose.yml is loaded with PyYAML and every command it runs is traced to something
that exists in the project: the program is installed from requirements.lock and its target
(a module, a Celery app, manage.py) is a file here. The settings compose runs with pass
`check --deploy`. None of these tests touch the database.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
LOCK = ROOT / "requirements.lock"

REQUIRED_SERVICES = {"web", "worker", "beat", "migrate", "postgres", "redis", "mailpit"}
AFTER_MIGRATE = ["web", "worker", "beat"]


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load(COMPOSE.read_text())["services"]


def argv(command):
    """A compose command as a list of arguments, whether written as a string or a list."""
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def dockerfile_cmd():
    match = re.search(r"^CMD\s+(\[.*\])\s*$", DOCKERFILE.read_text(), re.MULTILINE)
    assert match, "the Dockerfile has no CMD in exec form"
    return yaml.safe_load(match.group(1))


def project_services(services):
    """The services that run the portal's own image (built from this directory)."""
    return {name: service for name, service in services.items() if "build" in service}


def command_of(service):
    return argv(service["command"]) if "command" in service else dockerfile_cmd()


def locked_packages():
    names = set()
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?==", line)
        if match:
            names.add(match.group(1).lower())
    return names


def celery_app_module(args):
    """`-A portal` or `--app portal` → portal/celery.py (or portal.py, or portal/__init__.py)."""
    for index, arg in enumerate(args):
        if arg in ("-A", "--app"):
            return args[index + 1]
        if arg.startswith("--app="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"celery without -A: {args}")


def module_file_exists(dotted):
    path = ROOT.joinpath(*dotted.split("."))
    return (
        path.with_suffix(".py").is_file()
        or (path / "__init__.py").is_file()
        or (path / "celery.py").is_file()
    )


def runs_beat(args):
    if args[:1] != ["celery"]:
        return False
    return "beat" in args or "-B" in args or "--beat" in args


def test_compose_file_has_every_service_production_needs(services):
    assert REQUIRED_SERVICES <= set(services)


def test_web_worker_beat_and_migrate_are_built_from_the_project(services):
    assert {"web", "worker", "beat", "migrate"} <= set(project_services(services))
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["build"] in (".", {"context": "."}), name


def test_every_project_command_runs_a_program_that_is_installed(services):
    installed = locked_packages()
    for name, service in project_services(services).items():
        program = command_of(service)[0]
        if program == "python":
            continue
        assert program in installed, f"{name} runs {program}, which requirements.lock lacks"


def test_gunicorn_serves_a_wsgi_application_that_exists(services):
    args = command_of(services["web"])
    assert args[0] == "gunicorn"
    target = next(arg for arg in args[1:] if ":" in arg and not arg.startswith("-"))
    module, attribute = target.split(":")
    assert module == "portal.wsgi"
    source = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    assert source.is_file()
    assert re.search(rf"^{attribute}\s*=", source.read_text(), re.MULTILINE)


def test_web_binds_to_every_interface_on_port_8000(services):
    args = command_of(services["web"])
    assert "0.0.0.0:8000" in args or "--bind=0.0.0.0:8000" in args


def test_celery_services_point_at_the_portal_celery_app(services):
    for name, service in project_services(services).items():
        args = command_of(service)
        if args[0] != "celery":
            continue
        app = celery_app_module(args)
        assert module_file_exists(app), f"{name}: -A {app} names no module in the project"
        assert app == "portal"
        assert (ROOT / "portal" / "celery.py").is_file()
    assert command_of(services["worker"])[:4] == ["celery", "-A", "portal", "worker"]
    assert command_of(services["beat"])[:4] == ["celery", "-A", "portal", "beat"]


def test_migrate_runs_manage_py_migrate_once(services):
    args = command_of(services["migrate"])
    assert args[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in args
    assert (ROOT / "manage.py").is_file()
    assert str(services["migrate"].get("restart", "no")) == "no"


def test_web_worker_and_beat_start_only_after_migrate_succeeds(services):
    for name in AFTER_MIGRATE:
        depends_on = services[name].get("depends_on")
        assert isinstance(depends_on, dict), f"{name} needs depends_on with conditions"
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name


def test_migrate_waits_for_a_healthy_postgres(services):
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_postgres_redis_and_web_have_health_checks(services):
    for name in ("postgres", "redis", "web"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert "pg_isready" in " ".join(argv(services["postgres"]["healthcheck"]["test"]))
    assert "ping" in argv(services["redis"]["healthcheck"]["test"])


def test_web_health_check_asks_the_healthz_endpoint(services):
    test = argv(services["web"]["healthcheck"]["test"])
    script = next(part for part in test if part.endswith(".py"))
    assert (ROOT / script).is_file()
    assert "/healthz" in (ROOT / script).read_text()
    assert re.search(r"path\(\s*\"healthz\"", (ROOT / "portal" / "urls.py").read_text())


def test_exactly_one_process_runs_celery_beat(services):
    beats = [name for name, service in services.items() if runs_beat(command_of(service))]
    assert beats == ["beat"]
    deploy = services["beat"].get("deploy", {})
    assert deploy.get("replicas", 1) == 1
    assert services["beat"].get("scale", 1) == 1


def test_images_are_postgres_15_redis_7_and_mailpit(services):
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_project_services_reach_postgres_redis_and_mailpit_by_service_name(services):
    for name, service in project_services(services).items():
        environment = service["environment"]
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379"), name
        assert "smtp://mailpit:1025" in environment["EMAIL_URL"], name
        assert service["env_file"] in (".env", [".env"]), name


def test_dockerfile_installs_the_lock_and_runs_as_a_non_root_user():
    text = DOCKERFILE.read_text()
    assert "FROM python:3.11-slim" in text
    assert "requirements.lock" in text
    assert "collectstatic --noinput" in text
    assert re.search(r"^USER\s+(?!root\b)\S+", text, re.MULTILINE)
    assert dockerfile_cmd()[:2] == ["gunicorn", "portal.wsgi:application"]


def test_env_example_lists_every_variable_settings_reads():
    settings = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings))
    assert read, "found no env(...) calls in portal/settings.py"
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    assert read - listed == set(), "add these to .env.example"


# The settings production runs with -------------------------------------------------------


def compose_environment(services, **env_file):
    """The web service's environment as compose would pass it: the Dockerfile's ENV, the
    .env file (`env_file`), then the service's own `environment`, ${…} filled from .env."""

    def fill(value):
        def one(match):
            name, default = match.group(1), match.group(3)
            if name in env_file:
                return env_file[name]
            assert match.group(2) == ":-", f"compose needs {name} in .env"
            return default

        return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, str(value))

    debug = re.search(r"^ENV DEBUG=(\S+)", DOCKERFILE.read_text(), re.MULTILINE)
    assert debug, "the Dockerfile sets no DEBUG"
    dockerfile_env = {"DEBUG": debug.group(1)}
    own = {name: fill(value) for name, value in services["web"]["environment"].items()}
    return {**dockerfile_env, **env_file, **own}


def run_settings(environment, *args):
    """manage.py in a fresh process with exactly this environment (none of the test run's)."""
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV_FILE = {
    "SECRET_KEY": "x" * 20 + "-production-like-key-for-the-check-only-9f3a1c7e5b",
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "POSTGRES_PASSWORD": "check-only",
}


def test_the_compose_deployment_passes_check_deploy_with_no_warnings(services):
    environment = compose_environment(services, **PRODUCTION_ENV_FILE)
    assert environment["DEBUG"] == "0"
    assert environment["TRUSTED_PROXY_COUNT"] == "1"
    assert environment["CACHE_URL"].startswith("redis://redis:6379/")
    assert environment["CACHE_URL"] != environment["CELERY_BROKER_URL"]
    done = run_settings(environment, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_web_port_is_published_on_this_host_only(services):
    for mapping in services["web"]["ports"]:
        assert str(mapping).startswith("127.0.0.1:"), mapping
    for name, service in services.items():
        for mapping in service.get("ports", []):
            assert str(mapping).startswith("127.0.0.1:"), f"{name} publishes {mapping}"


def test_debug_is_off_unless_the_environment_turns_it_on():
    done = run_settings({}, "check")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    done = run_settings({"DEBUG": "1"}, "check")
    assert done.returncode == 0, done.stderr


SHOW_PROXY = (
    "from django.conf import settings as s; "
    "print(s.SECURE_PROXY_SSL_HEADER, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
)


def test_forwarded_headers_are_believed_only_behind_a_named_proxy():
    production = {"SECRET_KEY": PRODUCTION_ENV_FILE["SECRET_KEY"], "ALLOWED_HOSTS": "x.test"}
    alone = run_settings(production, "shell", "-v", "0", "-c", SHOW_PROXY)
    assert alone.stdout.split() == ["None", "0"], alone.stderr
    behind = run_settings(
        {**production, "TRUSTED_PROXY_COUNT": "1"}, "shell", "-v", "0", "-c", SHOW_PROXY
    )
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') 1", behind.stderr


def test_the_compose_deployment_asks_staff_for_a_second_factor(services):
    environment = compose_environment(services, **PRODUCTION_ENV_FILE)
    show = "from django.conf import settings as s; print(s.STAFF_REQUIRE_MFA, s.DEBUG)"
    done = run_settings(environment, "shell", "-v", "0", "-c", show)
    assert done.stdout.split() == ["True", "False"], done.stderr
