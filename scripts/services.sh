#!/usr/bin/env bash
# Makes sure the local services the test suite talks to are up, starting
# them when they are installed but stopped: PostgreSQL (case store tests)
# and Redis (gate tests).  Fails loudly when one cannot be reached: the
# suite never skips those tests.
set -euo pipefail

pg_ok() { PGPASSWORD=postgres PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }
if ! pg_ok; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    for c in $(ls "/etc/postgresql/$v"); do pg_ctlcluster --skip-systemctl-redirect "$v" "$c" start 2>/dev/null || true; done
  done
  for _ in $(seq 1 40); do pg_ok && break; sleep 0.5; done
fi
if ! pg_ok && [ "$(id -u)" = 0 ]; then
  # A fresh Debian cluster authenticates TCP by password: give the postgres
  # role the password the tests use (trust-auth servers ignore it).
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
fi
pg_ok || { echo "services: PostgreSQL is not reachable at 127.0.0.1:5432 as postgres" >&2; exit 1; }

redis_ok() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! redis_ok; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/civicshield-redis.log
  for _ in $(seq 1 40); do redis_ok && break; sleep 0.25; done
fi
redis_ok || { echo "services: Redis is not reachable at 127.0.0.1:6379" >&2; exit 1; }
echo "services: PostgreSQL and Redis are up"
