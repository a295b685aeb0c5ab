"""The coordination detector on Spark (local mode) against DuckDB.

    python bench/spark/run.py --posts 10000000 --engines duckdb,spark
    python bench/spark/run.py --posts 1000000 --engines spark --master 'local[2]' --driver-memory 6g
    python bench/spark/run.py --posts 1000000 --engines spark --conf spark.sql.shuffle.partitions=8

First run writes the posts of ``bench/coordination/data.py`` (the same
generator ``bench/coordination/scale.py`` uses: Zipf keys, viral bursts,
planted groups) twice: as a Parquet dataset folder in the contract's layout
(``posts-0001.parquet``..., ``accounts.parquet``, ``election.toml``) for
Spark, and as an event store for DuckDB.  Each engine then runs in a fresh
process: the whole ``coordination`` detector with default parameters,
Spark start-up included for Spark.  Printed per engine: wall time, CPU time
of the whole process tree (JVM and Python workers included), peak resident
memory of the tree (sampled every 0.5 s, summed over processes), networks
found, and the load average before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "coordination"))

ELECTION_TOML = """id = "bench"
country = "RO"
name = "bench"
rounds = ["2024-11-24"]
watch_from = "2024-09-01"
languages = ["ro"]
"""
FILE_ROWS = 2_000_000  # posts per Parquet file (the contract's split files)


def build(n: int, seed: int, dataset: Path, store: Path) -> None:
    import pyarrow.parquet as pq
    from data import posts

    from civicshield.election import Election
    from civicshield.sim.writer import conform, rows_to_arrow
    from civicshield.store.build import build_store

    t = time.perf_counter()
    table = conform("posts", posts(n, seed))
    accounts = sorted(set(table["account_id"].to_pylist()))
    acc = rows_to_arrow("accounts", [{"account_id": a, "handle": a, "created_at": 1_577_836_800} for a in accounts])
    dataset.mkdir(parents=True)
    (dataset / "election.toml").write_text(ELECTION_TOML)
    pq.write_table(acc, dataset / "accounts.parquet")
    for i, lo in enumerate(range(0, n, FILE_ROWS), start=1):
        pq.write_table(table.slice(lo, FILE_ROWS), dataset / f"posts-{i:04d}.parquet", row_group_size=250_000)
    election = Election(id="bench", country="RO", name="bench", rounds=(dt.date(2024, 11, 24),),
                        watch_from=dt.date(2024, 9, 1), languages=("ro",))
    build_store(store, election, {"accounts": acc, "posts": table})
    print(f"built {n:,} posts / {len(accounts):,} accounts in {time.perf_counter() - t:.0f} s", flush=True)


def run_one(engine: str, dataset: Path, store: Path, master: str, driver_memory: str, conf: list[str]) -> None:
    """In the child process: run the detector and print one JSON line."""
    from civicshield.detect import DetectionContext, get, run_detector

    t = time.perf_counter()
    if engine == "duckdb":
        from civicshield.store import EventStore

        with EventStore(store, read_only=True) as s:
            started = time.perf_counter()
            res = run_detector(get("coordination"), DetectionContext(s, s.election()))
    else:
        from civicshield.store.spark import SparkStore

        settings = {"spark.driver.memory": driver_memory} | dict(c.split("=", 1) for c in conf)
        with SparkStore(str(dataset), master=master, conf=settings) as s:
            started = time.perf_counter()
            res = run_detector(get("coordination"), DetectionContext(s, s.election()))
    done = time.perf_counter()
    print(json.dumps({"networks": len(res.findings), "accounts": sum(len(f.account_ids) for f in res.findings),
                      "startup_s": round(started - t, 1), "detector_s": round(done - started, 1)}), flush=True)


def _tree(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of ``root`` and all its descendants, and each one's own
    CPU seconds so far (a process gone between two samples loses at most
    the last 0.5 s)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
            rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            cpu[int(d)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime, own only
        except (OSError, IndexError, ValueError):
            continue
    total, seen, todo = 0, {}, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        seen[p] = cpu.get(p, 0.0)
        todo += children.get(p, [])
    return total, seen


def measure(engine: str, args: argparse.Namespace, dataset: Path, store: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", engine, "--posts", str(args.posts), "--seed",
                             str(args.seed), "--dir", str(args.dir), "--master", args.master,
                             "--driver-memory", args.driver_memory, *(f"--conf={c}" for c in args.conf)],
                            stdout=subprocess.PIPE, text=True)
    peak = 0
    cpu_seen: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.5):
            rss, cpu = _tree(proc.pid)
            peak = max(peak, rss)
            for pid, c in cpu.items():
                cpu_seen[pid] = max(cpu_seen.get(pid, 0.0), c)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    stop.set()
    th.join()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{engine} run failed (exit {proc.returncode})")
    child = json.loads(out.strip().splitlines()[-1])
    # The JVM is not always reaped by the Python driver, so its CPU time may
    # miss from RUSAGE_CHILDREN: take the larger of that and the sampled sum.
    cpu = max((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), sum(cpu_seen.values()))
    return {"engine": engine, "posts": args.posts, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_rss_gb": round(peak / 2**30, 2), **child, "load_before": [round(x, 2) for x in load0],
            "load_after": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/civicshield-spark-bench"))
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="6g", help="Spark local mode: the driver is the executor")
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a Spark setting for the Spark run (repeatable), e.g. spark.sql.shuffle.partitions=8")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    dataset = args.dir / f"posts-{args.posts}-{args.seed}"
    store = args.dir / f"posts-{args.posts}-{args.seed}.duckdb"
    if args.child:
        run_one(args.child, dataset, store, args.master, args.driver_memory, args.conf)
        return
    if not dataset.exists():
        build(args.posts, args.seed, dataset, store)
    for engine in filter(None, args.engines.split(",")):
        print(json.dumps(measure(engine, args, dataset, store)), flush=True)


if __name__ == "__main__":
    main()
