#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them (and say so) when not.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

wait_for() { # description, command...
  local what=$1
  shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  echo "$what did not come up after 30 seconds." >&2
  return 1
}

if pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is running on 127.0.0.1:5432."
else
  echo "Starting PostgreSQL…"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  wait_for PostgreSQL pg_isready -q -h 127.0.0.1 -p 5432
  echo "PostgreSQL started."
fi

if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then
  echo "Redis is running on 127.0.0.1:6379."
else
  echo "Starting Redis…"
  $sudo mkdir -p /var/lib/redis /var/log/redis
  $sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
  echo "Redis started."
fi
