"""Evidence bundles: what is in scope goes in, the manifest catches any change."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from civicshield.cases import holds, review
from civicshield.cases.enforce import enforce
from civicshield.cases.errors import PermissionDenied
from civicshield.cases.evidence import export_bundle, verify_bundle
from civicshield.cases.intake import intake
from civicshield.cases.models import AuditEntry

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

MOD, LEAD, LIAISON = actor("moderator", "mara"), actor("lead", "lena"), actor("liaison", "liv")


@pytest.fixture
def bundle(store, make_workspace, tmp_path):
    ws = election_workspace(make_workspace)
    put_findings(ws, {
        "coordination": [finding("coordinated_network", "coordination", accounts=NET[:4], posts=["pn1"], network="net-1")],
        "imp": [finding("impersonation", "impersonation", accounts=["imp1"])],
    })
    intake(store, ws, actor("analyst"))
    for c in review.list_cases(store, LEAD):
        review.assign(store, MOD, c.id)
        review.decide(store, MOD, c.id, "confirm", "Reviewed against the policy and the evidence.")
    enforce(store, MOD)
    h = holds.add_hold(store, LIAISON, "DIICOT", "order 4711/2024", holds.Scope(network_ids=("net-1",)))
    return export_bundle(store, LIAISON, h.id, tmp_path / "bundle", workspace=ws)


def _lines(path):
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_bundle_holds_the_scope_and_verifies(store, bundle):
    assert verify_bundle(bundle.path) == []
    p = bundle.path
    assert {r["id"] for r in _lines(p / "accounts.jsonl")} == set(NET[:4])  # not imp1: out of scope
    assert {r["id"] for r in _lines(p / "posts.jsonl")} == {"pn1"}
    cases = _lines(p / "cases.jsonl")
    assert len(cases) == 1 and cases[0]["decisions"][0]["decision"] == "confirm"
    assert {a["target"] for a in cases[0]["actions"]} == set(NET[:4])
    assert all(a["statement_of_reasons"]["puid"] for a in cases[0]["actions"])
    events = [e["event"] for e in _lines(p / "audit.jsonl")]
    assert {"case.created", "finding.added", "case.assigned", "case.decided", "action.applied", "hold.added"} <= set(events)
    manifest = json.loads((p / "manifest.json").read_text())
    assert {"accounts.jsonl", "posts.jsonl", "findings.jsonl", "cases.jsonl", "audit.jsonl", "hold.json",
            "events/engagements.parquet", "events/logins.parquet", "events/accounts.parquet"} <= set(manifest["files"])
    # raw platform rows: the held network's activity, not the fan club's
    eng = pq.read_table(p / "events" / "engagements.parquet").to_pylist()
    assert {(e["actor_id"], e["target_id"]) for e in eng} == {("n1", "pf1"), ("n2", "f1")}
    assert {r["account_id"] for r in pq.read_table(p / "events" / "logins.parquet").to_pylist()} == {"n1"}
    assert {r["account_id"] for r in pq.read_table(p / "events" / "accounts.parquet").to_pylist()} == set(NET[:4])
    # the export itself is in the chain, anchored by the manifest's hash
    with store.session() as s:
        last = s.execute(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
    assert last.event == "evidence.exported" and bundle.manifest_sha256 in last.payload


def test_changed_missing_and_added_files_are_reported(bundle):
    p = bundle.path
    (p / "events" / "logins.parquet").unlink()
    (p / "posts.jsonl").write_text((p / "posts.jsonl").read_text().replace("pn1", "pn9"))
    (p / "hold.json").unlink()
    (p / "extra.txt").write_text("planted")
    problems = verify_bundle(p)
    assert any(x.startswith("posts.jsonl") and "changed" in x for x in problems)
    assert "hold.json: missing" in problems and "events/logins.parquet: missing" in problems
    assert any(x.startswith("extra.txt") for x in problems)


def test_edited_manifest_and_audit_entries_are_reported(bundle):
    p = bundle.path
    m = json.loads((p / "manifest.json").read_text())
    m["reference"] = "another order"
    (p / "manifest.json").write_text(json.dumps(m))
    assert any("manifest" in x for x in verify_bundle(p))
    lines = (p / "audit.jsonl").read_text().splitlines()
    e = json.loads(lines[0])
    e["actor"] = "nobody"
    lines[0] = json.dumps(e)
    (p / "audit.jsonl").write_text("\n".join(lines) + "\n")
    assert any("audit.jsonl line 1" in x for x in verify_bundle(p))


def test_only_the_liaison_exports(store, bundle, tmp_path):
    for role in ("analyst", "moderator", "lead", "auditor"):
        with pytest.raises(PermissionDenied):
            export_bundle(store, actor(role), 1, tmp_path / role)
