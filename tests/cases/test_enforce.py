"""Enforcement: every action kind, idempotency, automation flags, reversal on
appeal, and a statement of reasons per action."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from civicshield.cases import review
from civicshield.cases.enforce import active_actions, enforce, reinstate, stripped_engagements
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.intake import intake
from civicshield.cases.models import Action, AuditEntry, Statement
from civicshield.cases.sor import validate_statement

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

MOD, LEAD = actor("moderator", "mara"), actor("lead", "lena")
ENG = ["n1|like|pf1", "n2|like|pf1", "n3|follow|f1"]


def _confirm_all(store, automated=False):
    for c in review.list_cases(store, LEAD):
        review.assign(store, MOD, c.id)
        review.decide(store, MOD, c.id, "confirm", "Confirmed after checking the evidence.", automated=automated)


@pytest.fixture
def planted(store, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {
        "coordination": [finding("coordinated_network", "coordination", accounts=NET[:4], network="net-1")],
        "fake_engagement": [finding("fake_engagement", "fake_engagement", accounts=["n5"], engagements=ENG)],
        "ai": [finding("unlabelled_ai", "c2pa", posts=["pai"]), finding("misleading_ai", "c2pa", posts=["pf1"])],
        "labels": [finding("election_content", "election_labels", posts=["pimp"])],
        "ads": [finding("political_ad", "political_ads", posts=["pad"])],
        "paid": [finding("undisclosed_paid_promotion", "paid", accounts=["f3"])],
        "state": [finding("state_media_foreign", "state_media", posts=["psm"])],
        "imp": [finding("impersonation", "impersonation", accounts=["imp1"])],
    })
    intake(store, ws, actor("analyst"))
    return ws


def _actions(store):
    with store.session() as s:
        return {(a.kind, a.target_id, a.detail): a for a in s.execute(sa.select(Action)).scalars()}


def test_every_action_kind_and_its_statement(store, planted):
    _confirm_all(store)
    summ = enforce(store, MOD)
    acts = _actions(store)
    expected = {
        ("ban_account", "n1", ""), ("ban_account", "n4", ""), ("ban_account", "n5", ""), ("ban_account", "imp1", ""),
        ("strip_engagement", "n1|like|pf1", ""), ("strip_engagement", "n3|follow|f1", ""),
        ("label_post", "pai", "ai_generated"), ("remove_post", "pf1", ""),
        ("label_post", "pimp", "election_info"),
        ("remove_post", "pad", ""), ("restrict_feature", "pol1", "ads"), ("restrict_feature", "pol1", "monetisation"),
        ("restrict_feature", "f3", "monetisation"),
        ("label_post", "psm", "state_affiliated"), ("label_account", "sm1", "state_affiliated"),
    }
    assert expected <= set(acts)
    # look-alikes are untouched: organic fan-club accounts and the viral post's author
    assert not {k for k in acts if k[1] in ("f1", "f2", "f4")}
    assert all(a.automated_detection and not a.automated_decision for a in acts.values())
    assert summ.applied == len(acts) == summ.statements
    assert stripped_engagements(store) == set(ENG)
    with store.session() as s:
        stmts = list(s.execute(sa.select(Statement)).scalars())
    assert len(stmts) == len(acts)
    for st in stmts:
        assert validate_statement(st.body) == [], st.body
        assert st.body["category"] == "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
        assert st.body["automated_detection"] == "Yes"
        assert st.body["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    by_action = {s.action_id: s.body for s in stmts}
    ban = by_action[acts[("ban_account", "n1", "")].id]
    assert ban["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert set(ban["category_specification"]) == {"KEYWORD_COORDINATED_HARM", "KEYWORD_INAUTHENTIC_ACCOUNTS"}
    assert by_action[acts[("restrict_feature", "f3", "monetisation")].id]["decision_monetary"] == \
        "DECISION_MONETARY_SUSPENSION"
    assert by_action[acts[("remove_post", "pad", "")].id]["category_addition"] == ["STATEMENT_CATEGORY_CONSUMER_INFORMATION"]


def test_enforcing_twice_is_a_no_op(store, planted):
    _confirm_all(store)
    first = enforce(store, MOD)
    again = enforce(store, MOD)
    assert again.applied == 0 and again.already_applied == first.applied
    assert len(_actions(store)) == first.applied


def test_automated_decisions_are_recorded_as_such(store, planted):
    _confirm_all(store, automated=True)
    enforce(store, MOD)
    with store.session() as s:
        assert all(a.automated_decision for a in s.execute(sa.select(Action)).scalars())
        bodies = [st.body for st in s.execute(sa.select(Statement)).scalars()]
    assert {b["automated_decision"] for b in bodies} == {"AUTOMATED_DECISION_FULLY"}


def test_only_confirmed_cases_are_enforced(store, planted):
    cid = review.list_cases(store, LEAD)[0].id
    with pytest.raises(InvalidOperation, match="only confirmed"):
        enforce(store, MOD, case_ids=[cid])
    assert enforce(store, MOD).applied == 0


def test_every_action_is_reversible_on_appeal_and_stays_reversed(store, planted):
    _confirm_all(store)
    enforce(store, MOD)
    acts = _actions(store)
    one = acts[("ban_account", "imp1", "")]
    with pytest.raises(InvalidOperation, match="reason"):
        reinstate(store, LEAD, "no", action_ids=[one.id])
    assert reinstate(store, LEAD, "Appeal upheld: the account is the official parody.", action_ids=[one.id]) == 1
    assert reinstate(store, LEAD, "Appeal upheld: the account is the official parody.", action_ids=[one.id]) == 0
    # reverse every remaining action, case by case
    for cid in {a.case_id for a in acts.values()}:
        reinstate(store, LEAD, "Appeal upheld after second review.", case_id=cid)
    assert active_actions(store) == []
    assert stripped_engagements(store) == set()
    after = _actions(store)
    assert all(a.status == "reversed" and a.reversal_reason and a.reversed_by == "lena" for a in after.values())
    # the next bulk run does not silently re-apply what an appeal reversed
    summ = enforce(store, MOD)
    assert summ.applied == 0 and summ.skipped_reversed == len(after)
    with store.session() as s:
        n = s.execute(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.event == "action.reversed")).scalar()
    assert n == len(after)


def test_a_lead_rule_confirms_label_only_cases_as_automated(store, planted):
    n = review.auto_confirm(store, LEAD, ["election_content"], "Automatic election-information label.")
    assert n == 1  # the election_content case on pimp; mixed cases stay for people
    with pytest.raises(InvalidOperation):
        review.auto_confirm(store, LEAD, ["election_content"], "short")
    summ = enforce(store, MOD)
    assert summ.applied == 1
    (a,) = _actions(store).values()
    assert (a.kind, a.target_id, a.detail, a.automated_decision) == ("label_post", "pimp", "election_info", True)
    assert review.list_cases(store, LEAD, status="open")  # everything else still awaits review
