"""The audit chain detects edited, deleted and reordered entries, and the
database itself refuses to update or delete audit rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from civicshield.cases import audit
from civicshield.cases.errors import PermissionDenied

from .conftest import actor


def _fill(store, n=5):
    with store.session() as s:
        for i in range(n):
            audit.record(s, actor("moderator"), "case.decided", f"case:{i}", {"i": i, "reason": "spam ring ș"})


def _tamper(store, *sqls):
    """What an attacker with database rights does: switch the guard off, edit."""
    with store.engine.begin() as con:
        if store.dialect == "postgresql":
            con.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            con.execute(sa.text("DROP TRIGGER audit_log_no_update"))
            con.execute(sa.text("DROP TRIGGER audit_log_no_delete"))
        for sql in sqls:
            con.exec_driver_sql(sql)


def _verify(store):
    return audit.verify(store, actor("auditor"))


def test_intact_chain_verifies(store):
    _fill(store)
    rep = _verify(store)
    assert rep.ok, rep.problems
    assert rep.entries == 5 and rep.head_seq == 5


def test_edited_entry_is_detected(store):
    _fill(store)
    _tamper(store, "UPDATE audit_log SET payload = '{\"i\":2,\"reason\":\"nothing\"}' WHERE seq = 3")
    rep = _verify(store)
    assert not rep.ok
    assert any("entry 3" in p and "edited" in p for p in rep.problems)


def test_edited_actor_is_detected(store):
    _fill(store)
    _tamper(store, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
    assert any("entry 2" in p for p in _verify(store).problems)


def test_deleted_entry_is_detected(store):
    _fill(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    rep = _verify(store)
    assert any("entry 3" in p and "missing" in p for p in rep.problems)


def test_deleted_tail_is_detected(store):
    _fill(store)
    _tamper(store, "DELETE FROM audit_log WHERE seq = 5")
    rep = _verify(store)
    assert not rep.ok
    assert any("head says the chain ends at entry 5" in p for p in rep.problems)


def test_reordered_entries_are_detected(store):
    _fill(store)
    # swap entries 2 and 4 by exchanging their sequence numbers
    _tamper(store, "UPDATE audit_log SET seq = 1000 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 4",
            "UPDATE audit_log SET seq = 4 WHERE seq = 1000")
    rep = _verify(store)
    assert any("does not follow" in p for p in rep.problems)


def test_rewritten_chain_is_caught_by_an_anchor(store):
    _fill(store)
    with store.session() as s:
        anchor = {3: s.execute(sa.text("SELECT hash FROM audit_log WHERE seq = 3")).scalar()}
    # a forger who recomputes the whole chain from entry 3 on
    with store.session() as s:
        rows = s.execute(sa.text("SELECT seq, at, actor, role, event, subject, payload FROM audit_log ORDER BY seq")).all()
    prev, fixes = audit.GENESIS, []
    for seq, at, who, role, event, subject, payload in rows:
        if seq == 3:
            payload = '{"i":2,"reason":"forged"}'
        h = audit.entry_hash(prev, seq, at, who, role, event, subject, payload)
        fixes.append(f"UPDATE audit_log SET payload = '{payload}', prev_hash = '{prev}', hash = '{h}' WHERE seq = {seq}")
        prev = h
    fixes.append(f"UPDATE audit_head SET hash = '{prev}'")
    _tamper(store, *fixes)
    assert _verify(store).ok  # internally consistent again...
    rep = audit.verify(store, actor("auditor"), anchors=anchor)
    assert any("anchor" in p for p in rep.problems)  # ...but not with what was published


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"])
def test_database_refuses_to_rewrite_the_log(store, sql):
    _fill(store, 2)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as con:
        con.execute(sa.text(sql))
    assert _verify(store).ok


@pytest.mark.parametrize("role", ["analyst", "moderator", "liaison"])
def test_only_auditors_and_leads_verify(store, role):
    with pytest.raises(PermissionDenied):
        audit.verify(store, actor(role))


def test_reading_the_log(store):
    _fill(store)
    rows = audit.read(store, actor("liaison"), subject="case:3")
    assert [r["seq"] for r in rows] == [4] and rows[0]["payload"]["i"] == 3
    assert [r["seq"] for r in audit.read(store, actor("auditor"), limit=2)] == [4, 5]
