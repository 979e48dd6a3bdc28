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

echo "Migrating the demo database…"
"$PY" manage.py migrate --noinput
echo "Seeding the demo data…"
"$PY" manage.py seed_demo --password "$PASSWORD"

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

cat <<BANNER

================================================================================
  The demo portal is running at ${URL}

  Log in with any of these (password: ${PASSWORD}):

    staff@demo.test         Alliance staff: programs, cohorts, enrolments, teams,
                            invitations, the readiness checklist
    facilitator@demo.test   facilitates an Operationalizing Equity cohort and
                            co-facilitates a CPPP cohort
    partner@demo.test       a planning partner assigned to OE cohorts
    arizona@demo.test       Arizona's executive director (state team)
    colorado@demo.test      a Colorado team member, same cohort as Arizona

  Emails are written to var/mail/. Press Ctrl-C to stop everything.
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
