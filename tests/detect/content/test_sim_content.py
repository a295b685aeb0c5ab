"""The content detectors on a small simulated election: every planted kind
found, no organic look-alike flagged.  The full-size figures (5 seeds) come
from bench/content/sim_eval.py."""

import json

import pytest

from civicshield.detect.base import run_detector
from civicshield.detect.content import DETECTORS
from civicshield.detect.context import DetectionContext
from civicshield.evaluate import evaluate

KINDS = {k for d in DETECTORS for k in d.kinds}


@pytest.mark.slow
def test_content_detectors_on_a_simulated_election(small_scenario, tmp_path):
    dataset, ws = small_scenario
    # the partner's fact-check database: the scenario's claims (a file of our own, the shared workspace stays as is)
    checks = tmp_path / "factchecks.jsonl"
    checks.write_bytes((dataset / "truth" / "claims.jsonl").read_bytes())
    params = {"misinformation": {"factchecks": str(checks)}}
    rows = []
    with ws.events(read_only=True) as store:
        ctx = DetectionContext(store, store.election())
        for det in DETECTORS:
            rows += [f.to_row() for f in run_detector(det, ctx, params.get(det.name)).findings]
    truth = [json.loads(line) for line in (dataset / "truth" / "labels.jsonl").read_text().splitlines()]
    looks = [json.loads(line) for line in (dataset / "truth" / "lookalikes.jsonl").read_text().splitlines()]
    mine = [la for la in looks if set(la["mimics"]) & KINDS]
    ev = evaluate([t for t in truth if t["kind"] in KINDS], rows, mine)
    planted = {(t["kind"], t["entity"]) for t in truth if t["kind"] in KINDS}
    assert len(planted) >= 8, planted  # the scenario plants every content kind
    for k in ev.kinds:
        assert k.f1 >= 0.95, f"{k.kind}/{k.entity}: P {k.precision:.3f} R {k.recall:.3f} ({k.truth} planted)"
    assert mine and not {fam: n for fam, (n, _) in ev.lookalikes_flagged.items() if n}
