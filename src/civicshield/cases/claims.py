"""The fact-check workflow: claims queue, partners' verdicts, claim matching.

1. ``intake_claims``: posts about the election that look like a claim about
   the vote (``detect.content._claims.claim_signals``) or that users reported
   as misinformation become claims.  A post repeating a known claim joins it;
   the rest are grouped by near-duplicate text (``network.neardup``), one
   claim per group, each with its case (queue ``factcheck-<language>``).
2. ``give_verdict``: the partner (role ``factchecker``) rates a claim with a
   source link.  The verdict is recorded (``factchecks`` table + audit), the
   claim's case is decided, every post of the event store repeating the claim
   joins it, and the policy's actions are applied to all of them
   (``claims_apply``).  The fact-check file the ``misinformation`` detector
   reads (``<workspace>/factchecks.jsonl``) is rewritten afterwards.
3. ``match_claims``: the same matching again for posts that arrived since
   (run after each ingest): new repeats get the existing verdict at once.
4. ``import_factchecks``: a partner's database of verdicts, in bulk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from civicshield.cases import audit
from civicshield.cases.claims_apply import ApplySummary, apply_actions, as_checked, aware, match_into, read_posts
from civicshield.cases.claims_models import Claim, ClaimPost, FactCheck
from civicshield.cases.errors import InvalidOperation, NotFound
from civicshield.cases.models import Case, Decision, utcnow
from civicshield.cases.roles import Actor, require
from civicshield.detect.content._claims import ClaimMatcher, claim_signals, voting_process
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.detect.network.neardup import near_duplicate_groups
from civicshield.errors import DataError
from civicshield.factchecks import FILE_NAME, check_translations, check_url, check_verdict, read_factchecks
from civicshield.factchecks import write_factchecks as _write
from civicshield.text import content_text

THRESHOLD = 0.5  # the misinformation detector's default: one matching definition
MAX_POSTS_SHOWN = 20


@dataclass(frozen=True)
class ClaimView:
    id: int
    key: str
    case_id: int
    text: str
    language: str
    status: str
    verdict: str | None
    source_url: str | None
    voting_process: bool | None
    posts: int
    post_ids: tuple[str, ...]  # the first few, for the partner to look at

    def to_dict(self) -> dict:
        return asdict(self)


def _view(s: Session, c: Claim) -> ClaimView:
    pids = list(s.execute(sa.select(ClaimPost.post_id).where(ClaimPost.claim_id == c.id)
                          .order_by(ClaimPost.id)).scalars())
    return ClaimView(c.id, c.key, c.case_id, c.text, c.language, c.status, c.verdict, c.source_url, c.voting_process,
                     len(pids), tuple(pids[:MAX_POSTS_SHOWN]))


def _new_claim(s: Session, actor: Actor, key: str | None, text: str, language: str, translations: dict) -> Claim:
    case = Case(status="open", queue=f"factcheck-{language}", kind="election_misinformation",
                kinds=["election_misinformation"], language=language, priority=0.0, reach=0, severity=0.85,
                proximity=0.0, automated_detection=True)
    s.add(case)
    s.flush()
    c = Claim(key=key or f"cl-{case.id}", case_id=case.id, text=text[:5000], language=language,
              translations=translations, status="pending")
    s.add(c)
    s.flush()
    audit.record(s, actor, "claim.created", f"case:{case.id}", {"claim": c.key, "language": language})
    return c


def intake_claims(store, workspace, actor: Actor) -> dict:
    """Queue the posts that look like claims or were reported as misinformation."""
    require(actor, "claims.intake")
    posts = read_posts(workspace)
    with workspace.events(read_only=True) as ev:
        election = ev.election()
        reported = {r[0]: r[1] for r in ev.rows(
            "SELECT target_id, min(created_at) FROM reports WHERE target_kind = 'post' "
            "AND lower(reason) LIKE '%misinfo%' GROUP BY target_id")} if ev.has("reports") else {}
        tags = dict(ev.rows("SELECT post_id, hashtags FROM posts")) if posts["post_id"] else {}
    political = PoliticalMatcher(election)
    # one vectorised pass keeps only posts that may name an election term (or
    # carry hashtags, which the text pass does not see) for the Python checks
    maybe = political.candidates(posts["text"]) if posts["post_id"] else []
    cands: list[tuple[int, str]] = []
    for i, (pid, text) in enumerate(zip(posts["post_id"], posts["text"], strict=True)):
        if not text or not (maybe[i] or tags.get(pid) or pid in reported):
            continue
        flagged = bool(claim_signals(text))
        if not (flagged or pid in reported):
            continue
        if political.is_political(political.assess_text(text, tags.get(pid))):
            cands.append((i, "flagged" if flagged else "reported"))
    summary = {"candidates": len(cands), "joined": 0, "new_claims": 0}
    with store.session() as s:
        taken = set(s.execute(sa.select(ClaimPost.post_id)).scalars())
        cands = [(i, via) for i, via in cands if posts["post_id"][i] not in taken]
        claims = list(s.execute(sa.select(Claim)).scalars())
        known = ClaimMatcher([as_checked(c) for c in claims], THRESHOLD).match_texts(
            [posts["text"][i] for i, _ in cands])
        by_key = {c.key: c for c in claims}
        rest = []
        for (i, via), m in zip(cands, known, strict=True):
            if m is None:
                rest.append((i, via))
                continue
            _add_post(s, actor, by_key[m.claim], posts, i, via, m.similarity)
            summary["joined"] += 1
        groups = near_duplicate_groups([content_text(posts["text"][i]) for i, _ in rest], THRESHOLD)
        clusters: dict[str, list[tuple[int, str]]] = {}
        for n, ((i, via), g) in enumerate(zip(rest, groups, strict=True)):
            clusters.setdefault(g or f"single-{n}", []).append((i, via))
        for members in clusters.values():
            texts = Counter(posts["text"][i] for i, _ in members)
            langs = Counter(posts["language"][i] or "und" for i, _ in members)
            c = _new_claim(s, actor, None, texts.most_common(1)[0][0], langs.most_common(1)[0][0][:8], {})
            for i, via in members:
                _add_post(s, actor, c, posts, i, via, 1.0)
            summary["new_claims"] += 1
    return summary


def _add_post(s: Session, actor: Actor, c: Claim, posts: dict, i: int, via: str, similarity: float) -> None:
    s.add(ClaimPost(claim_id=c.id, post_id=posts["post_id"][i], via=via, similarity=similarity,
                    post_created_at=aware(posts["created_at"][i])))
    audit.record(s, actor, "claim.post_added", f"case:{c.case_id}", {"claim": c.key, "post": posts["post_id"][i],
                                                                     "via": via})


def list_claims(store, actor: Actor, status: str | None = "pending", limit: int = 200) -> list[ClaimView]:
    require(actor, "claims.view")
    with store.reader() as s:
        q = sa.select(Claim).order_by(Claim.id).limit(max(1, min(limit, 1000)))
        if status:
            q = q.where(Claim.status == status)
        return [_view(s, c) for c in s.execute(q).scalars()]


def get_claim(store, actor: Actor, claim_id: int) -> ClaimView:
    require(actor, "claims.view")
    with store.reader() as s:
        c = s.get(Claim, claim_id)
        if c is None:
            raise NotFound(f"no claim {claim_id}")
        return _view(s, c)


def _record_verdict(s: Session, actor: Actor, c: Claim, verdict: str, url: str | None, translations: dict,
                    vp: bool | None) -> None:
    vp = voting_process(c.text) if vp is None else vp
    c.verdict, c.source_url, c.voting_process, c.status = verdict, url, vp, "checked"
    c.checked_at, c.checked_by = utcnow(), actor.name
    if translations:
        c.translations = {**(c.translations or {}), **translations}
    s.add(FactCheck(claim_id=c.id, verdict=verdict, source_url=url, voting_process=vp, actor=actor.name))
    case = s.get(Case, c.case_id)
    decision = "dismiss" if verdict == "true" else "confirm"
    case.status, case.updated_at = ("dismissed" if verdict == "true" else "confirmed"), utcnow()
    s.add(Decision(case_id=case.id, decision=decision, actor=actor.name, role=actor.role, automated=False,
                   reason=f"Fact-check verdict: {verdict} ({url or 'no source given'})"))
    s.flush()
    audit.record(s, actor, "claim.verdict", f"case:{case.id}",
                 {"claim": c.key, "verdict": verdict, "source_url": url, "voting_process": vp,
                  "translations": sorted(translations)})


def give_verdict(store, workspace, actor: Actor, claim_id: int, verdict: str, source_url: str,
                 translations: dict | None = None, voting_process_: bool | None = None) -> ApplySummary:
    """Rate one claim; its policy is applied to every post repeating it.
    Without a workspace (a case store on its own) only the claim's known
    posts are acted on."""
    require(actor, "claims.verdict")
    try:
        verdict, url, trans = check_verdict(verdict), check_url(source_url), check_translations(translations)
    except ValueError as e:
        raise InvalidOperation(str(e)) from None
    posts = read_posts(workspace) if workspace is not None else None
    with store.session() as s:
        c = s.get(Claim, claim_id)
        if c is None:
            raise NotFound(f"no claim {claim_id}")
        _record_verdict(s, actor, c, verdict, url, trans, voting_process_)
        out = _apply(s, actor, [c], posts)
    if workspace is not None:
        export_factchecks(store, workspace)
    return out


def _apply(s: Session, actor: Actor, claims: list[Claim], posts: dict | None) -> ApplySummary:
    checked = [c for c in claims if c.status == "checked" and c.verdict != "true"]
    n = match_into(s, actor, checked, posts, THRESHOLD) if posts else 0
    out = apply_actions(s, actor, [c for c in claims if c.status == "checked"],
                        posts or {"post_id": [], "media_path": [], "created_at": []})
    out.matched_posts = n
    return out


def match_claims(store, workspace, actor: Actor) -> ApplySummary:
    """Apply every checked claim to the posts that arrived since (proactive)."""
    require(actor, "claims.match")
    posts = read_posts(workspace)
    with store.session() as s:
        claims = list(s.execute(sa.select(Claim).where(Claim.status == "checked").order_by(Claim.id)).scalars())
        return _apply(s, actor, claims, posts)


def import_factchecks(store, workspace, actor: Actor, path) -> ApplySummary:
    """A partner's verdicts in bulk (the fact-check file format); a claim id
    already in the store gets the new verdict.  All or nothing."""
    require(actor, "claims.import")
    records = read_factchecks(path)
    if not records:
        raise DataError(str(path), None, None, "no fact-checks in the file (missing or empty)")
    posts = read_posts(workspace)
    with store.session() as s:
        claims = []
        for r in records:
            c = s.execute(sa.select(Claim).where(Claim.key == r.claim)).scalar_one_or_none()
            if c is None:
                c = _new_claim(s, actor, r.claim, r.text, r.language, r.translations)
            _record_verdict(s, actor, c, r.verdict, r.source_url, r.translations, r.voting_process)
            claims.append(c)
        out = _apply(s, actor, claims, posts)
    export_factchecks(store, workspace)
    return out


def export_factchecks(store, workspace) -> int:
    """Rewrite ``<workspace>/factchecks.jsonl`` from the checked claims."""
    with store.reader() as s:
        claims = [as_checked(c) for c in s.execute(sa.select(Claim).where(Claim.status == "checked")).scalars()]
    return _write(workspace.path / FILE_NAME, claims)


def post_verdicts(store) -> dict[str, tuple[str, str]]:
    """post id -> (verdict, via) for every post of a checked claim."""
    with store.reader() as s:
        q = sa.select(ClaimPost.post_id, Claim.verdict, ClaimPost.via).join(Claim, Claim.id == ClaimPost.claim_id)
        return {p: (v, via) for p, v, via in s.execute(q.where(Claim.status == "checked"))}
