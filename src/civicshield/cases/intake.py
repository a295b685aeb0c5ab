"""From findings to cases.

Findings that share a network or any entity (account, post, engagement) form
one group; a group joins the open case that already holds one of its findings
or entities, and when a group touches several existing cases those cases are
merged into the oldest.  ``finding_id`` is stable across detection runs, so
re-running intake updates cases instead of duplicating them.  Everything
happens in one transaction, audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from civicshield.cases import audit
from civicshield.cases.errors import ConflictError
from civicshield.cases.models import Case, CaseEntity, CaseFinding, EvidenceItem, utcnow
from civicshield.cases.priority import SEVERITY, majority_language, priority, proximity, queue_name, worst_kind
from civicshield.cases.roles import Actor, require
from civicshield.progress import Progress, no_progress

REOPEN_ON_NEW_FINDINGS = ("confirmed", "dismissed", "needs_evidence")


@dataclass
class IntakeSummary:
    findings: int = 0
    new_findings: int = 0
    updated_findings: int = 0
    withdrawn_findings: int = 0
    new_cases: int = 0
    updated_cases: int = 0
    merged_cases: int = 0
    reopened_cases: int = 0
    case_ids: list[int] = field(default_factory=list)


def _aware(t):
    if t is None:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def _jsonable(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = _aware(v).isoformat() if isinstance(v, dt.datetime) else v
    return out


def entity_keys(f: dict) -> list[tuple[str, str]]:
    keys = [("account", a) for a in f["account_ids"] or []]
    keys += [("post", p) for p in f["post_ids"] or []]
    keys += [("engagement", e) for e in f["engagements"] or []]
    if f.get("network_id"):
        keys.append(("network", f["network_id"]))
    return keys


def _read_store(workspace) -> tuple[object, list[dict], dict[str, dict], dict[str, dict]]:
    with workspace.events(read_only=True) as ev:
        election = ev.election()
        findings = []
        for r in ev.findings().to_pylist():
            r["evidence"] = json.loads(r["evidence"]) if r["evidence"] else {}
            r["first_seen"], r["last_seen"] = _aware(r["first_seen"]), _aware(r["last_seen"])
            for k in ("account_ids", "post_ids", "engagements"):
                r[k] = list(r[k] or [])
            findings.append(r)
        post_ids = sorted({p for f in findings for p in f["post_ids"]})
        posts = {}
        if post_ids and ev.has("posts"):
            for r in ev.query("SELECT * FROM posts WHERE post_id IN (SELECT UNNEST(?))", [post_ids]).to_pylist():
                posts[r["post_id"]] = r
        account_ids = sorted({a for f in findings for a in f["account_ids"]} | {p["account_id"] for p in posts.values()})
        accounts = {}
        if account_ids and ev.has("accounts"):
            for r in ev.query("SELECT * FROM accounts WHERE account_id IN (SELECT UNNEST(?))", [account_ids]).to_pylist():
                accounts[r["account_id"]] = r
    return election, findings, accounts, posts


def _groups(findings: list[dict]) -> list[list[int]]:
    parent = list(range(len(findings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for i, f in enumerate(findings):
        for key in entity_keys(f):
            if key in owner:
                a, b = find(i), find(owner[key])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(findings)):
        groups[find(i)].append(i)
    return list(groups.values())


def _chunks(items: list, n: int = 500) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _resolve(s: Session, case_id: int) -> int:
    """Follow merged_into to the case that now holds the material."""
    seen = set()
    while case_id not in seen:
        seen.add(case_id)
        nxt = s.get(Case, case_id).merged_into  # preloaded: no query per call
        if nxt is None:
            return case_id
        case_id = nxt
    return case_id


def _merge(s: Session, actor: Actor, target: Case, others: list[Case]) -> None:
    for o in others:
        s.execute(sa.update(CaseFinding).where(CaseFinding.case_id == o.id).values(case_id=target.id))
        s.execute(sa.update(EvidenceItem).where(EvidenceItem.case_id == o.id).values(case_id=target.id))
        have = {(e.etype, e.eid) for e in s.execute(sa.select(CaseEntity).where(CaseEntity.case_id == target.id)).scalars()}
        for e in s.execute(sa.select(CaseEntity).where(CaseEntity.case_id == o.id)).scalars():
            if (e.etype, e.eid) in have:
                s.delete(e)
            else:
                e.case_id = target.id
        o.status, o.merged_into, o.assignee, o.updated_at = "merged", target.id, None, utcnow()
        s.flush()
        audit.record(s, actor, "case.merged", f"case:{o.id}", {"into": target.id})


def intake(store, workspace, actor: Actor, now: dt.datetime | None = None,
           progress: Progress | None = None) -> IntakeSummary:
    """Turn the workspace's findings into cases (create, update, merge).

    All or nothing: if a reviewer changes one of the cases while intake runs,
    the versioned update fails, nothing is kept, and intake can be re-run."""
    try:
        return _intake(store, workspace, actor, now, progress)
    except StaleDataError:
        raise ConflictError("a case changed while intake ran; nothing was kept, run intake again") from None
    except sa.exc.IntegrityError:
        raise ConflictError("another intake stored the same findings at the same time; nothing was kept, "
                            "run intake again") from None


def _intake(store, workspace, actor: Actor, now: dt.datetime | None, progress: Progress | None) -> IntakeSummary:
    require(actor, "cases.intake")
    progress = progress or no_progress
    election, findings, accounts, posts = _read_store(workspace)
    summary = IntakeSummary(findings=len(findings))
    groups = _groups(findings)
    with store.session() as s:
        # What the store already knows about these findings and entities.
        by_finding: dict[str, CaseFinding] = {}
        ids = [f["finding_id"] for f in findings]
        for chunk in _chunks(ids):
            for cf in s.execute(sa.select(CaseFinding).where(CaseFinding.finding_id.in_(chunk))).scalars():
                by_finding[cf.finding_id] = cf
        by_entity: dict[tuple[str, str], set[int]] = defaultdict(set)
        all_keys = sorted({k for f in findings for k in entity_keys(f)})
        for chunk in _chunks(all_keys):
            q = sa.select(CaseEntity.etype, CaseEntity.eid, CaseEntity.case_id).join(Case, Case.id == CaseEntity.case_id)
            q = q.where(Case.status != "merged", sa.tuple_(CaseEntity.etype, CaseEntity.eid).in_(chunk))
            for etype, eid, cid in s.execute(q):
                by_entity[(etype, eid)].add(cid)
        known_cases = sorted({cf.case_id for cf in by_finding.values()} | {c for cs in by_entity.values() for c in cs})
        # The identity map holds weak references: keep the loaded cases alive
        # here so s.get() below answers without a query per case.
        loaded = [c for chunk in _chunks(known_cases) for c in s.execute(sa.select(Case).where(Case.id.in_(chunk))).scalars()]

        # Pass 1: pick each group's case, merging where a group bridges
        # cases; new cases are inserted together (one flush, not one per case).
        # Groups never share an entity, so a new case cannot be another
        # group's candidate.
        plan: list[tuple[list[dict], set, Case, bool]] = []
        for group in groups:
            gf = [findings[i] for i in group]
            keys = {k for f in gf for k in entity_keys(f)}
            candidates = {by_finding[f["finding_id"]].case_id for f in gf if f["finding_id"] in by_finding}
            candidates |= {c for k in keys for c in by_entity.get(k, ())}
            candidates = {_resolve(s, c) for c in candidates}
            if candidates:
                cases = sorted((s.get(Case, c) for c in candidates), key=lambda c: c.id)
                target, others = cases[0], cases[1:]
                if others:
                    _merge(s, actor, target, others)
                    summary.merged_cases += len(others)
                    for o in others:
                        for cs in by_entity.values():
                            if o.id in cs:
                                cs.discard(o.id)
                                cs.add(target.id)
                plan.append((gf, keys, target, False))
            else:
                kind = worst_kind(f["kind"] for f in gf)
                target = Case(status="open", queue=queue_name(kind, "und"), kind=kind, kinds=[], language="und",
                              priority=0.0, reach=0, severity=0.0, proximity=0.0, automated_detection=True)
                plan.append((gf, keys, target, True))
        s.add_all([p[2] for p in plan if p[3]])
        s.flush()

        # Pass 2: entities and findings, against each group's final case.
        touched: dict[int, Case] = {}
        new_material: set[int] = set()
        for n, (gf, keys, target, is_new) in enumerate(plan):
            if is_new:
                audit.record(s, actor, "case.created", f"case:{target.id}", {"findings": [f["finding_id"] for f in gf]})
                summary.new_cases += 1
            else:
                target = s.get(Case, _resolve(s, target.id))  # a later group may have merged it away
            touched[target.id] = target
            # by_entity holds every stored (entity, case) pair for this run's keys
            existing_entities = {k for k in keys if target.id in by_entity.get(k, ())}
            for etype, eid in sorted(keys - existing_entities):
                s.add(CaseEntity(case_id=target.id, etype=etype, eid=eid))
            for k in keys:
                by_entity[k].add(target.id)
            for f in gf:
                if _upsert_finding(s, actor, target, f, by_finding, summary):
                    new_material.add(target.id)
            progress("intake", n + 1, len(plan))

        _withdraw_missing(s, actor, set(ids), summary, touched)
        s.flush()
        case_findings: dict[int, list[CaseFinding]] = defaultdict(list)
        for chunk in _chunks(sorted(touched)):
            for cf in s.execute(sa.select(CaseFinding).where(CaseFinding.case_id.in_(chunk))).scalars():
                case_findings[cf.case_id].append(cf)
        for case in touched.values():
            if case.id in new_material:
                # touch the row so its version moves: a reviewer deciding on
                # what they read before the new material arrived is stopped
                case.updated_at = utcnow()
            if case.id in new_material and case.status in REOPEN_ON_NEW_FINDINGS:
                old = case.status
                case.status, case.assignee = "open", None
                s.flush()
                audit.record(s, actor, "case.reopened", f"case:{case.id}", {"was": old, "why": "new findings"})
                summary.reopened_cases += 1
            if _recompute(case, case_findings[case.id], election, accounts, posts, now):
                summary.updated_cases += 1
        snapshot_evidence(s, touched, accounts, posts)
        summary.case_ids = sorted(touched)
        del loaded
    summary.updated_cases = max(0, summary.updated_cases - summary.new_cases)
    return summary


def _upsert_finding(s: Session, actor: Actor, case: Case, f: dict, known: dict, summary: IntakeSummary) -> bool:
    """Insert or update one finding; True when it is new material for the case."""
    fields = dict(kind=f["kind"], detector=f["detector"], score=float(f["score"]), network_id=f["network_id"],
                  account_ids=f["account_ids"], post_ids=f["post_ids"], engagements=f["engagements"],
                  first_seen=f["first_seen"], last_seen=f["last_seen"], evidence=f["evidence"])
    cf = known.get(f["finding_id"])
    if cf is None:
        cf = CaseFinding(finding_id=f["finding_id"], case_id=case.id, withdrawn=False, **fields)
        s.add(cf)
        known[f["finding_id"]] = cf
        audit.record(s, actor, "finding.added", f"case:{case.id}",
                     {"finding_id": f["finding_id"], "kind": f["kind"], "detector": f["detector"],
                      "score": float(f["score"]), "network_id": f["network_id"],
                      "accounts": len(f["account_ids"]), "posts": len(f["post_ids"])})
        summary.new_findings += 1
        return True
    changed = {k: v for k, v in fields.items() if getattr(cf, k) != v}
    # The previous values go into the audit entry: an update never loses
    # what a finding said before (legal holds rely on that).
    previous = json.loads(audit.canonical({k: getattr(cf, k) for k in changed}))
    if cf.case_id != case.id:
        cf.case_id = case.id
    if changed or cf.withdrawn:
        for k, v in changed.items():
            setattr(cf, k, v)
        was_withdrawn, cf.withdrawn, cf.updated_at = cf.withdrawn, False, utcnow()
        audit.record(s, actor, "finding.updated", f"case:{case.id}",
                     {"finding_id": cf.finding_id, "previous": previous, "restored": was_withdrawn})
        summary.updated_findings += 1
        return bool(set(changed) & {"account_ids", "post_ids", "engagements"}) or was_withdrawn
    return False


def _withdraw_missing(s: Session, actor: Actor, current: set[str], summary: IntakeSummary, touched: dict) -> None:
    """Findings the detectors no longer report stay on record, marked withdrawn."""
    q = sa.select(CaseFinding).where(CaseFinding.withdrawn.is_(False))
    for cf in s.execute(q).scalars().all():
        if cf.finding_id not in current:
            cf.withdrawn, cf.updated_at = True, utcnow()
            s.flush()
            audit.record(s, actor, "finding.withdrawn", f"case:{cf.case_id}", {"finding_id": cf.finding_id})
            summary.withdrawn_findings += 1
            case = s.get(Case, cf.case_id)
            if case is not None and case.status != "merged":
                touched.setdefault(case.id, case)


def _recompute(case: Case, all_rows: list[CaseFinding], election, accounts: dict, posts: dict,
               now: dt.datetime | None) -> bool:
    rows = [f for f in all_rows if not f.withdrawn] or all_rows
    kinds = sorted({f.kind for f in rows})
    kind = worst_kind(kinds)
    acc = sorted({a for f in rows for a in f.account_ids})
    pst = sorted({p for f in rows for p in f.post_ids})
    reach = sum(int(accounts.get(a, {}).get("follower_count") or 0) for a in acc)
    reach += sum(int(posts.get(p, {}).get("view_count") or 0) for p in pst)
    language = majority_language((posts.get(p, {}).get("language") for p in pst),
                                 (accounts.get(a, {}).get("language") for a in acc))
    seen = [f.last_seen or f.first_seen for f in rows if f.last_seen or f.first_seen]
    prox = proximity(_aware(now) if now else (max(seen) if seen else None), election.rounds)
    sev = SEVERITY.get(kind, 0.5)
    new = dict(kinds=kinds, kind=kind, reach=reach, language=language, queue=queue_name(kind, language),
               proximity=round(prox, 4), severity=sev, priority=priority(sev, reach, prox))
    changed = {k: v for k, v in new.items() if getattr(case, k) != v}
    if not changed:
        return False
    for k, v in changed.items():
        setattr(case, k, v)
    case.updated_at = utcnow()
    return True


def snapshot_evidence(s: Session, cases: dict[int, Case], accounts: dict, posts: dict) -> None:
    """Insert a snapshot of every account and post the cases are about (and
    posts' authors) unless the same content is already stored."""
    wanted: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted(cases)):
        q = sa.select(CaseEntity.etype, CaseEntity.eid, CaseEntity.case_id).where(
            CaseEntity.case_id.in_(chunk), CaseEntity.etype.in_(("account", "post")))
        for etype, eid, cid in s.execute(q):
            wanted.setdefault((etype, eid), cid)
            # a post's author is evidence too (account type, creation date),
            # though not an entity the case is "about": it pulls nothing in
            if etype == "post" and eid in posts:
                wanted.setdefault(("account", posts[eid]["account_id"]), cid)
    rows = []
    for (etype, eid), cid in sorted(wanted.items()):
        src = accounts.get(eid) if etype == "account" else posts.get(eid)
        if src is None:
            continue
        snap = _jsonable(src)
        sha = hashlib.sha256(audit.canonical(snap).encode()).hexdigest()
        rows.append((etype, eid, snap, sha, src.get("account_id"), _aware(src.get("created_at")), cid))
    # Every lookup runs before any insert: inside this one transaction PostgreSQL
    # has no statistics for the rows it adds, and once the table grew mid-intake it
    # scanned all of it per chunk (seconds each at 1M snapshots).  Looked up by eid
    # (indexed) rather than a row-value IN list, for the same reason.
    have: set = set()
    for chunk in _chunks(rows):
        have |= set(s.execute(sa.select(EvidenceItem.etype, EvidenceItem.eid, EvidenceItem.sha256).where(
            EvidenceItem.eid.in_(sorted({r[1] for r in chunk})))))
    for etype, eid, snap, sha, account_id, t, cid in rows:
        if (etype, eid, sha) not in have:
            have.add((etype, eid, sha))
            s.add(EvidenceItem(case_id=cid, etype=etype, eid=eid, account_id=account_id, entity_time=t,
                               snapshot=snap, sha256=sha))
