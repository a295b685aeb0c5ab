"""Speed of the fake-engagement detectors on a large synthetic engagement log.

    python bench/engagement/bench_engagement.py --events 10000000 [--fraudar-python PY] [--fraudar-edges 1000000]

Builds an event store with ``--events`` engagement rows: background users
with heavy-tailed activity liking Zipf-popular posts (most likes within hours
of the post), viral posts, and planted farms (lockstep jobs plus camouflage
likes on popular posts).  Then times, each on its own:

- ``lockstep_engagement`` end to end (SQL pair join + components + rows),
- ``dense_block`` end to end, and the numba peeling alone on its edge list,
- peak RSS of the process (``ru_maxrss``),
- recall/precision of the planted farm accounts,
- optionally the public FRAUDAR (``rgmining-fraudar`` on PyPI, install with
  ``pip install -e '.[bench]'`` or into a separate venv and pass
  ``--fraudar-python``) on the same account x column graph, subsampled to
  ``--fraudar-edges`` edges: same block found (row Jaccard) and speed ratio.

Prints one JSON line per measurement.  Record the load average beside the
figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement import dense_block, lockstep
from civicshield.detect.engagement._fraudar import column_weights, peel
from civicshield.election import Election
from civicshield.store import EventStore
from civicshield.store.build import build_store

T0 = dt.datetime(2024, 9, 1)
DAYS = 60


def _ids(prefix: str, ints: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(ints), pa.string()), "")


def synth(n_events: int, seed: int, farms: int, farm_size: int, jobs: int) -> tuple[pa.Table, set[str]]:
    rng = np.random.default_rng(seed)
    n_users, n_posts = max(1000, n_events // 10), max(200, n_events // 50)
    post_t = rng.uniform(0, DAYS * 86400, n_posts)
    planted = farms * farm_size * (jobs + 15)
    n_bg = max(0, n_events - planted)
    # heavy-tailed activity and Zipf popularity
    actor = (rng.pareto(1.2, n_bg) * n_users / 20).astype(np.int64) % n_users
    target = (rng.zipf(1.4, n_bg) - 1) % n_posts
    t = post_t[target] + rng.exponential(6 * 3600, n_bg)
    a_parts, p_parts, t_parts = [actor], [target], [t]
    farm_accounts = set()
    for f in range(farms):
        members = np.arange(farm_size) + n_users + f * farm_size
        farm_accounts |= {f"u{m}" for m in members}
        for _ in range(jobs):
            tgt = rng.integers(n_posts)
            start = post_t[tgt] + rng.uniform(300, 6 * 3600)
            take = members[rng.random(farm_size) < 0.8]
            a_parts.append(take)
            p_parts.append(np.full(len(take), tgt))
            t_parts.append(start + np.cumsum(rng.exponential(3.0, len(take))))
        for m in members:  # camouflage on the most popular posts at ordinary times
            cam = rng.integers(0, 200, 15)
            a_parts.append(np.full(15, m))
            p_parts.append(cam)
            t_parts.append(post_t[cam] + rng.exponential(6 * 3600, 15))
    actor, target, t = np.concatenate(a_parts), np.concatenate(p_parts), np.concatenate(t_parts)
    ts = pa.array(np.datetime64(T0, "us") + (t * 1e6).astype("timedelta64[us]"))
    table = pa.table({
        "actor_id": _ids("u", actor),
        "action": pa.array(np.where(rng.random(len(actor)) < 0.9, "like", "share")),
        "target_id": _ids("p", target),
        "created_at": ts,
    })
    return table, farm_accounts


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def emit(**kw) -> None:
    kw["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    kw["peak_rss_gb"] = round(peak_gb(), 2)
    print(json.dumps(kw), flush=True)


def scores(found: set[str], truth: set[str]) -> dict:
    tp = len(found & truth)
    return {"precision": round(tp / len(found), 4) if found else 1.0, "recall": round(tp / len(truth), 4)}


_FRAUDAR = """
import json, sys, time
import numpy as np
from scipy import sparse
from fraudar import logWeightedAveDegree
d = np.load(sys.argv[1])
M = sparse.csr_matrix((np.ones(len(d["r"])), (d["r"], d["c"])), shape=(int(d["nr"]), int(d["nc"])))
t = time.perf_counter()
(rows, cols), score = logWeightedAveDegree(M)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": sorted(int(x) for x in rows), "score": float(score)}))
"""


def compare_fraudar(edges: pa.Table, n_edges: int, python: str, seed: int) -> None:
    actors = pc.dictionary_encode(edges.column("actor_id")).combine_chunks()
    cols = pc.dictionary_encode(edges.column("col")).combine_chunks()
    r = actors.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    c = cols.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    if len(r) > n_edges:  # the public version is pure Python: subsample the edges, keep ids
        keep = np.random.default_rng(seed).choice(len(r), n_edges, replace=False)
        r, c = r[keep], c[keep]
    nr, nc = len(actors.dictionary), len(cols.dictionary)
    t = time.perf_counter()
    rmask, _, density = peel(nr, nc, r, c, column_weights(c, nc))
    ours = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.npz"
        np.savez(path, r=r, c=c, nr=nr, nc=nc)
        script = Path(tmp) / "run_fraudar.py"
        script.write_text(_FRAUDAR)
        proc = subprocess.run([python, str(script), str(path)], capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        emit(step="fraudar_public", error=proc.stderr.strip().splitlines()[-1:] or ["failed"])
        return
    theirs = json.loads(proc.stdout.strip().splitlines()[-1])
    ours_rows, their_rows = set(np.flatnonzero(rmask).tolist()), set(theirs["rows"])
    jac = len(ours_rows & their_rows) / max(1, len(ours_rows | their_rows))
    emit(step="fraudar_compare", edges=int(len(r)), ours_seconds=round(ours, 3), public_seconds=round(theirs["seconds"], 2),
         speedup=round(theirs["seconds"] / max(ours, 1e-9), 1), row_jaccard=round(jac, 4),
         ours_density=round(density, 4), public_score=round(theirs["score"], 4),
         ours_rows=len(ours_rows), public_rows=len(their_rows))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--farms", type=int, default=5)
    ap.add_argument("--farm-size", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=40)
    ap.add_argument("--fraudar-python", default=None, help="a python with rgmining-fraudar installed")
    ap.add_argument("--fraudar-edges", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    t = time.perf_counter()
    table, truth = synth(a.events, a.seed, a.farms, a.farm_size, a.jobs)
    emit(step="synth", rows=table.num_rows, seconds=round(time.perf_counter() - t, 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.duckdb"
        election = Election(id="bench", country="RO", name="bench", rounds=(dt.date(2024, 11, 24),),
                            watch_from=dt.date(2024, 9, 1))
        t = time.perf_counter()
        build_store(path, election, {"accounts": [], "engagements": table})
        del table
        emit(step="load", seconds=round(time.perf_counter() - t, 1))
        with EventStore(path, read_only=True) as store:
            store.con.execute(f"SET threads = {a.threads}")
            ctx = DetectionContext(store=store, election=election)
            for det in (lockstep.DETECTOR, dense_block.DETECTOR):
                t = time.perf_counter()
                res = run_detector(det, ctx)
                found = {x for f in res.findings for x in f.account_ids}
                emit(step=det.name, events=a.events, seconds=round(time.perf_counter() - t, 1),
                     farms_found=len(res.findings), **scores(found, truth))
            t = time.perf_counter()
            edges = ctx.query(dense_block.edge_sql(dense_block.DETECTOR.defaults()))
            sql_s = time.perf_counter() - t
            actors = pc.dictionary_encode(edges.column("actor_id")).combine_chunks()
            cols = pc.dictionary_encode(edges.column("col")).combine_chunks()
            r = actors.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            c = cols.indices.to_numpy(zero_copy_only=False).astype(np.int64)
            peel(10, 10, r[:0], c[:0], np.zeros(0))  # compile outside the timing
            t = time.perf_counter()
            rmask, _, density = peel(len(actors.dictionary), len(cols.dictionary), r, c,
                                     column_weights(c, len(cols.dictionary)))
            emit(step="fraudar_peel_only", edges=int(len(r)), edge_sql_seconds=round(sql_s, 1),
                 peel_seconds=round(time.perf_counter() - t, 2), block_rows=int(rmask.sum()),
                 **scores({actors.dictionary[i].as_py() for i in np.flatnonzero(rmask)}, truth))
            if a.fraudar_python:
                compare_fraudar(edges, a.fraudar_edges, a.fraudar_python, a.seed)


if __name__ == "__main__":
    sys.exit(main())
