"""Legal holds (DSA data-retention orders), retention purge and account erasure.

A hold names an authority, its reference and a scope: the election, networks,
accounts, posts and/or a time range.  While a hold is active nothing in its
scope is purged: not by the retention clean-up and not by account-deletion
requests, which wait (status ``pending``) until every hold covering them is
released.  Evidence snapshots are insert-only and changed findings keep
their previous values in the audit trail, so nothing in scope is altered
either.

Matching is deliberately generous: an item is covered when any selector
matches (an account, a post by that account, a post, a case about a held
network, or the whole election) and its time is inside the range, an item
without a known time counting as inside.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from civicshield.cases import audit
from civicshield.cases.errors import InvalidOperation, NotFound
from civicshield.cases.models import Case, CaseEntity, CaseFinding, Erasure, EvidenceItem, Hold, utcnow
from civicshield.cases.roles import Actor, require

CLOSED = ("dismissed", "confirmed", "merged")


@dataclass(frozen=True)
class Scope:
    election_id: str | None = None
    network_ids: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    post_ids: tuple[str, ...] = ()
    time_from: dt.datetime | None = None
    time_to: dt.datetime | None = None

    def __post_init__(self) -> None:
        if not (self.election_id or self.network_ids or self.account_ids or self.post_ids):
            raise InvalidOperation("a hold needs a scope: an election, networks, accounts or posts")
        for t in (self.time_from, self.time_to):
            if t is not None and t.tzinfo is None:
                raise InvalidOperation("hold times must carry a time zone (UTC)")
        if self.time_from and self.time_to and self.time_from > self.time_to:
            raise InvalidOperation("the hold's time range ends before it starts")

    def to_json(self) -> dict:
        d = asdict(self)
        for k in ("time_from", "time_to"):
            d[k] = d[k].isoformat() if d[k] else None
        for k in ("network_ids", "account_ids", "post_ids"):
            d[k] = sorted(d[k])
        return d

    @classmethod
    def from_json(cls, d: dict) -> Scope:
        t = {k: dt.datetime.fromisoformat(d[k]) if d.get(k) else None for k in ("time_from", "time_to")}
        return cls(d.get("election_id"), tuple(d.get("network_ids") or ()), tuple(d.get("account_ids") or ()),
                   tuple(d.get("post_ids") or ()), **t)

    def covers(self, etype: str, eid: str, account_id: str | None, when: dt.datetime | None,
               networks: set[str]) -> bool:
        if when is not None and ((self.time_from and when < self.time_from) or (self.time_to and when > self.time_to)):
            return False
        if self.election_id:
            return True
        if networks & set(self.network_ids):
            return True
        accounts = set(self.account_ids)
        if (etype == "account" and eid in accounts) or (account_id in accounts):
            return True
        return etype == "post" and eid in set(self.post_ids)


@dataclass(frozen=True)
class HoldInfo:
    id: int
    authority: str
    reference: str
    scope: dict
    status: str
    created_by: str
    created_at: str
    released_at: str | None = None
    release_reason: str | None = None


def _info(h: Hold) -> HoldInfo:
    return HoldInfo(h.id, h.authority, h.reference, h.scope, h.status, h.created_by, h.created_at.isoformat(),
                    h.released_at.isoformat() if h.released_at else None, h.release_reason)


def add_hold(store, actor: Actor, authority: str, reference: str, scope: Scope) -> HoldInfo:
    require(actor, "hold.add")
    if not authority.strip() or not reference.strip():
        raise InvalidOperation("a hold needs the ordering authority and its reference")
    with store.session() as s:
        h = Hold(authority=authority.strip(), reference=reference.strip(), scope=scope.to_json(), status="active",
                 created_by=actor.name)
        s.add(h)
        s.flush()
        audit.record(s, actor, "hold.added", f"hold:{h.id}", {"authority": h.authority, "reference": h.reference,
                                                                  "scope": h.scope})
        return _info(h)


def list_holds(store, actor: Actor, include_released: bool = False) -> list[HoldInfo]:
    require(actor, "hold.list")
    with store.reader() as s:
        q = sa.select(Hold).order_by(Hold.id)
        if not include_released:
            q = q.where(Hold.status == "active")
        return [_info(h) for h in s.execute(q).scalars()]


def release_hold(store, actor: Actor, hold_id: int, reason: str) -> HoldInfo:
    require(actor, "hold.release")
    if len((reason or "").strip()) < 10:
        raise InvalidOperation("releasing a hold needs a reason of at least 10 characters")
    with store.session() as s:
        h = s.get(Hold, hold_id)
        if h is None:
            raise NotFound(f"no hold {hold_id}")
        if h.status != "active":
            raise InvalidOperation(f"hold {hold_id} is already {h.status}")
        h.status, h.released_at, h.released_by, h.release_reason = "released", utcnow(), actor.name, reason.strip()
        s.flush()
        audit.record(s, actor, "hold.released", f"hold:{h.id}", {"reason": h.release_reason})
        return _info(h)


def active_scopes(s: Session) -> list[tuple[int, Scope]]:
    return [(h.id, Scope.from_json(h.scope)) for h in s.execute(sa.select(Hold).where(Hold.status == "active")).scalars()]


def case_networks(s: Session) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for cid, eid in s.execute(sa.select(CaseEntity.case_id, CaseEntity.eid).where(CaseEntity.etype == "network")):
        out.setdefault(cid, set()).add(eid)
    return out


def holds_covering(item: EvidenceItem, scopes: list[tuple[int, Scope]], nets: dict[int, set[str]]) -> list[int]:
    return [hid for hid, sc in scopes
            if sc.covers(item.etype, item.eid, item.account_id, item.entity_time, nets.get(item.case_id, set()))]


def request_erasure(store, actor: Actor, account_id: str, reason: str | None = None) -> int:
    """Record an account-deletion request; ``purge`` carries it out when no
    hold covers the account's data.  ``reason`` (e.g. the user's ticket) goes
    into the audit trail."""
    require(actor, "account.erase")
    account_id = (account_id or "").strip()
    if not account_id or len(account_id) > 400:
        raise InvalidOperation("an erasure request names one account id (1 to 400 characters)")
    with store.session() as s:
        e = Erasure(account_id=account_id, requested_by=actor.name, status="pending")
        s.add(e)
        s.flush()
        audit.record(s, actor, "erasure.requested", f"account:{account_id}",
                     {"erasure_id": e.id, **({"reason": reason.strip()} if reason else {})})
        return e.id


@dataclass
class PurgeSummary:
    evidence_deleted: int = 0
    findings_scrubbed: int = 0
    erasures_done: int = 0
    kept_by_hold: int = 0
    erasures_waiting: list[str] = field(default_factory=list)
    holds_in_force: list[int] = field(default_factory=list)


def purge(store, actor: Actor, retention_days: int = 180, now: dt.datetime | None = None,
          reason: str | None = None) -> PurgeSummary:
    """Delete evidence of cases closed more than ``retention_days`` ago, and
    the data of accounts whose deletion was requested, except what a hold
    covers.  ``reason`` goes into the audit trail."""
    require(actor, "purge")
    if retention_days < 0:
        raise InvalidOperation("retention_days must be >= 0")
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=retention_days)
    out = PurgeSummary()
    with store.session() as s:
        scopes = active_scopes(s)
        out.holds_in_force = [hid for hid, _ in scopes]
        nets = case_networks(s)
        expired = set(s.execute(sa.select(Case.id).where(Case.status.in_(CLOSED), Case.updated_at < cutoff)).scalars())
        pending = list(s.execute(sa.select(Erasure).where(Erasure.status == "pending")).scalars())
        erase = {e.account_id for e in pending}
        held_accounts: set[str] = set()
        for item in s.execute(sa.select(EvidenceItem)).scalars().all():
            for_erasure = item.eid in erase if item.etype == "account" else item.account_id in erase
            if not (item.case_id in expired or for_erasure):
                continue
            if holds_covering(item, scopes, nets):
                out.kept_by_hold += 1
                if for_erasure:
                    held_accounts.add(item.eid if item.etype == "account" else item.account_id)
                continue
            s.delete(item)
            out.evidence_deleted += 1
        for cf in s.execute(sa.select(CaseFinding).where(CaseFinding.case_id.in_(expired))).scalars():
            items = [("account", a) for a in cf.account_ids or []] + [("post", p) for p in cf.post_ids or []]
            held = any(sc.covers(etype, eid, None, cf.last_seen, nets.get(cf.case_id, set()))
                       for _, sc in scopes for etype, eid in items or [("account", "")])
            if cf.evidence is not None and not held:
                cf.evidence = None
                out.findings_scrubbed += 1
        for e in pending:
            if e.account_id in held_accounts or any(sc.covers("account", e.account_id, None, None, set())
                                                     for _, sc in scopes):
                out.erasures_waiting.append(e.account_id)
                continue
            e.status, e.done_at = "done", now
            out.erasures_done += 1
        s.flush()
        audit.record(s, actor, "purge.run", "purge", {
            "retention_days": retention_days, "evidence_deleted": out.evidence_deleted,
            "findings_scrubbed": out.findings_scrubbed, "erasures_done": out.erasures_done,
            "kept_by_hold": out.kept_by_hold, "erasures_waiting": sorted(out.erasures_waiting),
            "holds_in_force": out.holds_in_force, **({"reason": reason.strip()} if reason else {})})
    return out

