"""docs/gate.md names every threshold, reason code, endpoint and failure policy the code has."""

from __future__ import annotations

from pathlib import Path

from civicshield.gate.decide import REASON_CODES
from civicshield.gate.rules import THRESHOLDS, load_rules

DOC = (Path(__file__).resolve().parents[2] / "docs" / "gate.md").read_text(encoding="utf-8")


def test_every_threshold_is_documented():
    missing = [t.key for t in THRESHOLDS if f"`{t.key}`" not in DOC]
    assert not missing


def test_every_reason_code_is_documented():
    missing = [c for c in REASON_CODES if f"`{c}`" not in DOC]
    assert not missing


def test_endpoints_and_the_shipped_failure_policy_are_documented():
    for route in ("POST /v1/signup", "POST /v1/engagement", "GET /v1/health", "GET /v1/counts"):
        assert route in DOC
    for endpoint, decision in load_rules().failure.items():
        assert f'`{endpoint} = "{decision}"`' in DOC
