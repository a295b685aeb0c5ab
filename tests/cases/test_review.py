"""Review: assignment, decisions with reasons, and optimistic locking under
concurrent reviewers (real threads, real databases)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from civicshield.cases import audit, review
from civicshield.cases.errors import ConflictError, InvalidOperation
from civicshield.cases.intake import intake
from civicshield.cases.models import AuditEntry

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

M1, M2, LEAD = actor("moderator", "mara"), actor("moderator", "mihai"), actor("lead", "lena")


@pytest.fixture
def cases(store, make_workspace):
    """Five independent network cases."""
    ws = election_workspace(make_workspace)
    fs = [finding("coordinated_network", "coordination", accounts=[a], network=f"net-{a}") for a in NET[:5]]
    put_findings(ws, {"coordination": fs})
    intake(store, ws, actor("analyst"))
    return [c.id for c in review.list_cases(store, LEAD)]


def test_assign_and_decide_with_reason(store, cases):
    cid = cases[0]
    review.assign(store, M1, cid)
    with pytest.raises(InvalidOperation, match="reason"):
        review.decide(store, M1, cid, "confirm", "ok")
    out = review.decide(store, M1, cid, "confirm", "Same caption posted within 30 s by all five accounts.")
    assert out.status == "confirmed" and out.assignee is None
    detail = review.get_case(store, LEAD, cid)
    assert detail.decisions[0]["decision"] == "confirm" and detail.decisions[0]["actor"] == "mara"


@pytest.mark.parametrize("decision, status", [("dismiss", "dismissed"), ("escalate", "escalated"),
                                              ("request_evidence", "needs_evidence")])
def test_every_decision(store, cases, decision, status):
    review.assign(store, M1, cases[0])
    assert review.decide(store, M1, cases[0], decision, "Reason long enough to be useful.").status == status


def test_one_reviewer_holds_a_case(store, cases):
    review.assign(store, M1, cases[0])
    with pytest.raises(ConflictError, match="held by mara"):
        review.assign(store, M2, cases[0])
    with pytest.raises(ConflictError, match="held by mara"):
        review.decide(store, M2, cases[0], "dismiss", "I think this is organic activity.")
    # a lead can reassign
    review.assign(store, LEAD, cases[0], reviewer="mihai")
    assert review.get_case(store, M2, cases[0]).summary.assignee == "mihai"


def test_moderator_cannot_assign_to_others_or_decide_escalated(store, cases):
    from civicshield.cases.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        review.assign(store, M1, cases[0], reviewer="mihai")
    review.assign(store, M1, cases[0])
    review.decide(store, M1, cases[0], "escalate", "Possible state actor; needs a lead.")
    with pytest.raises(InvalidOperation, match="escalated"):
        review.assign(store, M1, cases[0])
    review.assign(store, LEAD, cases[0])
    assert review.decide(store, LEAD, cases[0], "confirm", "Confirmed with the threat-intel team.").status == "confirmed"


def test_stale_version_is_refused(store, cases):
    v = review.get_case(store, M1, cases[0]).summary.version
    review.assign(store, LEAD, cases[0], reviewer="mara")  # someone changes it meanwhile
    with pytest.raises(ConflictError, match="changed since you read it"):
        review.assign(store, M1, cases[0], expected_version=v)


def _race(store, cid, version):
    """Both moderators try to take the case at the same instant."""
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def take(who):
        barrier.wait()
        try:
            results[who.name] = review.assign(store, who, cid, expected_version=version)
        except ConflictError as e:
            results[who.name] = e

    threads = [threading.Thread(target=take, args=(m,)) for m in (M1, M2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("use_version", [True, False])
def test_two_concurrent_reviewers_exactly_one_wins(store, cases, use_version):
    for cid in cases:
        v = review.get_case(store, M1, cid).summary.version
        results = _race(store, cid, v if use_version else None)
        wins = [k for k, r in results.items() if not isinstance(r, Exception)]
        losses = [k for k, r in results.items() if isinstance(r, ConflictError)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert review.get_case(store, LEAD, cid).summary.assignee == wins[0]
    with store.session() as s:
        assigned = s.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.event == "case.assigned")).scalar()
    assert assigned == len(cases)  # the loser left no trace in the audit log
    assert audit.verify(store, actor("auditor")).ok  # and concurrent writers never forked the chain


def test_the_database_refuses_a_write_from_a_stale_copy(store, cases):
    """The version column itself, without the application's own check: two
    sessions read version v, the first writes, the second's UPDATE matches no
    row and is refused."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from civicshield.cases.models import Case

    with Session(store.engine, expire_on_commit=False) as a, Session(store.engine, expire_on_commit=False) as b:
        cb = b.get(Case, cases[0])
        b.commit()  # b's copy outlives its read transaction (SQLite allows one writer at a time)
        ca = a.get(Case, cases[0])
        assert ca.version == cb.version
        ca.assignee = "mara"
        a.commit()
        cb.assignee = "mihai"
        with pytest.raises(StaleDataError):
            b.commit()
    assert review.get_case(store, LEAD, cases[0]).summary.assignee == "mara"


def test_reading_does_not_wait_for_a_writer(store, cases):
    """A long write transaction (intake, bulk enforcement) is open; listing and
    showing cases still answer at once, from the last committed state."""
    import time

    with store.session() as s:
        s.execute(sa.text("UPDATE cases SET priority = 99 WHERE id = :i"), {"i": cases[0]})
        t = time.perf_counter()
        listed = review.list_cases(store, M1)
        assert time.perf_counter() - t < 5
        assert all(c.priority != 99 for c in listed)  # the uncommitted write is not visible
