"""Cost of one decision without HTTP: the pure logic, the gate with in-process
state, and the gate with Redis state (batches of 10, as bench/gate/run.sh
sends them), on random traffic; for Redis also the time Redis spent in the
gate's script (``INFO commandstats``), which is where most of it goes.

    .venv/bin/python bench/gate/decide.py [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid

from civicshield.gate import Gate
from civicshield.gate.decide import decide_engagement
from civicshield.gate.model import Engagement, EngagementFacts
from civicshield.gate.rules import load_rules
from civicshield.gate.state import MemoryState


def traffic(n: int, rnd: random.Random) -> list[Engagement]:
    now = time.time()
    return [Engagement(at=now + i * 1e-4, actor_id=f"u{rnd.randrange(200_000)}", action="like",
                       target_id=f"p{rnd.randrange(20_000)}", device_id=f"d{rnd.randrange(200_000)}",
                       ip_prefix=f"{rnd.randrange(1, 223)}.{rnd.randrange(256)}.{rnd.randrange(256)}") for i in range(n)]


def per_decision_us(gate: Gate, evs: list[Engagement], batch: int) -> float:
    t0 = time.perf_counter()
    for i in range(0, len(evs), batch):
        gate.engagements(evs[i:i + batch])
    return (time.perf_counter() - t0) / len(evs) * 1e6


def script_usec(st) -> int:
    return st.r.info("commandstats").get("cmdstat_evalsha", {}).get("usec", 0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("-n", type=int, default=50_000)
    a = ap.parse_args()
    rules, rnd = load_rules(), random.Random(1)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    f = EngagementFacts(actor_burst=3, actor_long=40, device_actors=2, target_actors=50, target_device_actors=1,
                        target_prefix_actors=3)
    t0 = time.perf_counter()
    for _ in range(a.n):
        decide_engagement(f, rules)
    print(f"pure decision logic: {(time.perf_counter() - t0) / a.n * 1e6:.2f} us")
    evs = traffic(a.n, rnd)
    print(f"gate + in-process state, batches of 200: {per_decision_us(Gate(MemoryState(), rules), evs, 200):.1f} us")
    from civicshield.gate.redis_state import RedisState

    st = RedisState(a.redis, prefix=f"cs:bench:{uuid.uuid4().hex}:", timeout_s=2.0)
    n = a.n // 5
    try:
        s0, c0 = script_usec(st), time.process_time()
        us = per_decision_us(Gate(st, rules), traffic(n, rnd), 10)
        script = (script_usec(st) - s0) / n
        cpu = (time.process_time() - c0) / n * 1e6
        print(f"gate + Redis state, batches of 10: {us:.1f} us wall per decision ({1e6 / us:,.0f} decisions/s on one "
              f"client thread); client CPU {cpu:.1f} us + Redis script {script:.1f} us per decision")
    finally:
        st.clear()


if __name__ == "__main__":
    main()
