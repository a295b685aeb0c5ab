"""Claim matching: quality on simulated elections and speed on a large stream.

    python bench/content/misinformation.py [--seeds 1 2 3 4 5] [--accounts 5000] [--stream 1000000]

Quality: for each seed, simulate, ingest, give the partner's verdicts once per
claim (``truth/claims.jsonl``: the claim and its translations) through the
case store (``claims.import_factchecks``: matching + actions + audit), then
run the ``misinformation`` detector and score both against the truth labels
(posts of each claim) and the organic ``claim_topic`` look-alikes.

Speed: ``ClaimMatcher.match_posts`` over a stream of ``--stream`` distinct
post texts (the scenario's organic texts, each made distinct by an id word,
with the claim repeats mixed in), wall and CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from civicshield.cases.claims import import_factchecks
from civicshield.cases.claims_models import Claim, ClaimPost
from civicshield.cases.db import CaseStore
from civicshield.cases.roles import Actor
from civicshield.detect.base import run_detector
from civicshield.detect.content._claims import ClaimMatcher
from civicshield.detect.content.misinformation import DETECTOR
from civicshield.detect.context import DetectionContext
from civicshield.factchecks import read_factchecks
from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _score(pred: dict[str, str], truth: dict[str, str], topic: set[str]) -> dict:
    tp = sum(1 for p, c in pred.items() if truth.get(p) == c)
    return {"truth": len(truth), "predicted": len(pred), "tp": tp, "precision": tp / len(pred) if pred else 0.0,
            "recall": tp / len(truth) if truth else 1.0, "lookalikes_flagged": len(topic & set(pred)),
            "lookalikes": len(topic)}


def one_seed(seed: int, accounts: int, root: Path) -> tuple[dict, Workspace, Path]:
    data, ws = root / f"data-{seed}", Workspace(root / f"ws-{seed}").ensure()
    simulate(data, SimConfig(seed=seed, accounts=accounts, media=False))
    ingest_dataset(data, ws)
    truth = {}
    for line in (data / "truth" / "labels.jsonl").open():
        o = json.loads(line)
        if o["kind"] == "election_misinformation":
            truth[o["id"]] = o["operation"]
    topic = {json.loads(x)["id"] for x in (data / "truth" / "lookalikes.jsonl").open()
             if json.loads(x)["family"] == "claim_topic"}
    store = CaseStore(ws.cases_url)
    t, c = time.perf_counter(), _cpu()
    s = import_factchecks(store, ws, Actor("partner", "factchecker"), data / "truth" / "claims.jsonl")
    t_apply, c_apply = time.perf_counter() - t, _cpu() - c
    with store.reader() as sess:  # what the apply path tied to each claim
        via_apply = dict(sess.execute(sa.select(ClaimPost.post_id, Claim.key).join(Claim, Claim.id == ClaimPost.claim_id)).all())
    store.close()
    with ws.events(read_only=True) as ev:
        t, c = time.perf_counter(), _cpu()
        found = run_detector(DETECTOR, DetectionContext(ev, ev.election())).findings
        t_det, c_det = time.perf_counter() - t, _cpu() - c
        n_posts = ev.count("posts")
    pred = {f.post_ids[0]: f.evidence["claim"] for f in found}
    return ({"seed": seed, "posts": n_posts, "claims": len({*truth.values()}),
             "detector": _score(pred, truth, topic), "apply_path": _score(via_apply, truth, topic),
             "actions_applied": s.applied, "detect_s": round(t_det, 2), "detect_cpu_s": round(c_det, 2),
             "apply_s": round(t_apply, 2), "apply_cpu_s": round(c_apply, 2)}, ws, data)


def stream(ws: Workspace, data: Path, n: int) -> dict:
    with ws.events(read_only=True) as ev:
        texts = [r[0] for r in ev.rows("SELECT text FROM posts WHERE text IS NOT NULL AND text <> ''")]
    claims = read_factchecks(data / "truth" / "claims.jsonl")
    big = [f"{texts[i % len(texts)]} w{i}" for i in range(n)]
    t, c = time.perf_counter(), _cpu()
    m = ClaimMatcher(claims)
    out = m.match_posts(big, [None] * n)
    wall, cpu = time.perf_counter() - t, _cpu() - c
    return {"posts": n, "matched": sum(x is not None for x in out), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "posts_per_s": round(n / wall)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--stream", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="cs-misinfo-") as tmp:
        rows = []
        for seed in args.seeds:
            row, ws, data = one_seed(seed, args.accounts, Path(tmp))
            rows.append(row)
            print(json.dumps(row))
        for part in ("detector", "apply_path"):
            tp = sum(r[part]["tp"] for r in rows)
            print(f"{part}: precision {tp / sum(r[part]['predicted'] for r in rows):.4f}, "
                  f"recall {tp / sum(r[part]['truth'] for r in rows):.4f}, look-alikes flagged "
                  f"{sum(r[part]['lookalikes_flagged'] for r in rows)}/{sum(r[part]['lookalikes'] for r in rows)}, "
                  f"min precision {min(r[part]['precision'] for r in rows):.4f}, "
                  f"min recall {min(r[part]['recall'] for r in rows):.4f}")
        if args.stream:
            print("stream:", json.dumps(stream(ws, data, args.stream)))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
