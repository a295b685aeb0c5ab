"""Simulator throughput and memory: rows written per second and peak RSS.

    python bench/simulate.py --accounts 5000 --scale 50     # ~10M engagements
    python bench/simulate.py --accounts 5000 --scale 1      # the demo size

Prints one line per table and a summary with the machine's load average,
since figures on a shared machine need that context.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from civicshield.sim import SimConfig, simulate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", default="parquet")
    ap.add_argument("--keep", type=Path, help="write here and keep the dataset (default: a temp folder, removed)")
    args = ap.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="civicshield-sim-")) / "ds"
    t0 = time.perf_counter()
    res = simulate(out, SimConfig(seed=args.seed, accounts=args.accounts, scale=args.scale, fmt=args.format))
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    total = sum(res.rows.values())
    for name, n in res.rows.items():
        print(f"{name:18s} {n:>12,}")
    print(f"simulate --accounts {args.accounts} --scale {args.scale} --format {args.format}: {total:,} rows in "
          f"{secs:.1f} s = {total / secs:,.0f} rows/s; engagements {res.rows['engagements']:,}; "
          f"peak RSS {peak_mb:,.0f} MB; {size_mb:,.0f} MB on disk; load average {os.getloadavg()[0]:.2f} "
          f"(1 min) on {os.cpu_count()} CPUs")
    if not args.keep:
        shutil.rmtree(out.parent)


if __name__ == "__main__":
    main()
