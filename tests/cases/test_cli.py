"""The cases commands end to end, on both databases; results are checked
through the Python API, not by parsing output."""

from __future__ import annotations

import sqlalchemy as sa
from typer.testing import CliRunner

from civicshield.cases import holds, review
from civicshield.cases.enforce import active_actions
from civicshield.cases.evidence import verify_bundle
from civicshield.cases.models import AuditEntry
from civicshield.cli import app

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

runner = CliRunner()


def _run(*args, env=None, code=0):
    res = runner.invoke(app, [str(a) for a in args], env=env or {})
    assert res.exit_code == code, res.output
    return res


def test_review_enforce_hold_evidence_sor_appeal(store, case_url, make_workspace, tmp_path):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=NET[:3], network="net-1")]})
    common = ["--workspace", ws.path, "--db", case_url]

    _run("cases", "intake", *common, "--as", "ana", "--role", "analyst")
    (case,) = review.list_cases(store, actor("lead"))
    mod = {"CIVICSHIELD_USER": "mara", "CIVICSHIELD_ROLE": "moderator"}  # identity from the environment
    _run("cases", "list", *common, env=mod)
    _run("cases", "show", case.id, *common, env=mod)
    _run("cases", "assign", case.id, *common, "--version", case.version, env=mod)
    stale = _run("cases", "assign", case.id, *common, "--version", case.version, env=mod, code=2)
    assert "changed since you read it" in stale.output
    _run("cases", "decide", case.id, "confirm", "--reason", "Identical posts within seconds.", *common, env=mod)
    assert review.get_case(store, actor("lead"), case.id).summary.status == "confirmed"

    _run("enforce", *common, env=mod)
    assert {a["target_id"] for a in active_actions(store)} == set(NET[:3])

    liv = ["--as", "liv", "--role", "liaison"]
    _run("hold", "add", "--authority", "DIICOT", "--reference", "4711/2024", "--network", "net-1", *common, *liv)
    (h,) = holds.list_holds(store, actor("liaison"))
    _run("hold", "list", *common, *liv)
    _run("evidence", "export", h.id, "--out", tmp_path / "bundle", *common, *liv)
    assert verify_bundle(tmp_path / "bundle") == []
    _run("evidence", "verify", tmp_path / "bundle")
    (tmp_path / "bundle" / "cases.jsonl").write_text("{}\n")
    _run("evidence", "verify", tmp_path / "bundle", code=1)

    lead = ["--as", "lena", "--role", "lead"]
    _run("sor", "export", "--out", tmp_path / "sor", *common, *lead)
    assert (tmp_path / "sor" / "sor-batch-0001.json").exists() and (tmp_path / "sor" / "statements.csv").exists()
    _run("erase", "n1", *common, *lead)
    _run("purge", *common, *lead)
    _run("appeal", "--case", case.id, "--reason", "Appeal upheld after second review.", *common, *lead)
    assert active_actions(store) == []
    _run("hold", "release", h.id, "--reason", "Proceedings closed.", *common, *liv)
    _run("audit", "verify", *common, "--as", "aud", "--role", "auditor")
    log = _run("audit", "log", *common, "--subject", f"case:{case.id}", "--as", "aud", "--role", "auditor")
    assert '"event": "case.decided"' in log.output

    with store.session() as s:
        events = {e.event for e in s.execute(sa.select(AuditEntry)).scalars()}
    assert {"case.created", "case.assigned", "case.decided", "action.applied", "hold.added", "evidence.exported",
            "sor.exported", "erasure.requested", "purge.run", "action.reversed", "hold.released"} <= events


def test_refusals_exit_non_zero_with_a_message(store, case_url, make_workspace):
    ws = election_workspace(make_workspace)
    common = ["--workspace", ws.path, "--db", case_url]
    res = _run("purge", *common, "--as", "mara", "--role", "moderator", code=2)
    assert "may not purge" in res.output
    res = _run("cases", "list", *common, "--as", "x", "--role", "root", code=2)
    assert "unknown role" in res.output
    res = _run("cases", "list", *common, code=2)
    assert "acting user" in res.output


def test_audit_verify_exits_1_on_tampering(store, case_url, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"c": [finding("coordinated_network", "coordination", accounts=NET[:2], network="n")]})
    common = ["--workspace", ws.path, "--db", case_url]
    _run("cases", "intake", *common, "--as", "ana", "--role", "analyst")
    with store.engine.begin() as con:
        if store.dialect == "postgresql":
            con.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        else:
            con.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        con.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    res = _run("audit", "verify", *common, "--as", "aud", "--role", "auditor", code=1)
    assert "entry 1" in res.output


def test_auto_confirm_rule(store, case_url, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"labels": [finding("election_content", "election_labels", posts=[p]) for p in ("pf1", "pai")]})
    common = ["--workspace", ws.path, "--db", case_url]
    _run("cases", "intake", *common, "--as", "ana", "--role", "analyst")
    rule = ["cases", "auto-confirm", "--kind", "election_content", "--reason", "Election-information label rule."]
    _run(*rule, *common, "--as", "mara", "--role", "moderator", code=2)
    _run(*rule, *common, "--as", "lena", "--role", "lead")
    assert {c.status for c in review.list_cases(store, actor("lead"))} == {"confirmed"}
