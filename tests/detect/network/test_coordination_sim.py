"""The coordination targets on a simulated election (the shared small scenario):
account-level F1 >= 0.95, each planted network recovered as one network
(Jaccard >= 0.8), and no network made only of organic look-alikes."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from civicshield.detect import DetectionContext, get, run_detector


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.slow
def test_targets_on_the_simulated_election(small_scenario):
    dataset, ws = small_scenario
    ops: dict[str, set[str]] = defaultdict(set)
    for t in _jsonl(dataset / "truth" / "labels.jsonl"):
        if t["entity"] == "account" and t["kind"] == "coordinated_network":
            ops[t["operation"]].add(t["id"])
    lookalikes = {r["id"] for r in _jsonl(dataset / "truth" / "lookalikes.jsonl") if r["entity"] == "account"}
    assert len(ops) >= 2 and lookalikes
    with ws.events(read_only=True) as store:
        res = run_detector(get("coordination"), DetectionContext(store, store.election()))
    truth = set().union(*ops.values())
    flagged = {a for f in res.findings for a in f.account_ids}
    tp = len(truth & flagged)
    precision, recall = tp / max(len(flagged), 1), tp / len(truth)
    assert 2 * precision * recall / max(precision + recall, 1e-9) >= 0.95
    for op, members in ops.items():
        best = max(len(members & set(f.account_ids)) / len(members | set(f.account_ids)) for f in res.findings)
        assert best >= 0.8, f"{op} ({len(members)} accounts) not recovered as one network"
    for f in res.findings:
        assert not set(f.account_ids) <= lookalikes, f"{f.network_id} is made only of organic look-alikes"
