"""Findings become cases: merge by network or shared entity, update on re-run,
priority and language queues."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from civicshield.cases.intake import intake
from civicshield.cases.models import AuditEntry, Case, CaseFinding, EvidenceItem

from .conftest import actor
from .helpers import NET, T0, election_workspace, finding, put_findings

ANALYST = actor("analyst")


def _cases(store):
    with store.session() as s:
        return {c.id: c for c in s.execute(sa.select(Case)).scalars()}


def _case_of(store, finding_id):
    with store.session() as s:
        return s.get(CaseFinding, finding_id).case_id


def test_network_and_overlapping_findings_merge_lookalikes_do_not(store, make_workspace):
    ws = election_workspace(make_workspace)
    net = finding("coordinated_network", "coordination", accounts=NET[:5], network="net-1")
    sleeper = finding("sleeper_activation", "sleepers", accounts=["n3"])  # same account as the network
    imp = finding("impersonation", "impersonation", accounts=["imp1"], posts=["pimp"])
    label = finding("election_content", "election_labels", posts=["pf1"])  # organic fan-club post: own case
    put_findings(ws, {"coordination": [net], "sleepers": [sleeper], "impersonation": [imp], "election_labels": [label]})
    summ = intake(store, ws, ANALYST)
    assert summ.new_cases == 3 and summ.new_findings == 4
    assert _case_of(store, net.finding_id) == _case_of(store, sleeper.finding_id)
    assert len({_case_of(store, f.finding_id) for f in (net, imp, label)}) == 3
    cases = _cases(store)
    c_net = cases[_case_of(store, net.finding_id)]
    assert c_net.kind == "coordinated_network" and set(c_net.kinds) == {"coordinated_network", "sleeper_activation"}
    assert c_net.queue == "network-ro"
    assert cases[_case_of(store, imp.finding_id)].queue == "content-hu"
    # the fan club's accounts were never flagged: no case is about them
    with store.session() as s:
        about = {e for (e,) in s.execute(sa.text("SELECT eid FROM case_entities WHERE etype = 'account'"))}
        assert not about & {"f1", "f2", "f3", "f4"}
        # evidence snapshots were taken for the flagged accounts and posts
        snap = {(e.etype, e.eid) for e in s.execute(sa.select(EvidenceItem)).scalars()}
        assert ("account", "n1") in snap and ("post", "pimp") in snap and ("account", "f3") not in snap


def test_rerun_updates_instead_of_duplicating(store, make_workspace):
    ws = election_workspace(make_workspace)
    net = finding("coordinated_network", "coordination", accounts=NET[:5], network="net-1")
    put_findings(ws, {"coordination": [net]})
    intake(store, ws, ANALYST)
    before = _cases(store)
    with store.session() as s:
        n_audit = s.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar()
    again = intake(store, ws, ANALYST)
    assert again.new_cases == 0 and again.new_findings == 0 and again.updated_findings == 0
    after = _cases(store)
    assert after.keys() == before.keys()
    assert [c.version for c in after.values()] == [c.version for c in before.values()]  # nothing touched
    with store.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar() == n_audit

    # the network grows: a new finding id, same network -> same case; the old finding is withdrawn
    grown = finding("coordinated_network", "coordination", accounts=NET, network="net-1", score=0.97)
    put_findings(ws, {"coordination": [grown]})
    summ = intake(store, ws, ANALYST)
    assert summ.new_cases == 0 and summ.new_findings == 1 and summ.withdrawn_findings == 1
    assert _case_of(store, grown.finding_id) == _case_of(store, net.finding_id)
    with store.session() as s:
        assert s.get(CaseFinding, net.finding_id).withdrawn


def test_a_bridging_finding_merges_two_cases_into_the_oldest(store, make_workspace):
    ws = election_workspace(make_workspace)
    a = finding("coordinated_network", "coordination", accounts=NET[:3], network="net-a")
    b = finding("coordinated_network", "coordination", accounts=NET[3:], network="net-b")
    put_findings(ws, {"coordination": [a, b]})
    intake(store, ws, ANALYST)
    ca, cb = _case_of(store, a.finding_id), _case_of(store, b.finding_id)
    assert ca != cb
    bridge = finding("offplatform_recruitment", "recruitment", accounts=["n2", "n5"])
    put_findings(ws, {"recruitment": [bridge]})
    summ = intake(store, ws, ANALYST)
    assert summ.merged_cases == 1
    keep, gone = min(ca, cb), max(ca, cb)
    assert {_case_of(store, f.finding_id) for f in (a, b, bridge)} == {keep}
    cases = _cases(store)
    assert cases[gone].status == "merged" and cases[gone].merged_into == keep


def test_priority_weighs_reach_severity_and_proximity(store, make_workspace):
    ws = election_workspace(make_workspace)
    near_big = finding("state_media_foreign", "state_media", posts=["psm"], seen=dt.datetime(2024, 11, 23))
    far_small = finding("state_media_foreign", "state_media", posts=["pai"], seen=dt.datetime(2024, 9, 2))
    mild = finding("election_content", "election_labels", posts=["pf1"], seen=dt.datetime(2024, 11, 23))
    put_findings(ws, {"state_media": [near_big, far_small], "election_labels": [mild]})
    intake(store, ws, ANALYST)
    cases = _cases(store)
    p = {name: cases[_case_of(store, f.finding_id)].priority
         for name, f in (("near_big", near_big), ("far_small", far_small), ("mild", mild))}
    assert p["near_big"] > p["far_small"]
    assert p["near_big"] > p["mild"]
    assert cases[_case_of(store, near_big.finding_id)].reach == 2_000_000
    assert cases[_case_of(store, near_big.finding_id)].queue == "content-ru"


def test_intake_is_audited(store, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=NET, network="n")]})
    intake(store, ws, ANALYST, now=T0.replace(tzinfo=dt.UTC))
    with store.session() as s:
        events = [e.event for e in s.execute(sa.select(AuditEntry).order_by(AuditEntry.seq)).scalars()]
    assert events == ["case.created", "finding.added"]


def test_new_material_reopens_a_decided_case_unchanged_findings_do_not(store, make_workspace):
    from civicshield.cases import review

    ws = election_workspace(make_workspace)
    net = finding("coordinated_network", "coordination", accounts=NET[:3], network="net-1")
    put_findings(ws, {"coordination": [net]})
    intake(store, ws, ANALYST)
    cid = _case_of(store, net.finding_id)
    mod = actor("moderator")
    review.assign(store, mod, cid)
    review.decide(store, mod, cid, "confirm", "Three accounts posting in lockstep.")
    intake(store, ws, ANALYST)  # nothing new
    assert _cases(store)[cid].status == "confirmed"
    put_findings(ws, {"coordination": [net], "sleepers": [finding("sleeper_activation", "sleepers", accounts=["n2"])]})
    summ = intake(store, ws, ANALYST)
    assert summ.reopened_cases == 1 and summ.new_cases == 0
    c = _cases(store)[cid]
    assert c.status == "open" and c.assignee is None and "sleeper_activation" in c.kinds


def test_new_material_invalidates_what_a_reviewer_read(store, make_workspace):
    import pytest

    from civicshield.cases import review
    from civicshield.cases.errors import ConflictError

    ws = election_workspace(make_workspace)
    net = finding("coordinated_network", "coordination", accounts=NET[:3], network="net-1")
    put_findings(ws, {"coordination": [net]})
    intake(store, ws, ANALYST)
    cid = _case_of(store, net.finding_id)
    mod = actor("moderator")
    v = review.assign(store, mod, cid).version
    # same kinds, same priority: only a second finding about one of its accounts
    put_findings(ws, {"coordination": [net], "more": [finding("coordinated_network", "lockstep", accounts=["n1"])]})
    intake(store, ws, ANALYST)
    with pytest.raises(ConflictError):
        review.decide(store, mod, cid, "dismiss", "Looks organic to me.", expected_version=v)
