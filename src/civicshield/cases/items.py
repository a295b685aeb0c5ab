"""Read-only views the web console needs beyond ``review``: queue counts
and the evidence snapshots (accounts and posts) behind one case."""

from __future__ import annotations

import sqlalchemy as sa

from civicshield.cases import counts
from civicshield.cases.models import Case, CaseEntity, CaseFinding, EvidenceItem
from civicshield.cases.roles import Actor, require

# The console's queue lists cases by priority, highest first and oldest first
# among equals (across queues or within one).  Indexes in exactly that order
# (``priority DESC, id``) let the list read its 100 rows and stop, without a
# sort step (with the ascending ones of migration 0003, PostgreSQL sorted the
# ties of the top priorities after a backward scan).
# ``ix_cases_queue_status`` serves a queue-and-status filter.  The counts per
# queue and status come from ``case_counts`` (counts.py), not from the cases
# table.  Created by migrations 0003_console_indexes and 0006_case_counts.
QUEUE_INDEXES = (
    sa.Index("ix_cases_priority_desc_id", Case.priority.desc(), Case.id),
    sa.Index("ix_cases_queue_priority_desc_id", Case.queue, Case.priority.desc(), Case.id),
    sa.Index("ix_cases_queue_status", Case.queue, Case.status),
)


def queue_counts(store, actor: Actor) -> dict[str, dict[str, int]]:
    """queue -> status -> number of cases (merged cases left out)."""
    require(actor, "cases.view")
    with store.reader() as s:
        got = counts.counts(s)
    out = {q: {st: n for st, n in by.items() if st != "merged"} for q, by in got.items()}
    return dict(sorted((q, by) for q, by in out.items() if by))


def case_items(store, actor: Actor, case_id: int, limit: int = 500) -> dict[str, list[dict]]:
    """The newest snapshot of each account and post the case is about, plus
    the authors of its posts; ``limit`` caps each list for very large networks."""
    require(actor, "cases.view")
    with store.reader() as s:
        ents = s.execute(sa.select(CaseEntity.etype, CaseEntity.eid).where(
            CaseEntity.case_id == case_id, CaseEntity.etype.in_(("account", "post")))).all()
        post_ids = sorted(e for t, e in ents if t == "post")[:limit]
        account_ids = {e for t, e in ents if t == "account"}
        posts = _newest(s, "post", post_ids)
        account_ids |= {p["account_id"] for p in posts if p.get("account_id")}
        accounts = _newest(s, "account", sorted(account_ids)[:limit])
    posts.sort(key=lambda p: (str(p.get("created_at") or ""), str(p.get("post_id"))))
    accounts.sort(key=lambda a: str(a.get("account_id")))
    return {"accounts": accounts, "posts": posts}


def _newest(s, etype: str, ids: list[str]) -> list[dict]:
    newest: dict[str, tuple] = {}
    for i in range(0, len(ids), 500):
        q = sa.select(EvidenceItem.eid, EvidenceItem.id, EvidenceItem.snapshot).where(
            EvidenceItem.etype == etype, EvidenceItem.eid.in_(ids[i:i + 500]))
        for eid, item_id, snap in s.execute(q):
            if eid not in newest or item_id > newest[eid][0]:
                newest[eid] = (item_id, snap)
    return [snap for _, snap in newest.values()]


def case_members(store, actor: Actor, case_id: int) -> list[dict]:
    """Each finding's accounts, posts and engagement keys (``actor|action|target``),
    for drawing the case's network."""
    require(actor, "cases.view")
    q = sa.select(CaseFinding).where(CaseFinding.case_id == case_id).order_by(CaseFinding.finding_id)
    with store.reader() as s:
        return [{"finding_id": f.finding_id, "kind": f.kind, "network_id": f.network_id, "withdrawn": f.withdrawn,
                 "account_ids": list(f.account_ids or ()), "post_ids": list(f.post_ids or ()),
                 "engagements": list(f.engagements or ())}
                for f in s.execute(q).scalars()]
