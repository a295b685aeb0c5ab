"""Election-information labels: posts about the election in any of its
languages get a label pointing to the electoral authority."""

from __future__ import annotations

import datetime as dt

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._lang import language_detector
from civicshield.detect.content._political import PoliticalMatcher

NAME = "election_content"

PARAMS = (
    Param("threshold", float, 0.6, "Summed term weight at which a post counts as about the election.", low=0.1, high=5.0),
    Param("detect_language", bool, True, "Detect the language with lingua where posts.language is empty and it matters."),
)


def posts_about_election(ctx, matcher: PoliticalMatcher, detect_language: bool, where: str = "TRUE"):
    """(post rows, assessments) for posts since the watch start matching
    ``where``; shared by the detectors that need "is this political"."""
    since = dt.datetime.combine(ctx.election.watch_from, dt.time())
    tbl = ctx.query(
        "SELECT post_id, account_id, created_at, text, hashtags, language FROM posts "
        f"WHERE created_at >= ? AND ({where}) ORDER BY post_id",
        [since],
    )
    cols = {name: tbl.column(name).to_pylist() for name in tbl.column_names}
    detector = language_detector(ctx.election.languages) if detect_language else None
    found = matcher.assess_many(cols["text"], cols["hashtags"], cols["language"], detect_language=detector)
    return cols, found


def run(ctx, params):
    election = ctx.election
    matcher = PoliticalMatcher(election, params["threshold"])
    cols, found = posts_about_election(ctx, matcher, params["detect_language"])
    label = {"label": "election_information", "label_url": election.authority_url, "authority": election.authority_name}
    for i, a in enumerate(found):
        if not matcher.is_political(a):
            continue
        yield Finding(
            kind="election_content",
            detector=NAME,
            score=a.score,
            post_ids=(cols["post_id"][i],),
            first_seen=cols["created_at"][i],
            last_seen=cols["created_at"][i],
            evidence={**label, "account_id": cols["account_id"][i], "matched_terms": a.evidence(), "refs": list(a.refs)},
        )


DETECTOR = Detector(
    name=NAME,
    summary="Posts about the election get the election-information label pointing to the authority.",
    kinds=("election_content",),
    requires=("posts",),
    params=PARAMS,
    run=run,
    limits="Keyword and name matching only: a post about the election that names nothing from election.toml is missed.",
)
