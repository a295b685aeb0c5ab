"""Political ads and political branded content.

Political content in a paid ad or in branded content (disclosed or not) is
prohibited; ads by politician, party and government accounts (GPPPA) are
prohibited whatever they say.  Commercial ads and commercial branded content
are fine.
"""

from __future__ import annotations

from civicshield.contract import GPPPA_TYPES
from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.detect.content._posts import posts_about_election

NAME = "political_ads"

PARAMS = (
    Param("threshold", float, 0.6, "Summed term weight at which content counts as political (as election_content).",
          low=0.1, high=5.0),
)


def run(ctx, params):
    matcher = PoliticalMatcher(ctx.election, params["threshold"])
    # Only paid or branded posts can break this policy; the filter keeps the
    # text work to a small share of all posts.
    cols, found = posts_about_election(ctx, matcher, where="coalesce(is_ad, FALSE) OR coalesce(branded_content, FALSE)")
    flags = ctx.query(
        "SELECT p.post_id, coalesce(p.is_ad, FALSE) AS is_ad, coalesce(p.branded_content, FALSE) AS branded, "
        "coalesce(a.account_type, 'personal') AS account_type FROM posts p LEFT JOIN accounts a "
        "ON a.account_id = p.account_id WHERE coalesce(p.is_ad, FALSE) OR coalesce(p.branded_content, FALSE)"
    )
    info = {
        pid: (ad, br, at)
        for pid, ad, br, at in zip(*(flags.column(c).to_pylist() for c in ("post_id", "is_ad", "branded", "account_type")),
                                   strict=True)
    }
    for i, a in enumerate(found):
        pid = cols["post_id"][i]
        is_ad, branded, account_type = info[pid]
        political = matcher.is_political(a)
        gpppa_ad = is_ad and account_type in GPPPA_TYPES
        if not (political or gpppa_ad):
            continue
        reasons = []
        if gpppa_ad:
            reasons.append(f"ad by a {account_type} account (GPPPA accounts may not advertise)")
        if political:
            reasons.append("political content in a paid ad" if is_ad else "political content in branded content")
        yield Finding(
            kind="political_ad",
            detector=NAME,
            score=1.0 if gpppa_ad else a.score,
            post_ids=(pid,),
            first_seen=cols["created_at"][i],
            last_seen=cols["created_at"][i],
            evidence={
                "account_id": cols["account_id"][i],
                "account_type": account_type,
                "is_ad": is_ad,
                "branded_content": branded,
                "reasons": reasons,
                "matched_terms": a.evidence(),
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Political content in ads or branded content, and any ad by a politician, party or government account.",
    kinds=("political_ad",),
    requires=("posts",),
    optional=("accounts",),
    params=PARAMS,
    run=run,
    limits="Political means 'matches election.toml terms' (see election_content); issue ads that name no "
    "candidate, party or keyword are missed.",
)
