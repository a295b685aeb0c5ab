#!/usr/bin/env bash
# Load test of the gate's HTTP service against the local Redis, with wrk.
#   bench/gate/run.sh [SECONDS] [BATCH]      (env CONNS, WORKERS, REDIS)
# Starts `civicshield gate serve --redis ... --workers 2` on a free port under
# a key prefix of its own, drives /v1/engagement (BATCH events per request,
# default 10) and /v1/signup (one per request) with wrk over CONNS connections
# (default 4: what a platform's write path would hold open to one gate host),
# prints decisions/s and latency percentiles, CPU seconds and the load
# average, then stops the server and deletes its keys.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-15}
BATCH=${2:-10}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
WORKERS=${WORKERS:-2}
CONNS=${CONNS:-4}

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
up=""
for _ in $(seq 300); do  # a loaded machine can take a while to import the workers
  curl -sf "http://127.0.0.1:$PORT/v1/health" >/dev/null && { up=1; break; }
  sleep 0.2
done
[ -n "$up" ] || { echo "bench: the gate did not answer on port $PORT within 60 s" >&2; exit 1; }

# CPU seconds used by the gate's processes and by Redis: decisions per CPU
# second is a figure that survives a busy machine better than decisions/s.
gate_cpu() {
  local ticks=0 p
  for p in $SERVER $(pgrep -P "$SERVER"); do
    [ -r "/proc/$p/stat" ] && ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}
redis_cpu() {  # all of Redis: on a shared Redis this includes other clients' work
  redis-cli -u "$REDIS" info cpu | awk -F: '/used_cpu_(user|sys):/ {s += $2} END {printf "%.2f", s}'
}
script_cpu() {  # time Redis spent in EVALSHA: the gate's script (nobody else here runs one)
  redis-cli -u "$REDIS" info commandstats | awk -F'[=,]' '/^cmdstat_evalsha:/ {printf "%.2f", $4 / 1e6}'
}
measure() {  # name lua-script url decisions-per-request
  local g0 r0 s0 g1 r1 s1
  g0=$(gate_cpu); r0=$(redis_cpu); s0=$(script_cpu)
  GATE_BATCH=$BATCH wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$2" "$3" | tee "/tmp/gate-bench-$1.txt"
  g1=$(gate_cpu); r1=$(redis_cpu); s1=$(script_cpu)
  awk -v r="$(awk '/Requests\/sec/ {print $2}' "/tmp/gate-bench-$1.txt")" -v b="$4" -v s="$SECS" -v name="$1" \
      -v g0="$g0" -v g1="$g1" -v r0="$r0" -v r1="$r1" -v s0="$s0" -v s1="$s1" -v la="$(cut -d' ' -f1-3 /proc/loadavg)" \
      'BEGIN {d = r * b; g = g1 - g0; rc = r1 - r0; sc = s1 - s0;
              printf "== %s: %d decisions/s; gate %.2f CPU-s + Redis %.2f CPU-s (script %.2f s) in %ds = %.0f decisions per CPU-second (%.0f counting only the script in Redis) (load %s)\n",
                     name, d, g, rc, sc, s, d * s / (g + rc), d * s / (g + sc), la}'
}

echo "== $(date -u +%FT%TZ) $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== engagement: $BATCH events per request, $CONNS connections, ${SECS}s, $WORKERS gate workers"
measure engagement bench/gate/engagement.lua "http://127.0.0.1:$PORT/v1/engagement" "$BATCH"
echo "== signup: one per request, $CONNS connections, ${SECS}s"
measure signup bench/gate/signup.lua "http://127.0.0.1:$PORT/v1/signup" 1
curl -s "http://127.0.0.1:$PORT/v1/counts" | head -c 400; echo
