# The README's commands. `make demo` and `make test` are the two that matter;
# both work on a fresh machine with only python3.11 and make.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# What the portal needs to run (requirements.lock) and, on top, the test and lint tools
# (requirements-dev.lock: the same pins plus pyproject's [dev] extras).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8000

# What `make test` runs against; the tests create their own test database. The cache (the
# login rate limits) is Redis too, in its own database: the tests empty it between tests.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_CACHE_URL ?= redis://127.0.0.1:6379/1
PYTEST_ARGS ?=

.PHONY: help demo test lint lock run clean install chromium services

help:
	@echo "make demo   install, migrate SQLite, seed the demo, run web + worker + beat"
	@echo "make test   install, start PostgreSQL and Redis if needed, ruff, pytest"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make run    the web server only (SQLite unless DATABASE_URL is set)"
	@echo "make lock   regenerate requirements.lock and requirements-dev.lock with uv"
	@echo "make bench  pages, write costs and the claim at national size (BENCH_ARGS=--smoke)"
	@echo "make clean  remove var/ and .venv"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock or pyproject changes. `make demo`, `make run` and `make bench`
# install the runtime set only; `make test` and `make lint` the dev set.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements.lock
	touch $@

$(DEV_STAMP): requirements-dev.lock requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP) $@

install: $(STAMP)

demo: $(STAMP)
	PORT=$(PORT) scripts/demo.sh

# Local development: DEBUG on (Django's error pages, static files from the app folders).
run: $(STAMP)
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; \
	fi

services:
	@scripts/services.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: $(DEV_STAMP) chromium services lint
	DATABASE_URL=$(TEST_DATABASE_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	CACHE_URL=$(TEST_CACHE_URL) \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(PY) -m pytest $(PYTEST_ARGS)

lock: | $(PY)
	@[ -x $(VENV)/bin/uv ] || $(PY) -m pip install --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev -c requirements.lock \
		--python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf var $(VENV)

# `make bench`: the portal at national size on PostgreSQL — every page under gunicorn beside
# the admin changelists and /healthz, queries at 1× and 10×, the export's first byte and
# memory, write costs, the ledger's claim — each target printed "met" or "NOT met"
# (bench/run.py). Its databases (portal_bench, portal_bench_tenth, portal_bench_claim) are
# reused while nothing changed. BENCH_ARGS=--smoke: tiny and quick.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
# The cache every gunicorn worker shares, as in production (the progress pages keep their
# figures there); a database of its own on the local Redis.
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/7
BENCH_ARGS ?=

# The page load generator; without it the bench falls back to a slower one in Python.
wrk:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk for the page benchmark…"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y wrk; \
	fi

.PHONY: bench wrk
bench: $(STAMP) services wrk
	DATABASE_URL=$(BENCH_DATABASE_URL) CACHE_URL=$(BENCH_CACHE_URL) $(PY) bench/run.py $(BENCH_ARGS)
