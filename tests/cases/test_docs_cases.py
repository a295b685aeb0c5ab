"""The case pages stay in sync with the code: the role table in docs/roles.md
is the permission table, and every action kind and SoR keyword is documented."""

from __future__ import annotations

from pathlib import Path

from civicshield.cases.enforce import ACTION_KINDS
from civicshield.cases.roles import PERMISSIONS, ROLES
from civicshield.cases.sor import POLICY

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_roles_page_is_the_permission_table():
    rows = {}
    for line in (DOCS / "roles.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == len(ROLES) + 1 and cells[0].startswith("`"):
            op = cells[0].split("`")[1]
            rows[op] = {r for r, c in zip(ROLES, cells[1:], strict=True) if c == "yes"}
    assert rows == {op: set(roles) for op, roles in PERMISSIONS.items()}


def test_action_kinds_and_keywords_are_documented():
    cases_page = (DOCS / "cases.md").read_text(encoding="utf-8")
    assert all(f"`{k}`" in cases_page for k in ACTION_KINDS)
    sor_page = (DOCS / "statements-of-reasons.md").read_text(encoding="utf-8")
    assert all(k in sor_page for keywords, _ in POLICY.values() for k in keywords)
