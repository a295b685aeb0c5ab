"""The coordination detector on Spark, call by call: wall and CPU (process
tree) of every query and kept view, and the shuffle and broadcast exchanges
of each plan (cached plans below an InMemoryRelation not counted again).

    python bench/spark/stages.py DATASET_DIR [MASTER] [DRIVER_MEMORY] [KEY=VALUE ...]
    PLANS=/tmp/plans.txt python bench/spark/stages.py /work/spark-bench/1m/posts-1000000-1 'local[2]' 6g

DATASET_DIR is a Parquet dataset folder as ``run.py`` writes it; ``PLANS``
names a file to append each query and its physical plan to.
"""
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import _tree  # noqa: E402

from civicshield.detect import DetectionContext, get, run_detector  # noqa: E402
from civicshield.store.spark import SparkStore  # noqa: E402

ds = sys.argv[1]
master = sys.argv[2] if len(sys.argv) > 2 else "local[2]"
mem = sys.argv[3] if len(sys.argv) > 3 else "6g"
conf = {"spark.driver.memory": mem} | dict(a.split("=", 1) for a in sys.argv[4:])
me = os.getpid()


def cpu() -> float:
    return sum(_tree(me)[1].values())


def exchanges(df) -> tuple[int, int]:
    plan = df._jdf.queryExecution().executedPlan().toString().splitlines()
    shuffle = bcast = 0
    skip_below = None
    for line in plan:
        indent = len(line) - len(line.lstrip(" :+-"))
        if skip_below is not None:
            if indent > skip_below:
                continue
            skip_below = None
        if "InMemoryRelation" in line:
            skip_below = indent
            continue
        if "BroadcastExchange" in line:
            bcast += 1
        elif re.search(r"\bExchange\b", line):
            shuffle += 1
    return shuffle, bcast


t0, c0 = time.perf_counter(), cpu()
s = SparkStore(ds, master=master, conf=conf)
print(f"start {time.perf_counter() - t0:.1f}s cpu {cpu() - c0:.1f}", flush=True)
orig_sql = s.spark.sql
totals = {"shuffle": 0, "bcast": 0}


def sql(q, *a, **k):
    df = orig_sql(q, *a, **k)
    sh, bc = exchanges(df)
    totals["shuffle"] += sh
    totals["bcast"] += bc
    print(f"   plan: {sh} shuffle, {bc} broadcast exchanges", flush=True)
    with open(os.environ.get("PLANS", "/dev/null"), "a") as f:
        f.write(q + "\n" + df._jdf.queryExecution().executedPlan().toString() + "\n\n")
    return df


s.spark.sql = sql
for meth in ("query", "create_view"):
    orig = getattr(s, meth)

    def wrap(*a, _o=orig, _m=meth, **k):
        t, c = time.perf_counter(), cpu()
        r = _o(*a, **k)
        head = " ".join(a[0].split())[:90] if _m == "query" else a[0]
        print(f"{_m} {head!r}: {time.perf_counter() - t:.1f}s wall, {cpu() - c:.1f}s cpu", flush=True)
        return r

    setattr(s, meth, wrap)
t1, c1 = time.perf_counter(), cpu()
res = run_detector(get("coordination"), DetectionContext(s, s.election()))
print(json.dumps({"networks": len(res.findings), "accounts": sum(len(f.account_ids) for f in res.findings),
                  "detector_wall": round(time.perf_counter() - t1, 1), "detector_cpu": round(cpu() - c1, 1),
                  **totals, "load": os.getloadavg()}), flush=True)
s.close()
