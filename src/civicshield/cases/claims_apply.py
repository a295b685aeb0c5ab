"""Apply checked claims to every post that repeats them.

The apply path of claim matching: the posts of the event store go through
the same ``ClaimMatcher`` the ``misinformation`` detector uses; a post not
yet tied to a claim joins the claim it repeats (``via`` ``matched`` or
``media``), and every post of a checked claim gets the actions the policy
gives its verdict (``civicshield.factchecks.POLICY``), each with its
statement of reasons and an audit entry, inside the caller's transaction.
An action reversed on appeal is not re-applied; a revised verdict reverses
the claim's actions the new verdict no longer calls for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from civicshield.cases import audit
from civicshield.cases.claims_models import Claim, ClaimPost
from civicshield.cases.enforce import action_puid
from civicshield.cases.models import Action, Statement, utcnow
from civicshield.cases.roles import Actor
from civicshield.cases.sor import build_statement
from civicshield.detect.content._claims import ClaimMatcher
from civicshield.factchecks import CheckedClaim, actions_for

KIND = "election_misinformation"
REVISED = "verdict revised to"


@dataclass
class ApplySummary:
    claims: int = 0
    matched_posts: int = 0
    applied: int = 0
    already_applied: int = 0
    skipped_reversed: int = 0
    reversed: int = 0


def as_checked(c: Claim) -> CheckedClaim:
    return CheckedClaim(c.key, c.verdict or "unverifiable", c.text, c.language, dict(c.translations or {}),
                        c.source_url, c.voting_process)


def read_posts(workspace) -> dict[str, list]:
    """Columns of every post (what matching and statements need)."""
    with workspace.events(read_only=True) as ev:
        if not ev.has("posts"):
            return {"post_id": [], "created_at": [], "text": [], "media_path": [], "language": []}
        return ev.query("SELECT post_id, created_at, text, media_path, language FROM posts ORDER BY post_id").to_pydict()


def aware(t):
    if t is None:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def match_into(s: Session, actor: Actor, claims: list[Claim], posts: dict[str, list], threshold: float) -> int:
    """Tie posts that repeat one of ``claims`` (and belong to no claim yet) to it."""
    if not claims or not posts["post_id"]:
        return 0
    matcher = ClaimMatcher([as_checked(c) for c in claims], threshold)
    found = matcher.match_posts(posts["text"], posts["media_path"])
    hits = [(i, m) for i, m in enumerate(found) if m is not None]
    taken = set()
    ids = [posts["post_id"][i] for i, _ in hits]
    for lo in range(0, len(ids), 500):
        taken.update(s.execute(sa.select(ClaimPost.post_id).where(ClaimPost.post_id.in_(ids[lo:lo + 500]))).scalars())
    by_key = {c.key: c for c in claims}
    added: dict[str, list[str]] = {}
    for i, m in hits:
        pid = posts["post_id"][i]
        if pid in taken:
            continue
        s.add(ClaimPost(claim_id=by_key[m.claim].id, post_id=pid, via="media" if m.via == "media" else "matched",
                        similarity=m.similarity, post_created_at=aware(posts["created_at"][i])))
        added.setdefault(m.claim, []).append(pid)
    s.flush()
    for key, pids in sorted(added.items()):
        audit.record(s, actor, "claim.matched", f"case:{by_key[key].case_id}",
                     {"claim": key, "posts": len(pids), "post_ids": pids[:1000], "truncated": len(pids) > 1000})
    return sum(len(p) for p in added.values())


def apply_actions(s: Session, actor: Actor, claims: list[Claim], posts: dict[str, list]) -> ApplySummary:
    """Every post of each checked claim gets its verdict's actions."""
    out = ApplySummary(claims=len(claims))
    rows = {p: i for i, p in enumerate(posts["post_id"])}
    now = utcnow()
    for c in claims:
        if c.status != "checked" or c.verdict is None:
            continue
        vp = bool(c.voting_process)
        wanted = actions_for(c.verdict, vp)
        members = list(s.execute(sa.select(ClaimPost).where(ClaimPost.claim_id == c.id).order_by(ClaimPost.id)).scalars())
        existing = {(a.kind, a.target_id, a.detail): a for a in s.execute(
            sa.select(Action).where(Action.case_id == c.case_id)).scalars()}
        # the same post may already carry an action from another case (enforce of a detector finding)
        pids = [m.post_id for m in members]
        for lo in range(0, len(pids), 500):
            q = sa.select(Action).where(Action.target_type == "post", Action.target_id.in_(pids[lo:lo + 500]))
            for a in s.execute(q).scalars():
                existing.setdefault((a.kind, a.target_id, a.detail), a)
        keep = {(k, m.post_id, d) for m in members for k, d in wanted}
        for key, a in sorted(existing.items()):
            if a.case_id == c.case_id and a.status == "active" and key not in keep:
                a.status, a.reversed_at, a.reversed_by = "reversed", now, actor.name
                a.reversal_reason = f"{REVISED} {c.verdict}"
                s.flush()
                audit.record(s, actor, "action.reversed", f"case:{c.case_id}",
                             {"action_id": a.id, "kind": a.kind, "target": a.target_id, "detail": a.detail,
                              "reason": a.reversal_reason})
                out.reversed += 1
        for m in members:
            for kind, detail in wanted:
                key = (kind, m.post_id, detail)
                prior = existing.get(key)
                if prior is not None and prior.status != "active" and prior.case_id == c.case_id \
                        and (prior.reversal_reason or "").startswith(REVISED):
                    # withdrawn by an earlier revision, called for again: back in force (an appeal's reversal is not)
                    prior.status, prior.reversed_at, prior.reversed_by, prior.reversal_reason = "active", None, None, None
                    prior.at = now
                    s.flush()
                    audit.record(s, actor, "action.applied", f"case:{c.case_id}",
                                 {"action_id": prior.id, "kind": kind, "target": m.post_id, "detail": detail,
                                  "claim": c.key, "verdict": c.verdict, "restored": True})
                    out.applied += 1
                    continue
                if prior is not None:
                    if prior.status == "active":
                        out.already_applied += 1
                    else:
                        out.skipped_reversed += 1
                    continue
                _apply(s, actor, c, m, kind, detail, posts, rows.get(m.post_id), now)
                out.applied += 1
    return out


def _apply(s: Session, actor: Actor, c: Claim, m: ClaimPost, kind: str, detail: str, posts: dict, row: int | None,
           now: dt.datetime) -> None:
    a = Action(case_id=c.case_id, kind=kind, target_type="post", target_id=m.post_id, detail=detail,
               finding_kind=KIND, status="active", automated_detection=m.via != "reported",
               automated_decision=True, actor=actor.name, at=now)
    s.add(a)
    s.flush()
    snap = {"media_path": posts["media_path"][row]} if row is not None else None
    created = m.post_created_at or (aware(posts["created_at"][row]) if row is not None else None)
    how = {"matched": f"repeats it (word similarity {m.similarity:.2f})", "media": "re-uploads its card",
           "flagged": "was flagged as the claim", "reported": "was reported by users as the claim"}[m.via]
    facts = (f"Claim {c.key} was rated {c.verdict.replace('_', ' ')} by a fact-checking partner"
             f"{f' ({c.source_url})' if c.source_url else ''}; this post {how}. Policy for this verdict"
             f"{' about the voting process' if c.voting_process else ''}: {kind}{f' ({detail})' if detail else ''}.")
    puid = action_puid("civicshield", kind, m.post_id, detail)
    body = build_statement(puid=puid, action_kind=kind, detail=detail, target_type="post", finding_kind=KIND,
                           applied=now, content_date=created.date() if created else None, snapshot=snap, facts=facts,
                           automated_detection=a.automated_detection, automated_decision=True)
    s.add(Statement(action_id=a.id, puid=puid, body=body))
    audit.record(s, actor, "action.applied", f"case:{c.case_id}",
                 {"action_id": a.id, "kind": kind, "target": m.post_id, "detail": detail, "claim": c.key,
                  "verdict": c.verdict, "via": m.via, "automated_detection": a.automated_detection,
                  "automated_decision": True})
