import datetime as dt
import json

import pytest

from civicshield.detect import Finding
from civicshield.findings import EXPORT_FIELDS, export_findings


def test_export_matches_contract_shape(make_workspace, tmp_path):
    ws = make_workspace()
    f = Finding(kind="coordinated_network", detector="coordination", score=0.93, account_ids=("2", "1"),
                network_id="net-0003", first_seen=dt.datetime(2024, 11, 1, 8), last_seen=dt.datetime(2024, 11, 20),
                evidence={"accounts": 2, "note": "<script>alert(1)</script> ș"})
    with ws.events() as store:
        store.replace_findings("coordination", [f.to_row()])
    out = tmp_path / "out" / "findings.jsonl"
    assert export_findings(ws, out) == 1
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert tuple(sorted(row)) == tuple(sorted(EXPORT_FIELDS))
    assert row["finding_id"] == f.finding_id and row["account_ids"] == ["2", "1"]
    assert row["first_seen"] == "2024-11-01T08:00:00Z" and row["post_ids"] == [] and row["engagements"] == []
    assert row["evidence"]["note"] == "<script>alert(1)</script> ș"  # data, kept verbatim; escaping is the viewer's job


def test_replace_findings_is_per_detector(make_workspace):
    ws = make_workspace()
    a = Finding(kind="impersonation", detector="impersonation", score=1.0, account_ids=("x",))
    b = Finding(kind="batch_created", detector="batch", score=1.0, account_ids=("y",))
    with ws.events() as store:
        store.replace_findings("impersonation", [a.to_row()])
        store.replace_findings("batch", [b.to_row()])
        store.replace_findings("impersonation", [])
        assert store.findings().column("detector").to_pylist() == ["batch"]


def test_failed_export_leaves_no_partial_file(make_workspace, tmp_path, monkeypatch):
    ws = make_workspace()
    with ws.events() as store:
        store.replace_findings("i", [Finding(kind="impersonation", detector="i", score=1.0, account_ids=(str(n),)).to_row()
                                     for n in range(3)])
    out = tmp_path / "f.jsonl"
    out.write_text("previous\n")

    def boom(obj, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr("civicshield.findings.json.dumps", boom)
    with pytest.raises(RuntimeError):
        export_findings(ws, out)
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.jsonl", "ws"]
