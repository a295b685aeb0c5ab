"""Election-information labels: posts about the election, in any language,
get a label pointing to the electoral authority."""

from __future__ import annotations

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._lang import language_detector
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.detect.content._posts import LOOKBACK_DAYS, posts_about_election

NAME = "election_content"

PARAMS = (
    Param("threshold", float, 0.6, "Summed term weight at which a post counts as about the election.", low=0.1, high=5.0),
    Param("lookback_days", int, LOOKBACK_DAYS, "Also label posts made this many days before watch_from.",
          low=0, high=3650),
    Param("detect_language", bool, True,
          "Detect the label's language with lingua where posts.language is empty (else the election's first language)."),
)


def run(ctx, params):
    election = ctx.election
    matcher = PoliticalMatcher(election, params["threshold"])
    cols, found = posts_about_election(ctx, matcher, lookback_days=params["lookback_days"])
    hits = [i for i, a in enumerate(found) if matcher.is_political(a)]
    langs = {i: cols["language"][i] for i in hits}
    unknown = [i for i in hits if not langs[i]]
    if unknown and params["detect_language"]:
        # The label is shown in the post's language; lingua runs only on the
        # labelled posts that do not say theirs, in one parallel batch.
        detected = language_detector(election.languages)([cols["text"][i] or "" for i in unknown])
        langs.update(zip(unknown, detected, strict=True))
    default_lang = election.languages[0] if election.languages else "en"
    for i in hits:
        a = found[i]
        yield Finding(
            kind="election_content",
            detector=NAME,
            score=a.score,
            post_ids=(cols["post_id"][i],),
            first_seen=cols["created_at"][i],
            last_seen=cols["created_at"][i],
            evidence={
                "label": "election_information",
                "label_url": election.authority_url,
                "authority": election.authority_name,
                "label_language": langs[i] or default_lang,
                "account_id": cols["account_id"][i],
                "matched_terms": a.evidence(),
                "refs": list(a.refs),
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Posts about the election get the election-information label pointing to the authority.",
    kinds=("election_content",),
    requires=("posts",),
    params=PARAMS,
    run=run,
    limits="Term matching on election.toml only: a post about the election that names no candidate, party or "
    "keyword is missed; a given name (Faker's lists) next to a candidate's surname reads as a namesake.",
)
