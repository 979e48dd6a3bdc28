# The README's commands. `make demo` and `make test` are the two that matter;
# both work on a fresh machine with only python3.11 and make.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

# What `make test` runs against; the tests create their own test database.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: help demo test lint lock run clean install chromium services

help:
	@echo "make demo   install, migrate SQLite, seed the demo, run web + worker + beat"
	@echo "make test   install, start PostgreSQL and Redis if needed, ruff, pytest"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make run    the web server only (SQLite unless DATABASE_URL is set)"
	@echo "make lock   regenerate requirements.lock with uv"
	@echo "make clean  remove var/ and .venv"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock or pyproject changes.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -r requirements.lock
	touch $@

install: $(STAMP)

demo: $(STAMP)
	PORT=$(PORT) scripts/demo.sh

run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
		$$sudo apt-get update && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium; \
	fi

services:
	@scripts/services.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: $(STAMP) chromium services lint
	DATABASE_URL=$(TEST_DATABASE_URL) \
	CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(PY) -m pytest $(PYTEST_ARGS)

lock: | $(PY)
	@[ -x $(VENV)/bin/uv ] || $(PY) -m pip install --disable-pip-version-check uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf var $(VENV)

# `make bench`: claiming 100,000 due ledger rows on PostgreSQL, with EXPLAIN of the due
# query. bench/run.py drops and re-makes its own database (portal_bench) on every run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_ARGS ?=

.PHONY: bench
bench: $(STAMP) services
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py $(BENCH_ARGS)
