"""Review: list and read cases, assign them, decide them.

One reviewer holds a case at a time.  Every change goes through the case's
``version`` (optimistic locking): pass the version you read as
``expected_version`` and a change made by someone else in between makes the
call fail with ``ConflictError`` instead of overwriting it.  Without
``expected_version`` the database still refuses a write based on a copy that
went stale during the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from civicshield.cases import audit
from civicshield.cases.errors import ConflictError, InvalidOperation, NotFound
from civicshield.cases.models import Action, Case, CaseFinding, Decision, utcnow
from civicshield.cases.roles import Actor, allowed, require

DECISIONS = {
    "confirm": "confirmed",
    "dismiss": "dismissed",
    "escalate": "escalated",
    "request_evidence": "needs_evidence",
}
MIN_REASON = 10
ASSIGNABLE = ("open", "assigned", "needs_evidence", "escalated")


@dataclass(frozen=True)
class CaseSummary:
    id: int
    status: str
    queue: str
    kind: str
    kinds: tuple[str, ...]
    priority: float
    reach: int
    assignee: str | None
    version: int


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    language: str
    severity: float
    proximity: float
    merged_into: int | None
    findings: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)


def _summary(c: Case) -> CaseSummary:
    return CaseSummary(c.id, c.status, c.queue, c.kind, tuple(c.kinds or ()), c.priority, c.reach, c.assignee, c.version)


def list_cases(store, actor: Actor, queue: str | None = None, status: str | None = None,
               assignee: str | None = None, limit: int = 100) -> list[CaseSummary]:
    """Open work first: highest priority at the top; merged cases hidden
    unless asked for by status."""
    require(actor, "cases.view")
    # The summary's columns only: no ORM object per row (half the list's CPU
    # time on the console's queue page).
    q = sa.select(Case.id, Case.status, Case.queue, Case.kind, Case.kinds, Case.priority, Case.reach, Case.assignee,
                  Case.version)
    if queue:
        q = q.where(Case.queue == queue)
    q = q.where(Case.status == status) if status else q.where(Case.status != "merged")
    if assignee:
        q = q.where(Case.assignee == assignee)
    q = q.order_by(Case.priority.desc(), Case.id).limit(limit)
    with store.reader() as s:
        return [CaseSummary(i, st, qu, k, tuple(ks or ()), p, r, who, v) for i, st, qu, k, ks, p, r, who, v in s.execute(q)]


def get_case(store, actor: Actor, case_id: int) -> CaseDetail:
    require(actor, "cases.view")
    with store.reader() as s:
        c = _load(s, case_id)
        findings = [
            {"finding_id": f.finding_id, "kind": f.kind, "detector": f.detector, "score": f.score,
             "network_id": f.network_id, "accounts": len(f.account_ids), "posts": len(f.post_ids),
             "withdrawn": f.withdrawn, "evidence": f.evidence}
            for f in s.execute(sa.select(CaseFinding).where(CaseFinding.case_id == case_id)
                               .order_by(CaseFinding.kind, CaseFinding.finding_id)).scalars()
        ]
        decisions = [
            {"decision": d.decision, "reason": d.reason, "actor": d.actor, "role": d.role, "automated": d.automated,
             "at": d.at.isoformat()}
            for d in s.execute(sa.select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)).scalars()
        ]
        actions = [
            {"id": a.id, "kind": a.kind, "target": a.target_id, "detail": a.detail, "status": a.status}
            for a in s.execute(sa.select(Action).where(Action.case_id == case_id).order_by(Action.id)).scalars()
        ]
        return CaseDetail(_summary(c), c.language, c.severity, c.proximity, c.merged_into, findings, decisions, actions)


def _load(s: Session, case_id: int) -> Case:
    c = s.get(Case, case_id)
    if c is None:
        raise NotFound(f"no case {case_id}")
    return c


def _change(store, case_id: int, expected_version: int | None, fn: Callable[[Session, Case], None]) -> CaseSummary:
    try:
        with store.session() as s:
            c = _load(s, case_id)
            if expected_version is not None and c.version != expected_version:
                raise ConflictError(f"case {case_id} changed since you read it (version {expected_version}, now "
                                    f"{c.version}); reload it and try again")
            fn(s, c)
            return _summary(c)
    except StaleDataError:
        raise ConflictError(f"case {case_id} was changed by someone else at the same time; reload it and try again") \
            from None


def assign(store, actor: Actor, case_id: int, reviewer: str | None = None,
           expected_version: int | None = None) -> CaseSummary:
    """Give the case to ``reviewer`` (default: the actor).  Moderators can
    only take cases for themselves, and not from someone else."""
    require(actor, "cases.assign")
    reviewer = reviewer or actor.name
    if reviewer != actor.name:
        require(actor, "cases.assign_other")

    def do(s: Session, c: Case) -> None:
        if c.status not in ASSIGNABLE:
            raise InvalidOperation(f"case {c.id} is {c.status}; only {', '.join(ASSIGNABLE)} cases can be assigned")
        if c.status == "escalated" and not allowed(actor.role, "cases.decide_escalated"):
            raise InvalidOperation(f"case {c.id} is escalated: only a lead can take it")
        if c.assignee and c.assignee != reviewer and not allowed(actor.role, "cases.assign_other"):
            raise ConflictError(f"case {c.id} is held by {c.assignee}")
        previous = c.assignee
        c.assignee = reviewer
        if c.status in ("open", "needs_evidence"):
            c.status = "assigned"
        c.updated_at = utcnow()
        s.flush()  # the versioned UPDATE first: the loser of a race stops here
        audit.record(s, actor, "case.assigned", f"case:{c.id}", {"to": reviewer, "from": previous})

    return _change(store, case_id, expected_version, do)


def decide(store, actor: Actor, case_id: int, decision: str, reason: str,
           expected_version: int | None = None, automated: bool = False) -> CaseSummary:
    """Confirm, dismiss, escalate or request more evidence, with a reason.
    ``automated`` marks a decision taken by a rule rather than a person (it
    is reported as such in statements of reasons)."""
    require(actor, "cases.decide")
    if decision not in DECISIONS:
        raise InvalidOperation(f"decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidOperation(f"a decision needs a reason of at least {MIN_REASON} characters")

    def do(s: Session, c: Case) -> None:
        if c.status == "escalated":
            require(actor, "cases.decide_escalated")
        elif c.status != "assigned":
            raise InvalidOperation(f"case {c.id} is {c.status}: assign it before deciding")
        if c.assignee != actor.name:
            raise ConflictError(f"case {c.id} is held by {c.assignee or 'nobody'}, not {actor.name}")
        c.status = DECISIONS[decision]
        c.assignee = None
        c.updated_at = utcnow()
        s.flush()
        s.add(Decision(case_id=c.id, decision=decision, reason=reason, actor=actor.name, role=actor.role,
                       automated=automated))
        audit.record(s, actor, "case.decided", f"case:{c.id}",
                     {"decision": decision, "reason": reason, "automated": automated})

    return _change(store, case_id, expected_version, do)


def auto_confirm(store, actor: Actor, kinds: list[str], reason: str) -> int:
    """A lead's rule: confirm every open, unassigned case whose findings are
    all of ``kinds`` (e.g. ``election_content``, which only earns a label),
    as an automated decision.  Returns how many cases were confirmed."""
    require(actor, "cases.auto_decide")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidOperation(f"an automatic rule needs a reason of at least {MIN_REASON} characters")
    wanted = set(kinds)
    if not wanted:
        raise InvalidOperation("name the finding kind(s) the rule confirms")
    n = 0
    try:
        with store.session() as s:
            q = sa.select(Case).where(Case.status == "open", Case.assignee.is_(None)).order_by(Case.id)
            for c in s.execute(q).scalars().all():
                if not c.kinds or not set(c.kinds) <= wanted:
                    continue
                c.status, c.updated_at = "confirmed", utcnow()
                s.flush()
                s.add(Decision(case_id=c.id, decision="confirm", reason=reason, actor=actor.name, role=actor.role,
                               automated=True))
                audit.record(s, actor, "case.decided", f"case:{c.id}",
                             {"decision": "confirm", "reason": reason, "automated": True, "rule_kinds": sorted(wanted)})
                n += 1
    except StaleDataError:
        raise ConflictError("a case changed while the rule ran; nothing was kept, run it again") from None
    return n
