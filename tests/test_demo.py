import datetime as dt
import json

import pytest

from civicshield._testing import ro_election
from civicshield.demo import MARKER, run_demo
from civicshield.errors import CivicshieldError
from civicshield.evaluate import evaluate
from civicshield.html import render

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_summary_escapes_everything_from_the_data():
    network = {"network_id": HOSTILE, "kind": "coordinated_network", "account_ids": ["1", "2"], "score": 0.9,
               "first_seen": "2024-11-01T00:00:00Z", "last_seen": None, "evidence": {HOSTILE: HOSTILE}}
    election = ro_election(name=HOSTILE, authority_url='javascript:alert(1)" onclick="x')
    html = render("summary.html", election=election, rows={"accounts": 2}, results=[],
                  evaluation=evaluate([], []), networks=[network], chart=None)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert 'onclick="x' not in html
    assert "Content-Security-Policy" in html and "script-src" not in html  # default-src 'none' forbids scripts


def test_demo_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(CivicshieldError, match="not made by the demo"):
        run_demo(tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    res = run_demo(out, seed=5, accounts=800)
    assert (out / MARKER).exists() and res.html.exists()
    figures = json.loads((out / "evaluation.json").read_text())
    kinds = {(k["kind"], k["entity"]) for k in figures["kinds"]}
    assert ("coordinated_network", "account") in kinds and ("election_content", "post") in kinds
    assert res.evaluation.score("coordinated_network", "account").f1 >= 0.9
    assert res.evaluation.score("election_misinformation", "post").f1 >= 0.95  # the scenario's fact-checks
    lines = (out / "findings.jsonl").read_text().splitlines()
    assert lines and all(json.loads(line)["kind"] for line in lines)
    html = res.html.read_text(encoding="utf-8")
    assert "Quality against the planted ground truth" in html and "data:image/png;base64," in html
    # the demo owns its folder: running again replaces it cleanly
    first = dt.datetime.fromtimestamp((out / MARKER).stat().st_mtime)
    run_demo(out, seed=5, accounts=800)
    assert dt.datetime.fromtimestamp((out / MARKER).stat().st_mtime) >= first
