"""The whole coordination detector at scale: all key kinds together.

    python bench/coordination/scale.py --posts 10000000 --dir /tmp/coord10m

First run writes the posts (bench/coordination/data.py) into an event store
in DIR; every run then starts a fresh process that opens the store, runs
the ``coordination`` detector with default parameters and prints wall time,
peak RSS of that process, findings and planted groups recovered.  The
target (issue 3): 10M posts in under 2 minutes and under 6 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build(n: int, seed: int, path: Path) -> None:
    from data import posts

    from civicshield.election import Election
    from civicshield.store.build import build_store

    t = time.perf_counter()
    table = posts(n, seed)
    accounts = sorted(set(table["account_id"].to_pylist()))
    election = Election(id="bench", country="RO", name="bench", rounds=(dt.date(2024, 11, 24),),
                        watch_from=dt.date(2024, 9, 1), languages=("ro",))
    acc = [{"account_id": a, "handle": a, "created_at": dt.datetime(2020, 1, 1)} for a in accounts]
    build_store(path, election, {"accounts": acc, "posts": table})
    print(f"built {n:,} posts / {len(accounts):,} accounts in {time.perf_counter() - t:.0f} s", flush=True)


def detect(path: Path, n: int) -> None:
    from civicshield.detect import DetectionContext, get, run_detector
    from civicshield.store import EventStore

    t, cpu = time.perf_counter(), time.process_time()
    with EventStore(path, read_only=True) as store:
        res = run_detector(get("coordination"), DetectionContext(store, store.election()))
    secs, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    def planted(a: str) -> bool:  # data.py numbers planted accounts from n // 10 up
        return int(a[1:]) >= max(n // 10, 100)

    pure = sum(1 for f in res.findings if all(planted(a) for a in f.account_ids))
    found = {a for f in res.findings for a in f.account_ids}
    print(f"coordination: {secs:.1f} s wall, {cpu:.1f} s CPU (all threads), peak RSS {peak:.2f} GB, {len(res.findings)} networks, {pure} of them "
          f"planted-only; {sum(map(planted, found)):,} planted and {sum(not planted(a) for a in found):,} other "
          f"accounts flagged; load {os.getloadavg()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/civicshield-coord-bench"))
    ap.add_argument("--detect-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    store = args.dir / f"posts-{args.posts}-{args.seed}.duckdb"
    if args.detect_only:
        detect(store, args.posts)
        return
    if not store.exists():
        build(args.posts, args.seed, store)
    subprocess.run([sys.executable, __file__, "--posts", str(args.posts), "--seed", str(args.seed),
                    "--dir", str(args.dir), "--detect-only"], check=True)


if __name__ == "__main__":
    main()
