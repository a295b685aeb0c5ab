"""Quality of the engagement family on simulated elections, several seeds.

    python bench/engagement/evaluate_sim.py --seeds 1 2 3 4 5 --accounts 5000 [--scale 1] [--keep DIR]

Simulates each seed, ingests it, runs only the engagement detectors, and
prints precision / recall / F1 per kind (account level, and engagement rows
for fake_engagement) plus look-alike families flagged.  Also the time each
detector took.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from civicshield.detect import detect
from civicshield.detect.engagement import DETECTORS
from civicshield.evaluate import evaluate
from civicshield.findings import iter_findings
from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace

KINDS = (("fake_engagement", "account"), ("fake_engagement", "engagement"), ("batch_created", "account"),
         ("sleeper_activation", "account"), ("spam_signup", "account"), ("recidivism", "account"))


def run_seed(root: Path, seed: int, accounts: int, scale: float = 1.0) -> dict:
    ds, ws = root / f"ds-{seed}", Workspace(root / f"ws-{seed}").ensure()
    t0 = time.perf_counter()
    simulate(ds, SimConfig(seed=seed, accounts=accounts, scale=scale))
    ingest_dataset(ds, ws)
    timings: dict[str, float] = {}
    started: dict[str, float] = {}

    def on_start(name):
        started[name] = time.perf_counter()

    def on_result(res):
        timings[res.detector] = round(time.perf_counter() - started[res.detector], 2)

    detect(ws, only=[d.name for d in DETECTORS], on_start=on_start, on_result=on_result)
    findings = list(iter_findings(ws))
    read = lambda p: [json.loads(line) for line in p.read_text().splitlines() if line.strip()]  # noqa: E731
    ev = evaluate(read(ds / "truth" / "labels.jsonl"), findings, read(ds / "truth" / "lookalikes.jsonl"))
    out = {"seed": seed, "seconds_total": round(time.perf_counter() - t0, 1), "detector_seconds": timings, "kinds": {}}
    for kind, entity in KINDS:
        s = ev.score(kind, entity)
        if s:
            out["kinds"][f"{kind}/{entity}"] = {"truth": s.truth, "predicted": s.predicted, "tp": s.true_positives,
                                                "precision": round(s.precision, 3), "recall": round(s.recall, 3),
                                                "f1": round(s.f1, 3)}
    out["lookalikes_flagged"] = {f: list(v) for f, v in ev.lookalikes_flagged.items() if v[0]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--scale", type=float, default=1.0, help="activity per account (52 gives ~10M engagements)")
    ap.add_argument("--keep", type=Path, default=None, help="keep datasets and workspaces here")
    a = ap.parse_args()
    root = a.keep or Path(tempfile.mkdtemp(prefix="cs-eng-eval-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        results = [run_seed(root, s, a.accounts, a.scale) for s in a.seeds]
    finally:
        if a.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    for r in results:
        print(json.dumps(r))
    print("\nkind/entity                      " + " ".join(f"seed{r['seed']:>3}" for r in results) + "   (F1)")
    for kind, entity in KINDS:
        key = f"{kind}/{entity}"
        print(f"{key:32s} " + " ".join(f"{r['kinds'].get(key, {}).get('f1', float('nan')):7.3f}" for r in results))


if __name__ == "__main__":
    main()
