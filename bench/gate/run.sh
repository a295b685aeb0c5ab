#!/usr/bin/env bash
# Load test of the gate's HTTP service against the local Redis, with wrk.
#   bench/gate/run.sh [SECONDS] [BATCH]
# Starts `civicshield gate serve --redis ... --workers 2` on a free port under
# a key prefix of its own, drives /v1/engagement (BATCH events per request)
# and /v1/signup (one per request) with wrk, prints decisions/s and latency
# percentiles with the load average, then stops the server and deletes its keys.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-15}
BATCH=${2:-50}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
WORKERS=${WORKERS:-2}
CONNS=${CONNS:-16}

if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi

PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PREFIX="cs:bench:$$:"
.venv/bin/civicshield gate serve --redis "$REDIS" --workers "$WORKERS" --port "$PORT" --key-prefix "$PREFIX" &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  .venv/bin/python -c "from civicshield.gate.redis_state import RedisState; RedisState('$REDIS', prefix='$PREFIX', timeout_s=5).clear()"
}
trap cleanup EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/v1/health" >/dev/null && break
  sleep 0.1
done

echo "== $(date -u +%FT%TZ) $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== engagement: $BATCH events per request, $CONNS connections, ${SECS}s, $WORKERS gate workers"
GATE_BATCH=$BATCH wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/gate/engagement.lua "http://127.0.0.1:$PORT/v1/engagement" | tee /tmp/gate-bench-eng.txt
RPS=$(awk '/Requests\/sec/ {print $2}' /tmp/gate-bench-eng.txt)
echo "== engagement decisions/s: $(awk -v r="$RPS" -v b="$BATCH" 'BEGIN {printf "%d", r*b}')  (load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "== signup: one per request, $CONNS connections, ${SECS}s"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/gate/signup.lua "http://127.0.0.1:$PORT/v1/signup" | tee /tmp/gate-bench-sig.txt
echo "== signup decisions/s: $(awk '/Requests\/sec/ {printf "%d", $2}' /tmp/gate-bench-sig.txt)  (load: $(cut -d' ' -f1-3 /proc/loadavg))"
curl -s "http://127.0.0.1:$PORT/v1/counts" | head -c 400; echo
