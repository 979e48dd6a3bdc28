#!/usr/bin/env bash
# The embedded demo: SQLite and Celery on kombu's filesystem broker, all under var/.
# Runs the web server and a Celery worker with beat in the foreground; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

# A shell started in the background by a non-interactive shell inherits SIGINT as
# "ignored", and bash can neither trap nor reset that. Start again with SIGINT at its
# default, so Ctrl-C (or SIGINT to the process group) always stops the demo.
if [ -z "${DEMO_SIGINT_RESET:-}" ]; then
  export DEMO_SIGINT_RESET=1
  exec .venv/bin/python -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' bash "$0" "$@"
fi

PY=.venv/bin/python
CELERY=.venv/bin/celery
PORT=${PORT:-8000}
PASSWORD=${DEMO_PASSWORD:-demo-equity-2026}
URL="http://127.0.0.1:${PORT}/"

mkdir -p var/broker/queue var/broker/processed var/mail var/media

# The demo's settings, set here rather than left to defaults: DEBUG off, so a missing page
# or an error shows the portal's own page; plain HTTP on this machine only; a secret key
# made once for this demo and kept in var/; static files collected into var/static and
# served by WhiteNoise, as in production. Everything else (SQLite, the filesystem broker,
# mail to files, a cache in memory) is the embedded demo's default.
if [ ! -s var/demo-secret-key ]; then
  (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >var/demo-secret-key)
fi
export DEBUG=0
SECRET_KEY=$(cat var/demo-secret-key)
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export SITE_URL="http://127.0.0.1:${PORT}"
export STATIC_ROOT="$PWD/var/static"
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
# Production sends Alliance staff to set up an authenticator app before any page; the demo
# does not, unless asked: `make demo STAFF_REQUIRE_MFA=1`.
export STAFF_REQUIRE_MFA=${STAFF_REQUIRE_MFA:-0}

echo "Collecting static files…"
"$PY" manage.py collectstatic --noinput --verbosity 0
echo "Migrating the demo database…"
"$PY" manage.py migrate --noinput
echo "Seeding the demo data…"
# --force: DEBUG is off, and the seed refuses that unless told the database is a throwaway.
"$PY" manage.py seed_demo --password "$PASSWORD" --force

# Each process gets its own process group (job control), so stopping one stops its
# children too: runserver's reloader child, celery's pool and embedded beat.
set -m
pids=()
stopping=0

signal_groups() {
  for pid in "${pids[@]}"; do
    kill "-$1" -- "-$pid" 2>/dev/null || true
  done
}

wait_groups() { # half-seconds; succeeds once no process of ours is left
  for _ in $(seq 1 "$1"); do
    local alive=0
    for pid in "${pids[@]}"; do
      if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.5
  done
  return 1
}

stop_all() {
  [ "$stopping" -eq 1 ] && return
  stopping=1
  trap - INT TERM
  [ "${#pids[@]}" -eq 0 ] && return
  echo
  echo "Stopping the web server and the worker…"
  # SIGINT to each group is what Ctrl-C in a terminal does: runserver quits and celery
  # makes a warm shutdown (its pool ignores SIGINT). Then TERM, then KILL stragglers.
  signal_groups INT
  wait_groups 20 || { signal_groups TERM; wait_groups 6 || signal_groups KILL; }
  wait 2>/dev/null || true
  echo "Stopped."
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

"$PY" manage.py runserver "127.0.0.1:${PORT}" </dev/null &
pids+=("$!")
# One worker process: SQLite takes one writer at a time.
"$CELERY" -A portal worker -B --concurrency=1 --loglevel=info </dev/null &
pids+=("$!")

# Wait for the web server to answer before printing the logins, so they are not lost
# in the start-up logs.
for _ in $(seq 1 60); do
  if "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
    "${URL}healthz" >/dev/null 2>&1; then
    break
  fi
  sleep 1
done

case "${STAFF_REQUIRE_MFA,,}" in
  0 | false | no | off | "")
    MFA_NOTE="
  Second factor for staff: OFF in this demo (STAFF_REQUIRE_MFA=0). Production sends
  staff to set up an authenticator app first; try it with: make demo STAFF_REQUIRE_MFA=1" ;;
  *)
    MFA_NOTE="
  Second factor for staff: ON. staff@demo.test is asked to set up an authenticator
  app (with recovery codes) before any page." ;;
esac

cat <<BANNER

================================================================================
  The demo portal is running at ${URL}

  Log in with any of these (password: ${PASSWORD}):

    staff@demo.test         Alliance staff: Progress (the national map, each cohort's
                            progress, every state's dossier, CSV exports), programs,
                            cohorts, enrolments, invitations, rubrics, the Outbox
    facilitator@demo.test   facilitates an Operationalizing Equity cohort and
                            co-facilitates a CPPP cohort: the review queue, the
                            completed OE Pilot Cohort's check-ins, and the progress
                            and exports of their own cohorts only
    partner@demo.test       a planning partner assigned to OE cohorts: support requests
    arizona@demo.test       Arizona's executive director (state team): team home,
                            workplan, self-assessment, support requests
    colorado@demo.test      a Colorado team member, same cohort as Arizona

  Emails are written to var/mail/. Press Ctrl-C to stop everything.
${MFA_NOTE}
================================================================================

BANNER

# Run until either process ends (or Ctrl-C); then stop the other.
set +e
wait -n
status=$?
set -e
if [ "$stopping" -eq 0 ]; then
  echo "A demo process exited (status ${status}); stopping the rest." >&2
  stop_all
  exit "$status"
fi
