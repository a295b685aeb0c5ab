"""Enforcement: confirmed cases become actions, each with its statement of reasons.

Actions live in the case store; the event store is the platform's snapshot
and is never rewritten (``civicshield recount`` reads the active
``strip_engagement`` actions through ``stripped_engagements``).  A bulk run
is one transaction: a crash half-way leaves nothing applied.  Actions are
idempotent (``(kind, target, detail)`` is unique) and reversible on appeal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from civicshield.cases import audit
from civicshield.cases.errors import ConflictError, InvalidOperation, NotFound
from civicshield.cases.models import Action, Case, CaseFinding, Decision, EvidenceItem, Statement, utcnow
from civicshield.cases.priority import SEVERITY
from civicshield.cases.roles import Actor, require
from civicshield.cases.sor import build_statement
from civicshield.contract import FINDING_KINDS, GPPPA_TYPES
from civicshield.progress import Progress, no_progress

ACTION_KINDS = ("ban_account", "remove_post", "label_post", "label_account", "restrict_feature", "strip_engagement",
                "demote_post")
LABELS = ("election_info", "ai_generated", "state_affiliated", "unverified", "missing_context")
FEATURES = ("monetisation", "ads")
ACCOUNT_BAN_KINDS = ("coordinated_network", "batch_created", "sleeper_activation", "spam_signup",
                     "offplatform_recruitment", "recidivism", "impersonation", "fake_engagement")
_PUID_NS = uuid.UUID("6f1d8a52-51b4-4e0c-9a57-6b0f3c8e2d11")


def action_puid(prefix: str, kind: str, target_id: str, detail: str) -> str:
    """The statement's platform unique id: one per (kind, target, detail), so
    re-applying an action never makes a second statement."""
    return f"{prefix}-{uuid.uuid5(_PUID_NS, f'{kind}|{target_id}|{detail}')}"


@dataclass(frozen=True)
class ActionSpec:
    kind: str
    target_type: str
    target_id: str
    detail: str
    finding_kind: str


def plan(findings: Iterable[CaseFinding], authors: dict[str, str], account_types: dict[str, str]) -> list[ActionSpec]:
    """What a confirmed case calls for, worst finding kind first, no duplicates."""
    out: dict[tuple[str, str, str], ActionSpec] = {}

    def add(kind, ttype, target, detail, fk):
        out.setdefault((kind, target, detail), ActionSpec(kind, ttype, target, detail, fk))

    for f in sorted(findings, key=lambda f: (-SEVERITY.get(f.kind, 0.5), f.finding_id)):
        k = f.kind
        if k in ACCOUNT_BAN_KINDS:
            for a in f.account_ids:
                add("ban_account", "account", a, "", k)
        if k == "fake_engagement":
            for e in f.engagements:
                add("strip_engagement", "engagement", e, "", k)
        if k == "election_misinformation" and f.evidence and "actions" in f.evidence:
            # the fact-check verdict's policy (factchecks.POLICY), as the detector wrote it
            for p in f.post_ids:
                for act in f.evidence["actions"]:
                    kind, _, detail = str(act).partition(":")
                    if kind in ("remove_post", "label_post", "demote_post"):
                        add(kind, "post", p, detail, k)
        elif k in ("misleading_ai", "election_misinformation", "political_ad", "undisclosed_paid_promotion"):
            for p in f.post_ids:
                add("remove_post", "post", p, "", k)
        if k == "undisclosed_paid_promotion":
            for a in {*f.account_ids, *(authors[p] for p in f.post_ids if p in authors)}:
                add("restrict_feature", "account", a, "monetisation", k)
        if k == "political_ad":
            for a in sorted({*f.account_ids, *(authors[p] for p in f.post_ids if p in authors)}):
                if account_types.get(a) in GPPPA_TYPES:
                    add("restrict_feature", "account", a, "ads", k)
                    add("restrict_feature", "account", a, "monetisation", k)
        if k == "unlabelled_ai":
            for p in f.post_ids:
                add("label_post", "post", p, "ai_generated", k)
        if k == "election_content":
            for p in f.post_ids:
                add("label_post", "post", p, "election_info", k)
        if k == "state_media_foreign":
            for p in f.post_ids:
                add("label_post", "post", p, "state_affiliated", k)
            for a in sorted({*f.account_ids, *(authors[p] for p in f.post_ids if p in authors)}):
                add("label_account", "account", a, "state_affiliated", k)
    return list(out.values())


@dataclass
class EnforceSummary:
    cases: int = 0
    applied: int = 0
    already_applied: int = 0
    skipped_reversed: int = 0
    statements: int = 0


def _snapshots(s: Session, case_id: int) -> dict[tuple[str, str], dict]:
    snaps: dict[tuple[str, str], dict] = {}
    q = sa.select(EvidenceItem).where(EvidenceItem.case_id == case_id).order_by(EvidenceItem.id)
    for e in s.execute(q).scalars():
        snaps[(e.etype, e.eid)] = e.snapshot  # later snapshots win
    return snaps


def _facts(case: Case, findings: list[CaseFinding], spec: ActionSpec, reason: str) -> str:
    rel = [f for f in findings if f.kind == spec.finding_kind]
    detectors = ", ".join(sorted({f.detector for f in rel}))
    score = max((f.score for f in rel), default=0.0)
    nets = sorted({f.network_id for f in rel if f.network_id})
    n_acc = len({a for f in rel for a in f.account_ids})
    n_post = len({p for f in rel for p in f.post_ids})
    what = FINDING_KINDS[spec.finding_kind][1]
    net = f", network {', '.join(nets)}" if nets else ""
    scale = ", ".join(x for x in (f"{n_acc} account(s)" if n_acc else "", f"{n_post} post(s)" if n_post else "") if x)
    return (f"Finding ({spec.finding_kind}): {what}. Detected by {detectors} (score {score:.2f}) in review case "
            f"{case.id}{net}; {scale or 'one item'} involved. Reviewer's reason: {reason}")


def enforce(store, actor: Actor, case_ids: list[int] | None = None, puid_prefix: str = "civicshield",
            progress: Progress | None = None) -> EnforceSummary:
    """Apply the actions of confirmed cases (all of them, or ``case_ids``).
    Two runs at once: the second to commit finds the first's actions in its
    way (unique key), keeps nothing and says so; running it again is a no-op
    for what the first applied."""
    try:
        return _enforce(store, actor, case_ids, puid_prefix, progress)
    except sa.exc.IntegrityError:
        raise ConflictError("another enforcement run applied some of these actions at the same time; nothing "
                            "of this run was kept, run it again") from None


def _enforce(store, actor: Actor, case_ids: list[int] | None, puid_prefix: str,
             progress: Progress | None) -> EnforceSummary:
    require(actor, "enforce")
    progress = progress or no_progress
    summary = EnforceSummary()
    with store.session() as s:
        q = sa.select(Case).where(Case.status == "confirmed").order_by(Case.id)
        if case_ids:
            q = sa.select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)
        cases = list(s.execute(q).scalars())
        missing = set(case_ids or ()) - {c.id for c in cases}
        if missing:
            raise NotFound(f"no case(s) {sorted(missing)}")
        for c in cases:
            if c.status != "confirmed":
                raise InvalidOperation(f"case {c.id} is {c.status}: only confirmed cases are enforced")
        work = []
        for c in cases:
            findings = list(s.execute(sa.select(CaseFinding).where(CaseFinding.case_id == c.id,
                                                                   CaseFinding.withdrawn.is_(False))).scalars())
            snaps = _snapshots(s, c.id)
            authors = {eid: snap.get("account_id") for (t, eid), snap in snaps.items() if t == "post"}
            types = {eid: snap.get("account_type") for (t, eid), snap in snaps.items() if t == "account"}
            decision = s.execute(sa.select(Decision).where(Decision.case_id == c.id, Decision.decision == "confirm")
                                 .order_by(Decision.id.desc()).limit(1)).scalar_one()
            for spec in plan(findings, authors, types):
                work.append((c, findings, snaps, decision, spec))
        summary.cases = len(cases)
        existing: dict[tuple[str, str, str], Action] = {}
        keys = sorted({(w[4].kind, w[4].target_id, w[4].detail) for w in work})
        for i in range(0, len(keys), 500):
            q = sa.select(Action).where(sa.tuple_(Action.kind, Action.target_id, Action.detail).in_(keys[i : i + 500]))
            existing.update({(a.kind, a.target_id, a.detail): a for a in s.execute(q).scalars()})
        new: list[tuple] = []
        now = utcnow()
        for c, findings, snaps, decision, spec in work:
            key = (spec.kind, spec.target_id, spec.detail)
            if key in existing:
                if existing[key].status == "active":
                    summary.already_applied += 1
                else:
                    summary.skipped_reversed += 1
                continue
            a = Action(case_id=c.id, kind=spec.kind, target_type=spec.target_type, target_id=spec.target_id,
                       detail=spec.detail, finding_kind=spec.finding_kind, status="active",
                       automated_detection=c.automated_detection, automated_decision=decision.automated,
                       actor=actor.name, at=now)
            existing[key] = a  # the same target in two cases gets one action
            new.append((a, c, findings, snaps, decision, spec))
        s.add_all([n[0] for n in new])
        s.flush()  # one batched INSERT; ids for the statements
        for done, (a, c, findings, snaps, decision, spec) in enumerate(new, 1):
            snap = snaps.get((spec.target_type, spec.target_id))
            rel = [f.first_seen for f in findings if f.kind == spec.finding_kind and f.first_seen]
            created = (snap or {}).get("created_at") if spec.target_type == "post" else None
            content_date = (_iso_date(created) if created else None) or (min(rel).date() if rel else None)
            puid = action_puid(puid_prefix, spec.kind, spec.target_id, spec.detail)
            body = build_statement(puid=puid, action_kind=spec.kind, detail=spec.detail, target_type=spec.target_type,
                                   finding_kind=spec.finding_kind, applied=now, content_date=content_date,
                                   snapshot=snap, facts=_facts(c, findings, spec, decision.reason),
                                   automated_detection=a.automated_detection,
                                   automated_decision=a.automated_decision)
            s.add(Statement(action_id=a.id, puid=puid, body=body))
            audit.record(s, actor, "action.applied", f"case:{c.id}",
                         {"action_id": a.id, "kind": spec.kind, "target": spec.target_id, "detail": spec.detail,
                          "automated_detection": a.automated_detection, "automated_decision": a.automated_decision})
            summary.applied += 1
            summary.statements += 1
            progress("enforce", done, len(new))
    return summary


def _iso_date(v):
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def reinstate(store, actor: Actor, reason: str, action_ids: list[int] | None = None,
              case_id: int | None = None) -> int:
    """Reverse actions on appeal (given actions, or every active action of a
    case).  Returns how many were reversed; reversing twice is a no-op."""
    require(actor, "appeal.reinstate")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidOperation("reinstating needs a reason of at least 10 characters")
    if not action_ids and case_id is None:
        raise InvalidOperation("name the action(s) or the case to reinstate")
    with store.session() as s:
        q = sa.select(Action)
        q = q.where(Action.id.in_(action_ids)) if action_ids else q.where(Action.case_id == case_id)
        actions = list(s.execute(q.order_by(Action.id)).scalars())
        if case_id is not None and not action_ids and s.get(Case, case_id) is None:
            raise NotFound(f"no case {case_id}")
        if action_ids and len(actions) != len(set(action_ids)):
            raise NotFound(f"no action(s) {sorted(set(action_ids) - {a.id for a in actions})}")
        n = 0
        now = utcnow()
        for a in actions:
            if a.status != "active":
                continue
            a.status, a.reversed_at, a.reversed_by, a.reversal_reason = "reversed", now, actor.name, reason
            s.flush()
            audit.record(s, actor, "action.reversed", f"case:{a.case_id}",
                         {"action_id": a.id, "kind": a.kind, "target": a.target_id, "detail": a.detail,
                          "appeal": True, "reason": reason})
            n += 1
    return n


def active_actions(store, kind: str | None = None) -> list[dict]:
    """Actions in force, for consumers such as recount and the real-time gate."""
    with store.reader() as s:
        q = sa.select(Action).where(Action.status == "active")
        if kind:
            q = q.where(Action.kind == kind)
        return [{"id": a.id, "case_id": a.case_id, "kind": a.kind, "target_type": a.target_type,
                 "target_id": a.target_id, "detail": a.detail} for a in s.execute(q.order_by(Action.id)).scalars()]


def stripped_engagements(store) -> set[str]:
    """``actor|action|target`` keys whose engagement must not be counted."""
    return {a["target_id"] for a in active_actions(store, "strip_engagement")}
