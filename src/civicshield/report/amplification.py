"""Amplification audit: of what the recommender showed (``impressions``),
how much came from flagged networks and from paid promotion, per candidate,
per surface and per week.

"Flagged" means the author is under an active ban for an inauthentic-account
finding; "paid" means the post is an ad or was removed as undisclosed paid
promotion.  Both come from the case store, so the audit shows what the
platform itself acted on, not what a detector merely suspected.
"""

from __future__ import annotations

import re
from collections import defaultdict

from civicshield.election import Election
from civicshield.report.figures import FAKE_ACCOUNT_KINDS
from civicshield.report.period import Period
from civicshield.text import fold

ALL = "(all posts)"


def candidate_patterns(election: Election) -> list[tuple[str, re.Pattern]]:
    """One pattern per candidate over folded text, and hashtags without spaces."""
    out = []
    for c in election.candidates:
        names = sorted({fold(n) for n in (c.name, *c.aliases) if n.strip()}, key=len, reverse=True)
        forms = names + sorted({n.replace(" ", "") for n in names if " " in n})
        out.append((c.name, re.compile(r"\b(" + "|".join(re.escape(n) for n in forms) + r")\b")))
    return out


def mentions(patterns: list[tuple[str, re.Pattern]], text: str | None, hashtags) -> list[str]:
    hay = fold(text) + " " + " ".join(fold(h) for h in hashtags or ())
    return [name for name, pat in patterns if pat.search(hay)]


def flagged_accounts(actions: list[dict]) -> set[str]:
    return {a["target_id"] for a in actions if a["kind"] == "ban_account" and a["finding_kind"] in FAKE_ACCOUNT_KINDS}


def paid_posts(actions: list[dict]) -> set[str]:
    return {a["target_id"] for a in actions
            if a["kind"] == "remove_post" and a["finding_kind"] == "undisclosed_paid_promotion"}


def amplification(events, election: Election, all_actions: list[dict], period: Period,
                  country: str | None = None) -> list[dict] | None:
    """Rows ``candidate, surface, week, impressions, from_flagged, paid``;
    ``None`` when the dataset has no impressions (not measured)."""
    if not events.has("impressions"):
        return None
    lo, hi = period.naive_bounds
    where = "i.created_at >= ? AND i.created_at < ?" + (" AND i.viewer_country = ?" if country else "")
    per_post = events.rows(
        f"""SELECT i.post_id, i.surface, CAST(date_trunc('week', i.created_at) AS DATE) AS week, count(*) AS n,
                   any_value(p.account_id), any_value(p.text), any_value(p.hashtags), any_value(coalesce(p.is_ad, false))
            FROM impressions i JOIN posts p ON p.post_id = i.post_id
            WHERE {where} GROUP BY i.post_id, i.surface, week""",
        [lo, hi, *([country] if country else [])],
    )
    flagged, paid = flagged_accounts(all_actions), paid_posts(all_actions)
    patterns = candidate_patterns(election)
    about: dict[str, list[str]] = {}
    cells: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for post_id, surface, week, n, author, text, tags, is_ad in per_post:
        if post_id not in about:
            about[post_id] = mentions(patterns, text, tags)
        for who in (ALL, *about[post_id]):
            c = cells[(who, surface, week.isoformat())]
            c[0] += n
            c[1] += n if author in flagged else 0
            c[2] += n if (is_ad or post_id in paid) else 0
    return [{"candidate": who, "surface": s, "week": w, "impressions": c[0], "from_flagged": c[1], "paid": c[2]}
            for (who, s, w), c in sorted(cells.items())]


def totals(rows: list[dict]) -> list[dict]:
    """The weekly rows summed per candidate and surface, with shares."""
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        c = acc[(r["candidate"], r["surface"])]
        c[0] += r["impressions"]
        c[1] += r["from_flagged"]
        c[2] += r["paid"]
    return [{"candidate": who, "surface": s, "impressions": c[0], "from_flagged": c[1], "paid": c[2],
             "flagged_share": c[1] / c[0] if c[0] else 0.0, "paid_share": c[2] / c[0] if c[0] else 0.0}
            for (who, s), c in sorted(acc.items(), key=lambda kv: (kv[0][0] != ALL, kv[0]))]
