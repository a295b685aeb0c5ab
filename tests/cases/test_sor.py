"""Statements of reasons: validated against the Transparency Database's rules
before export; API batches of at most 100; the database's CSV column order."""

from __future__ import annotations

import csv
import json

import pytest
import sqlalchemy as sa

from civicshield.cases import review, sor_schema
from civicshield.cases.enforce import enforce
from civicshield.cases.errors import PermissionDenied
from civicshield.cases.intake import intake
from civicshield.cases.models import Statement
from civicshield.cases.sor import SorValidationError, export_statements, validate_statement

from .conftest import actor
from .helpers import account, finding, put_findings

MOD, LEAD = actor("moderator", "mara"), actor("lead", "lena")

GOOD = {
    "decision_account": "DECISION_ACCOUNT_TERMINATED",
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Integrity policy", "incompatible_content_explanation": "Fake accounts.",
    "category": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "category_specification": ["KEYWORD_INAUTHENTIC_ACCOUNTS"],
    "content_type": ["CONTENT_TYPE_OTHER"], "content_type_other": "Account",
    "content_date": "2024-11-20", "application_date": "2024-11-22", "decision_facts": "Part of a network.",
    "source_type": "SOURCE_VOLUNTARY", "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED", "puid": "cs-1",
}


def test_a_good_statement_passes():
    assert validate_statement(GOOD) == []


@pytest.mark.parametrize("change, field", [
    ({"decision_account": None}, "decision_visibility"),  # no decision at all
    ({"category": "ELECTIONS"}, "category"),
    ({"content_type": []}, "content_type"),
    ({"content_type_other": None}, "content_type_other"),
    ({"content_date": "20-11-2024"}, "content_date"),
    ({"application_date": "2019-12-31"}, "application_date"),
    ({"decision_facts": "x" * 5001}, "decision_facts"),
    ({"automated_detection": "yes"}, "automated_detection"),
    ({"automated_decision": "No"}, "automated_decision"),
    ({"puid": ""}, "puid"),
    ({"incompatible_content_ground": None}, "incompatible_content_ground"),
    ({"category_specification": ["KEYWORD_HIDDEN_ADVERTISEMENT"]}, "category_specification"),  # wrong category
    ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
    ({"territorial_scope": ["RO", "XX"]}, "territorial_scope"),
    ({"content_language": "ro"}, "content_language"),
    ({"source_type": "SOURCE_AI"}, "source_type"),
    ({"colour": "red"}, "colour"),
])
def test_each_rule_is_enforced(change, field):
    body = {**GOOD, **change}
    body = {k: v for k, v in body.items() if v is not None}
    assert field in {f for f, _ in validate_statement(body)}


@pytest.fixture
def enforced(store, make_workspace):
    """One confirmed network of 130 accounts: 130 bans and statements."""
    accs = [account(f"b{i}") for i in range(130)]
    ws = make_workspace(accounts=accs)
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=[a["account_id"] for a in accs],
                                               network="net-130")]})
    intake(store, ws, actor("analyst"))
    cid = review.list_cases(store, LEAD)[0].id
    review.assign(store, MOD, cid)
    review.decide(store, MOD, cid, "confirm", "Network of 130 fake accounts.")
    assert enforce(store, MOD).statements == 130


def test_export_batches_and_csv(store, enforced, tmp_path):
    out = export_statements(store, LEAD, tmp_path / "sor")
    assert out.statements == 130
    sizes = [len(json.loads(b.read_text())["statements"]) for b in out.batches]
    assert sizes == [100, 30]
    with out.csv.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == sor_schema.CSV_COLUMNS
    assert len(rows) == 131
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["uuid"] == "" and first["platform_uid"].startswith("civicshield-")
    assert json.loads(first["category_specification"]) == ["KEYWORD_COORDINATED_HARM", "KEYWORD_INAUTHENTIC_ACCOUNTS"]
    assert first["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    # exported statements are not exported again
    assert export_statements(store, LEAD, tmp_path / "again").statements == 0


def test_an_invalid_statement_blocks_the_whole_export(store, enforced, tmp_path):
    with store.session() as s:
        st = s.execute(sa.select(Statement).limit(1)).scalar_one()
        st.body = {**st.body, "category": "STATEMENT_CATEGORY_ELECTIONS"}
    with pytest.raises(SorValidationError, match="category"):
        export_statements(store, LEAD, tmp_path / "sor")
    assert not (tmp_path / "sor").exists()
    with store.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Statement)
                         .where(Statement.exported_at.is_not(None))).scalar() == 0


@pytest.mark.parametrize("role", ["analyst", "moderator", "auditor", "liaison"])
def test_only_leads_export_statements(store, tmp_path, role):
    with pytest.raises(PermissionDenied):
        export_statements(store, actor(role), tmp_path)
