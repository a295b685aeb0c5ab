"""The audit trail: append-only and hash-chained.

Entry ``n`` stores ``hash_n = sha256(hash_{n-1} + "\\n" + canonical JSON of
entry n)``.  Editing an entry breaks its own hash; deleting or reordering
entries breaks the link to the previous hash or the sequence; deleting the
newest entries leaves the head row (``audit_head``) pointing past the end.
Someone who rewrites every later entry *and* the head can still forge a
consistent chain, which is why ``verify`` accepts an anchor (a seq/hash pair
published earlier, e.g. printed in an evidence manifest) and checks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from civicshield.cases.models import AuditEntry, AuditHead
from civicshield.cases.roles import Actor, require

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, role: str, event: str, subject: str, payload: str) -> str:
    body = canonical({"seq": seq, "at": at, "actor": actor, "role": role, "event": event, "subject": subject,
                      "payload": json.loads(payload)})
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def record(session: Session, actor: Actor, event: str, subject: str, payload: dict | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction.

    The head row is locked (``FOR UPDATE`` on PostgreSQL; SQLite holds the
    write lock since BEGIN IMMEDIATE), so two transactions never chain onto
    the same predecessor.  Callers change their rows *before* recording, so
    lock order is always "their rows, then the head" and cannot deadlock.
    """
    tx = session.get_transaction()
    cached = session.info.get("audit_head")
    if cached is not None and cached[0] is tx:
        head = cached[1]  # already locked by this transaction
    else:
        head = session.execute(sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
        session.info["audit_head"] = (tx, head)
    seq = head.seq + 1
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    text = canonical(payload or {})
    h = entry_hash(head.hash, seq, at, actor.name, actor.role, event, subject, text)
    entry = AuditEntry(seq=seq, at=at, actor=actor.name, role=actor.role, event=event, subject=subject,
                       payload=text, prev_hash=head.hash, hash=h)
    session.add(entry)
    head.seq, head.hash = seq, h
    return entry


@dataclass
class VerifyReport:
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session: Session, anchors: dict[int, str] | None = None, limit_problems: int = 50) -> VerifyReport:
    """Walk the chain in sequence order and report every inconsistency."""
    head = session.execute(sa.select(AuditHead).where(AuditHead.id == 1)).scalar_one_or_none()
    problems: list[str] = []
    expected_seq, prev, n, last_seq, last_hash = 1, GENESIS, 0, 0, GENESIS
    rows = session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)).scalars()
    for e in rows:
        n += 1
        if e.seq != expected_seq:
            problems.append(f"entry {e.seq}: expected seq {expected_seq} (entries {expected_seq}..{e.seq - 1} are missing)")
        if e.prev_hash != prev:
            problems.append(f"entry {e.seq}: does not follow the entry before it (reordered, or a previous entry was removed or rewritten)")
        try:
            recomputed = entry_hash(e.prev_hash, e.seq, e.at, e.actor, e.role, e.event, e.subject, e.payload)
        except (json.JSONDecodeError, TypeError):
            recomputed = None
        if recomputed != e.hash:
            problems.append(f"entry {e.seq}: content does not match its hash (edited)")
        if anchors and e.seq in anchors and anchors[e.seq] != e.hash:
            problems.append(f"entry {e.seq}: hash differs from the anchor given ({anchors[e.seq][:12]}...)")
        expected_seq, prev, last_seq, last_hash = e.seq + 1, e.hash, e.seq, e.hash
        if len(problems) >= limit_problems:
            problems.append("... stopping after too many problems")
            break
    if head is None:
        problems.append("the audit head row is missing")
    elif len(problems) < limit_problems and (head.seq != last_seq or head.hash != last_hash):
        problems.append(f"head says the chain ends at entry {head.seq}, the log ends at {last_seq} (entries at the end were removed)")
    for seq in sorted(anchors or {}):
        if seq > last_seq:
            problems.append(f"anchor entry {seq} is not in the log")
    return VerifyReport(n, head.seq if head else 0, head.hash if head else "", problems)


def verify(store, actor: Actor, anchors: dict[int, str] | None = None) -> VerifyReport:
    require(actor, "audit.verify")
    with store.reader() as s:
        report = verify_chain(s, anchors)
    return report


def read(store, actor: Actor, subject: str | None = None, event: str | None = None, limit: int = 100) -> list[dict]:
    """The newest ``limit`` entries (optionally about one subject, e.g.
    ``case:12``, or of one event), oldest first."""
    require(actor, "audit.read")
    q = sa.select(AuditEntry)
    if subject:
        q = q.where(AuditEntry.subject == subject)
    if event:
        q = q.where(AuditEntry.event == event)
    with store.reader() as s:
        rows = list(s.execute(q.order_by(AuditEntry.seq.desc()).limit(limit)).scalars())
    return [entry_dict(e) for e in reversed(rows)]


def entry_dict(e: AuditEntry) -> dict:
    return {"seq": e.seq, "at": e.at, "actor": e.actor, "role": e.role, "event": e.event, "subject": e.subject,
            "payload": json.loads(e.payload), "prev_hash": e.prev_hash, "hash": e.hash}
