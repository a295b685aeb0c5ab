"""The coordination targets on simulated elections, several seeds.

    python bench/coordination/sim_seeds.py --seeds 1 2 3 4 5 --accounts 5000

For each seed: simulate (``civicshield.sim``), ingest, run ``coordination``
with default parameters, and print account-level precision / recall / F1 for
``coordinated_network``, the best Jaccard of each planted network with one
found network, and any reported network made only of organic look-alikes.
Issue 3 targets: F1 >= 0.95, every Jaccard >= 0.8, no look-alike network.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from civicshield.detect import DetectionContext, get, run_detector
from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def one(seed: int, accounts: int, root: Path) -> dict:
    dataset, ws = root / f"ds-{seed}", Workspace(root / f"ws-{seed}").ensure()
    simulate(dataset, SimConfig(seed=seed, accounts=accounts))
    ingest_dataset(dataset, ws)
    ops: dict[str, set[str]] = defaultdict(set)
    for t in _jsonl(dataset / "truth" / "labels.jsonl"):
        if t["entity"] == "account" and t["kind"] == "coordinated_network":
            ops[t["operation"]].add(t["id"])
    lookalikes = {r["id"] for r in _jsonl(dataset / "truth" / "lookalikes.jsonl") if r["entity"] == "account"}
    t = time.perf_counter()
    with ws.events(read_only=True) as store:
        res = run_detector(get("coordination"), DetectionContext(store, store.election()))
    secs = time.perf_counter() - t
    truth = set().union(*ops.values())
    flagged = {a for f in res.findings for a in f.account_ids}
    tp = len(truth & flagged)
    p, r = tp / max(len(flagged), 1), tp / max(len(truth), 1)
    jaccard = {
        op: max((len(m & set(f.account_ids)) / len(m | set(f.account_ids)) for f in res.findings), default=0.0)
        for op, m in sorted(ops.items())
    }
    return {
        "seed": seed,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / max(p + r, 1e-9),
        "jaccard": {f"{op} ({len(ops[op])})": round(j, 3) for op, j in jaccard.items()},
        "lookalike_networks": sum(1 for f in res.findings if set(f.account_ids) <= lookalikes),
        "networks": len(res.findings),
        "detect_s": round(secs, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--accounts", type=int, default=5000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            r = one(seed, args.accounts, Path(tmp))
            print(f"seed {r['seed']}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}; "
                  f"Jaccard {r['jaccard']}; look-alike networks {r['lookalike_networks']}; "
                  f"{r['networks']} networks in {r['detect_s']} s; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
