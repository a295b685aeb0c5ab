"""Ingest benchmark: a dataset with N engagement rows, loaded by a child
process; prints wall time and the child's peak RSS.

    python bench/ingest.py --engagements 10000000 --format parquet
    python bench/ingest.py --engagements 1000000 --format csv --keep /tmp/ds

The dataset is generated with DuckDB straight to files (no Python rows), so
generation itself stays small.  Target: 10M engagements under 4 GB peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ELECTION = """id = "bench"
country = "RO"
name = "Benchmark election"
rounds = ["2024-11-24", "2024-12-08"]
watch_from = "2024-09-01"
"""

FORMATS = {
    "parquet": "(FORMAT parquet)",
    "csv": "(FORMAT csv, HEADER true)",
    "jsonl": "(FORMAT json)",
}


def generate(root: Path, engagements: int, accounts: int, posts: int, fmt: str, files: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "election.toml").write_text(ELECTION)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    opts = FORMATS[fmt]
    tags = "'#Vot #alegeri'" if fmt == "csv" else "['#Vot', '#alegeri']"
    con.execute(
        f"""COPY (SELECT lpad(CAST(i AS VARCHAR), 7, '0') AS account_id, 'user' || i AS handle,
                  strftime(TIMESTAMP '2020-01-01' + to_seconds(i * 97), '%Y-%m-%dT%H:%M:%SZ') AS created_at,
                  CASE WHEN i % 50 = 0 THEN 'creator' ELSE '' END AS account_type,
                  CAST(i % 5000 AS VARCHAR) AS follower_count
           FROM range({accounts}) t(i)) TO '{root}/accounts.{fmt}' {opts}"""
    )
    con.execute(
        f"""COPY (SELECT 'p' || i AS post_id, lpad(CAST(i % {accounts} AS VARCHAR), 7, '0') AS account_id,
                  strftime(TIMESTAMP '2024-09-01' + to_seconds(i * 7), '%Y-%m-%dT%H:%M:%SZ') AS created_at,
                  'post number ' || i || ' #vot' AS text, {tags} AS hashtags
           FROM range({posts}) t(i)) TO '{root}/posts.{fmt}' {opts}"""
    )
    per = -(-engagements // files)
    for f in range(files):
        lo, hi = f * per, min(engagements, (f + 1) * per)
        name = f"engagements-{f + 1:04d}.{fmt}" if files > 1 else f"engagements.{fmt}"
        con.execute(
            f"""COPY (SELECT lpad(CAST(hash(i) % {accounts} AS VARCHAR), 7, '0') AS actor_id,
                      ['like', 'share', 'follow', 'favorite'][1 + CAST(i % 4 AS INTEGER)] AS action,
                      'p' || (hash(i * 31) % {posts}) AS target_id,
                      strftime(TIMESTAMP '2024-09-01' + to_seconds(hash(i * 7) % 8000000), '%Y-%m-%dT%H:%M:%SZ') AS created_at,
                      'd' || (hash(i) % 100000) AS device_id, '10.' || (i % 250) || '.0' AS ip_prefix, 'RO' AS country
               FROM range({lo}, {hi}) t(i)) TO '{root}/{name}' {opts}"""
        )
    con.close()


CHILD = """
import sys, time
from pathlib import Path
from civicshield.ingest import ingest_dataset
from civicshield.workspace import Workspace
t = time.perf_counter()
s = ingest_dataset(Path(sys.argv[1]), Workspace(Path(sys.argv[2])))
print(f"{time.perf_counter() - t:.1f}", s.rows)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engagements", type=int, default=10_000_000)
    ap.add_argument("--accounts", type=int, default=200_000)
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--format", choices=sorted(FORMATS), default="parquet")
    ap.add_argument("--files", type=int, default=4, help="split engagements over this many files")
    ap.add_argument("--keep", type=Path, help="write the dataset and workspace here and keep them")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="civicshield-bench-"))
    ds, ws = base / "dataset", base / "workspace"
    try:
        t = time.perf_counter()
        if not (ds / "election.toml").exists():
            generate(ds, args.engagements, args.accounts, args.posts, args.format, args.files)
        size = sum(p.stat().st_size for p in ds.iterdir())
        print(f"generated {args.engagements:,} engagements ({args.format}, {size / 1e6:,.0f} MB) in {time.perf_counter() - t:.1f}s")
        shutil.rmtree(ws, ignore_errors=True)
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, str(ds), str(ws)], capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"ingest failed:\n{out.stderr[-2000:]}")
        wall = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        store = (ws / "events.duckdb").stat().st_size
        inside, rows = out.stdout.strip().splitlines()[-1].split(" ", 1)
        print(f"ingest: wall {wall:.1f}s (inside {inside}s), peak RSS {peak_mb:,.0f} MB, store {store / 1e6:,.0f} MB")
        print(f"rows: {rows}")
        print(f"load: {os.getloadavg()}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
