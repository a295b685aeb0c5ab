"""Foreign state media: posts by state-affiliated accounts registered outside
the election's country that reach its audience.

They get the state-affiliated media label and lose For You eligibility for
audiences outside the state's own country.  "Reach" is measured where the
data allows: impressions to viewers in the election country; without
impressions for a post, a post written in one of the election's languages
counts as aimed at its audience.  Domestic public broadcasters are not
flagged, nor is foreign state media that nobody in the country sees.
"""

from __future__ import annotations

from civicshield.detect.base import Detector, Finding, Param

NAME = "state_media"

PARAMS = (
    Param("min_impressions", int, 1, "Impressions to viewers in the election country that count as reaching it.",
          low=1, high=1_000_000),
    Param("language_targeting", bool, True,
          "Count a post in one of the election's languages as aimed at its audience when impressions are absent."),
)


def run(ctx, params):
    country = ctx.election.country
    has_imp = ctx.has("impressions")
    imp = (
        "LEFT JOIN (SELECT post_id, count(*) AS n, sum(CASE WHEN surface = 'for_you' THEN 1 ELSE 0 END) AS fy "
        "FROM impressions WHERE viewer_country = ? GROUP BY post_id) i ON i.post_id = p.post_id"
        if has_imp
        else ""
    )
    cols_imp = "coalesce(i.n, 0) AS n, coalesce(i.fy, 0) AS fy" if has_imp else "0 AS n, 0 AS fy"
    sql = (
        f"SELECT p.post_id, p.account_id, p.created_at, p.language, a.registration_country, a.handle, {cols_imp} "
        f"FROM posts p JOIN accounts a ON a.account_id = p.account_id {imp} "
        "WHERE a.account_type = 'state_media' AND a.registration_country IS NOT NULL "
        "AND upper(a.registration_country) <> ? ORDER BY p.post_id"
    )
    tbl = ctx.query(sql, [country, country] if has_imp else [country])
    languages = {lang.lower() for lang in ctx.election.languages}
    for r in tbl.to_pylist():
        seen = r["n"] >= params["min_impressions"]
        aimed = params["language_targeting"] and r["n"] == 0 and (r["language"] or "").lower() in languages
        if not (seen or aimed):
            continue
        home = r["registration_country"].upper()
        yield Finding(
            kind="state_media_foreign",
            detector=NAME,
            score=1.0 if seen else 0.7,
            post_ids=(r["post_id"],),
            first_seen=r["created_at"],
            last_seen=r["created_at"],
            evidence={
                "account_id": r["account_id"],
                "handle": r["handle"],
                "registration_country": home,
                "election_country": country,
                "impressions_in_country": int(r["n"]),
                "for_you_impressions_in_country": int(r["fy"]),
                "reach": "impressions" if seen else f"written in {r['language']}, a language of the election",
                "label": "state_affiliated_media",
                "for_you": f"not eligible for viewers outside {home}",
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Posts by foreign state-affiliated media reaching the election country: label, no For You abroad.",
    kinds=("state_media_foreign",),
    requires=("posts",),
    optional=("impressions",),
    params=PARAMS,
    run=run,
    limits="Needs account_type 'state_media' and registration_country; state media not registered as such is "
    "missed, and an account without a registration country is never called foreign.",
)
