"""Election misinformation: posts that repeat a claim fact-checkers already
rated, matched across spellings, languages and re-uploads of the same card."""

from __future__ import annotations

from pathlib import Path

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._claims import ClaimMatcher, voting_process
from civicshield.factchecks import FILE_NAME, actions_for, read_factchecks

NAME = "misinformation"
# Only verdicts that call for an action make a finding: "true" is no
# misinformation, and the finding kind means "rated false or misleading".
FLAGGED = ("false", "misleading", "missing_context", "unverifiable")

PARAMS = (
    Param("threshold", float, 0.5, "Word-set Jaccard similarity at which a post repeats a claim (text or translation).",
          low=0.2, high=1.0),
    Param("factchecks", str, "", "Fact-check file to read; empty means factchecks.jsonl in the workspace "
          "(written by the case store after each verdict)."),
)


def _source(ctx, params) -> Path | None:
    if params["factchecks"]:
        return Path(params["factchecks"])
    # The workspace's file; an engine without a workspace folder (Spark) needs the parameter.
    path = getattr(ctx.store, "path", None)
    return Path(path).parent / FILE_NAME if path else None


def run(ctx, params):
    source = _source(ctx, params)
    claims = [c for c in read_factchecks(source) if c.verdict in FLAGGED] if source else []
    if not claims:
        return
    matcher = ClaimMatcher(claims, params["threshold"])
    cols = ctx.query("SELECT post_id, account_id, created_at, text, media_path FROM posts "
                     "ORDER BY post_id").to_pydict()
    found = matcher.match_posts(cols["text"], cols["media_path"])
    process = {c.claim: c.voting_process if c.voting_process is not None else voting_process(c.text) for c in claims}
    for i, m in enumerate(found):
        if m is None:
            continue
        c = matcher.claims[m.claim]
        yield Finding(
            kind="election_misinformation",
            detector=NAME,
            score=1.0 if m.via == "media" else m.similarity,
            post_ids=(cols["post_id"][i],),
            first_seen=cols["created_at"][i],
            last_seen=cols["created_at"][i],
            evidence={
                "operation": c.claim,
                "claim": c.claim,
                "verdict": c.verdict,
                "voting_process": process[c.claim],
                "actions": [f"{k}:{d}" if d else k for k, d in actions_for(c.verdict, process[c.claim])],
                "matched_text": m.matched_text[:300],
                "similarity": m.similarity,
                "via": m.via,
                "source_url": c.source_url,
                "account_id": cols["account_id"][i],
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Posts repeating a claim fact-checkers rated (near-duplicate text in any supplied language, or the "
    "claim's re-uploaded card) get the verdict's action.",
    kinds=("election_misinformation",),
    requires=("posts",),
    params=PARAMS,
    run=run,
    limits="Matches only claims already checked (the fact-check file); a paraphrase sharing under half its words "
    "with the claim, or a language the partner gave no translation for, is missed unless it re-uses the "
    "claim's card.  Media identity is the media_path, not the image content.",
)
