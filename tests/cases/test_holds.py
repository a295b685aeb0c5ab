"""Legal holds beat the retention purge and account deletions; released holds
stop protecting; scopes match networks, accounts, posts, time and election."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from civicshield.cases import holds, review
from civicshield.cases.errors import InvalidOperation, PermissionDenied
from civicshield.cases.intake import intake
from civicshield.cases.models import Erasure, EvidenceItem

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

MOD, LEAD, LIAISON = actor("moderator", "mara"), actor("lead", "lena"), actor("liaison", "liv")
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)  # past the retention period


@pytest.fixture
def closed_cases(store, make_workspace):
    """A confirmed network case and a dismissed impersonation case, both closed."""
    ws = election_workspace(make_workspace)
    put_findings(ws, {
        "coordination": [finding("coordinated_network", "coordination", accounts=NET[:4], posts=["pn1"], network="net-1")],
        "imp": [finding("impersonation", "impersonation", accounts=["imp1"], posts=["pimp"])],
    })
    intake(store, ws, actor("analyst"))
    for c in review.list_cases(store, LEAD):
        review.assign(store, MOD, c.id)
        verdict = "confirm" if c.kind == "coordinated_network" else "dismiss"
        review.decide(store, MOD, c.id, verdict, "Reviewed against the policy and the evidence.")
    return ws


def _evidence(store):
    with store.session() as s:
        return {(e.etype, e.eid) for e in s.execute(sa.select(EvidenceItem)).scalars()}


def _erasures(store):
    with store.session() as s:
        return {e.account_id: e.status for e in s.execute(sa.select(Erasure)).scalars()}


def test_hold_beats_purge_and_deletion_until_released(store, closed_cases):
    h = holds.add_hold(store, LIAISON, "DIICOT", "order 4711/2024", holds.Scope(network_ids=("net-1",)))
    holds.request_erasure(store, LEAD, "n1")
    holds.request_erasure(store, LEAD, "imp1")
    before = _evidence(store)
    assert ("account", "n1") in before and ("account", "imp1") in before

    out = holds.purge(store, LEAD, retention_days=180, now=LATER)
    after = _evidence(store)
    assert {("account", a) for a in NET[:4]} <= after and ("post", "pn1") in after  # held network: kept
    assert ("account", "imp1") not in after and ("post", "pimp") not in after  # not held: purged
    assert out.kept_by_hold >= 5 and out.holds_in_force == [h.id]
    assert _erasures(store) == {"n1": "pending", "imp1": "done"}
    assert out.erasures_waiting == ["n1"]

    holds.release_hold(store, LIAISON, h.id, "Proceedings closed by the prosecutor.")
    out = holds.purge(store, LEAD, retention_days=180, now=LATER)
    assert _evidence(store) == set()
    assert _erasures(store) == {"n1": "done", "imp1": "done"}


def test_retention_keeps_recent_cases(store, closed_cases):
    out = holds.purge(store, LEAD, retention_days=180)  # cases closed today: too recent
    assert out.evidence_deleted == 0 and _evidence(store)


def test_erasure_of_an_unheld_account_does_not_wait_for_retention(store, closed_cases):
    holds.request_erasure(store, LEAD, "n2")
    holds.purge(store, LEAD, retention_days=10_000)
    ev = _evidence(store)
    assert ("account", "n2") not in ev and ("account", "n1") in ev
    assert _erasures(store) == {"n2": "done"}


@pytest.mark.parametrize("scope, kept", [
    (holds.Scope(account_ids=("imp1",)), {("account", "imp1"), ("post", "pimp")}),  # a post by a held account
    (holds.Scope(post_ids=("pimp",)), {("post", "pimp")}),
    (holds.Scope(election_id="ro-2024-presidential"), "all"),
    (holds.Scope(account_ids=("imp1",), time_from=dt.datetime(2024, 12, 1, tzinfo=dt.UTC)), set()),  # out of range
])
def test_scope_matching(store, closed_cases, scope, kept):
    everything = _evidence(store)
    holds.add_hold(store, LIAISON, "Permanent Electoral Authority", "ref-1", scope)
    holds.purge(store, LEAD, retention_days=0, now=LATER)
    assert _evidence(store) == (everything if kept == "all" else kept)


def test_hold_validation_and_listing(store):
    with pytest.raises(InvalidOperation, match="scope"):
        holds.Scope()
    with pytest.raises(InvalidOperation, match="ends before"):
        holds.Scope(account_ids=("a",), time_from=LATER, time_to=LATER - dt.timedelta(days=1))
    h = holds.add_hold(store, LEAD, "Court of Bucharest", "case 12/2024", holds.Scope(account_ids=("a",)))
    assert [x.id for x in holds.list_holds(store, actor("auditor"))] == [h.id]
    holds.release_hold(store, LEAD, h.id, "Order lifted on appeal by the court.")
    assert holds.list_holds(store, LIAISON) == []
    assert holds.list_holds(store, LIAISON, include_released=True)[0].status == "released"
    with pytest.raises(InvalidOperation, match="already released"):
        holds.release_hold(store, LEAD, h.id, "Order lifted on appeal by the court.")


def test_moderators_cannot_touch_holds_or_purge(store):
    with pytest.raises(PermissionDenied):
        holds.add_hold(store, MOD, "X", "Y", holds.Scope(account_ids=("a",)))
    with pytest.raises(PermissionDenied):
        holds.purge(store, MOD)


def test_held_findings_keep_their_evidence(store, closed_cases):
    from civicshield.cases.models import CaseFinding

    holds.add_hold(store, LIAISON, "DIICOT", "order 1", holds.Scope(post_ids=("pimp",)))
    out = holds.purge(store, LEAD, retention_days=0, now=LATER)
    with store.session() as s:
        ev = {tuple(sorted(f.account_ids)): f.evidence for f in s.execute(sa.select(CaseFinding)).scalars()}
    assert ev[("imp1",)] is not None  # the impersonation finding names the held post
    assert ev[tuple(sorted(NET[:4]))] is None and out.findings_scrubbed == 1
