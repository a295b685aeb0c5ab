"""Evidence bundles for an authority, with a SHA-256 manifest.

``export_bundle`` writes, for one hold's scope: the evidence snapshots
(``accounts.jsonl``, ``posts.jsonl``), the findings, the cases with their
decisions, actions and statements (``cases.jsonl``), the audit entries about
those cases and the hold (``audit.jsonl``, each with its chain hashes), the
order itself (``hold.json``) and ``manifest.json`` listing every file's
SHA-256 and size.  ``manifest.sha256`` holds the manifest's own hash, which
is also written into the audit trail, so the bundle is anchored in the chain.

``verify_bundle`` needs no database: it rechecks every hash, reports missing,
changed or extra files, and recomputes each audit entry's hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from civicshield.cases import audit
from civicshield.cases.errors import InvalidOperation, NotFound
from civicshield.cases.event_slice import write_event_slice
from civicshield.cases.holds import Scope, case_networks
from civicshield.cases.models import (
    Action,
    AuditEntry,
    Case,
    CaseEntity,
    CaseFinding,
    Decision,
    EvidenceItem,
    Hold,
    Statement,
    utcnow,
)
from civicshield.cases.roles import Actor, require

FORMAT = "civicshield-evidence/1"
MANIFEST, MANIFEST_HASH = "manifest.json", "manifest.sha256"


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(audit.canonical(r) + "\n")


@dataclass
class Bundle:
    path: Path
    files: dict[str, str]
    manifest_sha256: str


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def export_bundle(store, actor: Actor, hold_id: int, out_dir: Path, workspace=None) -> Bundle:
    """Write the bundle for one hold; with ``workspace``, also the raw event
    rows about the held accounts and posts (``events/*.parquet``)."""
    require(actor, "evidence.export")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InvalidOperation(f"{out_dir} is not empty: an evidence bundle goes into a new folder")
    with store.session() as s:
        hold = s.get(Hold, hold_id)
        if hold is None:
            raise NotFound(f"no hold {hold_id}")
        scope = Scope.from_json(hold.scope)
        nets = case_networks(s)
        items = [e for e in s.execute(sa.select(EvidenceItem).order_by(EvidenceItem.id)).scalars()
                 if scope.covers(e.etype, e.eid, e.account_id, e.entity_time, nets.get(e.case_id, set()))]
        case_ids = {e.case_id for e in items} | {cid for cid, ns in nets.items() if ns & set(scope.network_ids)}
        if scope.election_id:
            case_ids |= set(s.execute(sa.select(Case.id)).scalars())
        cases = sorted((s.get(Case, c) for c in case_ids), key=lambda c: c.id)
        findings = list(s.execute(sa.select(CaseFinding).where(CaseFinding.case_id.in_(case_ids))
                                  .order_by(CaseFinding.finding_id)).scalars())
        subjects = {f"case:{c}" for c in case_ids} | {f"hold:{hold_id}"}
        entries = [audit.entry_dict(e) for e in s.execute(sa.select(AuditEntry).where(AuditEntry.subject.in_(subjects))
                                                          .order_by(AuditEntry.seq)).scalars()]
        case_rows = []
        for c in cases:
            decisions = s.execute(sa.select(Decision).where(Decision.case_id == c.id).order_by(Decision.id)).scalars()
            actions = list(s.execute(sa.select(Action).where(Action.case_id == c.id).order_by(Action.id)).scalars())
            stmts = {st.action_id: st.body for st in s.execute(
                sa.select(Statement).where(Statement.action_id.in_([a.id for a in actions]))).scalars()}
            case_rows.append({
                "case_id": c.id, "status": c.status, "kind": c.kind, "kinds": c.kinds, "queue": c.queue,
                "priority": c.priority, "merged_into": c.merged_into, "created_at": c.created_at.isoformat(),
                "decisions": [{"decision": d.decision, "reason": d.reason, "actor": d.actor, "role": d.role,
                               "automated": d.automated, "at": d.at.isoformat()} for d in decisions],
                "actions": [{"id": a.id, "kind": a.kind, "target": a.target_id, "detail": a.detail, "status": a.status,
                             "at": a.at.isoformat(), "actor": a.actor, "automated_detection": a.automated_detection,
                             "automated_decision": a.automated_decision, "reversal_reason": a.reversal_reason,
                             "statement_of_reasons": stmts.get(a.id)} for a in actions],
            })
        out_dir.mkdir(parents=True, exist_ok=True)
        for etype, name in (("account", "accounts.jsonl"), ("post", "posts.jsonl")):
            _write_jsonl(out_dir / name, [
                {"id": e.eid, "case_id": e.case_id, "captured_at": e.captured_at.isoformat(), "sha256": e.sha256,
                 "snapshot": e.snapshot} for e in items if e.etype == etype])
        _write_jsonl(out_dir / "findings.jsonl", [
            {"finding_id": f.finding_id, "case_id": f.case_id, "kind": f.kind, "detector": f.detector,
             "score": f.score, "network_id": f.network_id, "account_ids": f.account_ids, "post_ids": f.post_ids,
             "engagements": f.engagements, "first_seen": f.first_seen, "last_seen": f.last_seen,
             "evidence": f.evidence, "withdrawn": f.withdrawn} for f in findings])
        _write_jsonl(out_dir / "cases.jsonl", case_rows)
        _write_jsonl(out_dir / "audit.jsonl", entries)
        (out_dir / "hold.json").write_text(audit.canonical({
            "id": hold.id, "authority": hold.authority, "reference": hold.reference, "scope": hold.scope,
            "status": hold.status, "created_at": hold.created_at.isoformat()}) + "\n", encoding="utf-8")
        if workspace is not None:
            if scope.election_id:
                held_accounts = held_posts = None
            else:
                held_accounts = set(scope.account_ids) | {e.eid for e in items if e.etype == "account"}
                net_cases = [cid for cid, ns in nets.items() if ns & set(scope.network_ids)]
                if net_cases:
                    held_accounts |= set(s.execute(sa.select(CaseEntity.eid).where(
                        CaseEntity.case_id.in_(net_cases), CaseEntity.etype == "account")).scalars())
                held_posts = set(scope.post_ids) | {e.eid for e in items if e.etype == "post"}
            write_event_slice(workspace, out_dir, held_accounts, held_posts, scope.time_from, scope.time_to)
        files = {name: _sha(out_dir / name) for name in _files(out_dir)}
        head = audit.verify_chain(s)
        manifest = {
            "format": FORMAT, "hold_id": hold.id, "authority": hold.authority, "reference": hold.reference,
            "exported_by": actor.name, "exported_at": utcnow().isoformat(),
            "audit_head": {"seq": head.head_seq, "hash": head.head_hash, "chain_ok": head.ok},
            "files": {n: {"sha256": h, "bytes": (out_dir / n).stat().st_size} for n, h in files.items()},
        }
        (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        msha = _sha(out_dir / MANIFEST)
        (out_dir / MANIFEST_HASH).write_text(f"{msha}  {MANIFEST}\n", encoding="utf-8")
        audit.record(s, actor, "evidence.exported", f"hold:{hold.id}",
                     {"manifest_sha256": msha, "files": len(files), "cases": sorted(case_ids)})
    return Bundle(out_dir, files, msha)


def verify_bundle(path: Path) -> list[str]:
    """Problems found in a bundle; empty when every file is as exported."""
    path = Path(path)
    problems: list[str] = []
    man, mh = path / MANIFEST, path / MANIFEST_HASH
    if not man.exists() or not mh.exists():
        return [f"{path}: no {MANIFEST} / {MANIFEST_HASH}: not an evidence bundle"]
    if mh.read_text(encoding="utf-8").split()[0] != _sha(man):
        problems.append(f"{MANIFEST}: does not match {MANIFEST_HASH} (the manifest was changed)")
    try:
        manifest = json.loads(man.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        return [*problems, f"{MANIFEST}: not valid JSON ({e})"]
    if manifest.get("format") != FORMAT:
        problems.append(f"{MANIFEST}: unknown format {manifest.get('format')!r}")
    listed = manifest.get("files", {})
    present = set(_files(path)) - {MANIFEST, MANIFEST_HASH}
    for name in sorted(present - set(listed)):
        problems.append(f"{name}: not listed in the manifest (added)")
    for name, meta in sorted(listed.items()):
        p = path / name
        if not p.exists():
            problems.append(f"{name}: missing")
        elif p.stat().st_size != meta["bytes"] or _sha(p) != meta["sha256"]:
            problems.append(f"{name}: SHA-256 differs from the manifest (changed)")
    if (path / "audit.jsonl").exists():
        prev = None
        for i, line in enumerate((path / "audit.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            e = json.loads(line)
            h = audit.entry_hash(e["prev_hash"], e["seq"], e["at"], e["actor"], e["role"], e["event"], e["subject"],
                                 audit.canonical(e["payload"]))
            if h != e["hash"]:
                problems.append(f"audit.jsonl line {i}: entry {e['seq']} does not match its hash")
            if prev is not None and e["seq"] == prev["seq"] + 1 and e["prev_hash"] != prev["hash"]:
                problems.append(f"audit.jsonl line {i}: entry {e['seq']} does not follow entry {prev['seq']}")
            prev = e
    return problems
