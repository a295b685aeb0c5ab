"""Read-only views the web console needs beyond ``review``: queue counts
and the evidence snapshots (accounts and posts) behind one case."""

from __future__ import annotations

import sqlalchemy as sa

from civicshield.cases.models import Case, CaseEntity, CaseFinding, EvidenceItem
from civicshield.cases.roles import Actor, require

# The console's queue lists cases by priority (across queues or within one) and
# counts them by queue and status on every view; without these, each view sorts
# or scans the whole table (100k cases: 26 ms -> 8 ms, counts 101 ms -> 6 ms on
# SQLite).  Created by migration 0003_console_indexes.
QUEUE_INDEXES = (
    sa.Index("ix_cases_priority_id", Case.priority, Case.id),
    sa.Index("ix_cases_queue_priority_id", Case.queue, Case.priority, Case.id),
    sa.Index("ix_cases_queue_status", Case.queue, Case.status),
)


def queue_counts(store, actor: Actor) -> dict[str, dict[str, int]]:
    """queue -> status -> number of cases (merged cases left out)."""
    require(actor, "cases.view")
    q = (sa.select(Case.queue, Case.status, sa.func.count()).where(Case.status != "merged")
         .group_by(Case.queue, Case.status))
    out: dict[str, dict[str, int]] = {}
    with store.reader() as s:
        for queue, status, n in s.execute(q):
            out.setdefault(queue, {})[status] = n
    return dict(sorted(out.items()))


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
