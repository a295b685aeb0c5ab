"""Precision / recall of the content detectors on simulated elections.

    python bench/content/sim_eval.py [--seeds 1 2 3 4 5] [--accounts 5000] [--keep DIR]

For each seed: simulate a default-size scenario, ingest it, run only the
content detectors, score their findings per kind (entity level, as the
contract's evaluation does) and count look-alike entities they flagged.
Prints one table per seed and the mean per kind; prints the machine load
next to the timings, since figures taken on a busy machine are not
comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from civicshield.detect import detect
from civicshield.detect.content import DETECTORS
from civicshield.evaluate import evaluate
from civicshield.findings import read_jsonl
from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace

KINDS = sorted({k for d in DETECTORS for k in d.kinds})


def one_seed(seed: int, accounts: int, root: Path) -> dict:
    data, ws = root / f"data-{seed}", Workspace(root / f"ws-{seed}").ensure()
    t = time.perf_counter()
    simulate(data, SimConfig(seed=seed, accounts=accounts))
    t_sim = time.perf_counter() - t
    ingest_dataset(data, ws)
    # the fact-check partner's database: one record per planted claim (text + translations)
    (ws.path / "factchecks.jsonl").write_bytes((data / "truth" / "claims.jsonl").read_bytes())
    t = time.perf_counter()
    timings = {}
    detect(ws, only=[d.name for d in DETECTORS],
           on_start=lambda name: timings.__setitem__(name, time.perf_counter()),
           on_result=lambda r: timings.__setitem__(r.detector, time.perf_counter() - timings[r.detector]))
    t_detect = time.perf_counter() - t
    with ws.events(read_only=True) as store:
        rows = store.findings().to_pylist()
    truth = [o for _, o in read_jsonl(data / "truth" / "labels.jsonl")]
    look_path = data / "truth" / "lookalikes.jsonl"
    looks = [o for _, o in read_jsonl(look_path)] if look_path.exists() else []
    mine = [la for la in looks if set(la.get("mimics") or KINDS) & set(KINDS)]
    ev = evaluate([t for t in truth if t["kind"] in KINDS], rows, mine)
    return {
        "seed": seed,
        "sim_s": round(t_sim, 1),
        "detect_s": round(t_detect, 1),
        "per_detector_s": {k: round(v, 2) for k, v in timings.items()},
        "kinds": {f"{k.kind}/{k.entity}": (k.truth, k.predicted, k.true_positives, k.precision, k.recall, k.f1)
                  for k in ev.kinds},
        "lookalikes": ev.lookalikes_flagged,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--keep", type=Path, default=None, help="keep datasets and workspaces here")
    args = ap.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory()
    root = args.keep or Path(tmp.name)
    root.mkdir(parents=True, exist_ok=True)
    per_kind = defaultdict(list)
    for seed in args.seeds:
        res = one_seed(seed, args.accounts, root)
        print(f"seed {seed}: simulate {res['sim_s']} s, content detectors {res['detect_s']} s "
              f"{json.dumps(res['per_detector_s'])}")
        for key, (n_t, n_p, tp, p, r, f1) in sorted(res["kinds"].items()):
            per_kind[key].append((p, r, f1))
            print(f"  {key:36s} truth {n_t:6d} found {n_p:6d} tp {tp:6d}  P {p:.3f} R {r:.3f} F1 {f1:.3f}")
        flagged = {fam: v for fam, v in res["lookalikes"].items() if v[0]}
        print(f"  look-alikes flagged: {flagged or 'none'} (of {sum(v[1] for v in res['lookalikes'].values())})")
    print(f"\nmean over seeds {args.seeds} ({args.accounts} accounts), load {os.getloadavg()[0]:.2f}:")
    for key, vals in sorted(per_kind.items()):
        p, r, f = (statistics.fmean(v[i] for v in vals) for i in range(3))
        print(f"  {key:36s} P {p:.3f} R {r:.3f} F1 {f:.3f} (min F1 {min(v[2] for v in vals):.3f})")


if __name__ == "__main__":
    main()
