"""Election misinformation actioned, per fact-check verdict: how much before
any user report and within 24 hours of posting, and how much was reached by
claim matching (a repeat of an already-checked claim) rather than flagged or
reported itself.

A post counts once, at its first ``election_misinformation`` action in force
in the period (removal, label or demotion).  Its verdict is the one of the
claim it belongs to in the case store (``cases.claims.post_verdicts``);
posts actioned through ordinary cases without a claim are ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from civicshield.factchecks import VERDICTS

KIND = "election_misinformation"
MATCHED = ("matched", "media")


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t


def misinformation(events, actions: list[dict], verdicts: dict[str, tuple[str, str]]) -> list[dict]:
    """One row per verdict (in ``VERDICTS`` order, then ``unknown``) and a total."""
    first: dict[str, dt.datetime] = {}
    for a in actions:
        if a["finding_kind"] == KIND and a["target_type"] == "post":
            t = _naive(a["at"])
            if a["target_id"] not in first or t < first[a["target_id"]]:
                first[a["target_id"]] = t
    posts = sorted(first)
    created = dict(events.rows("SELECT post_id, created_at FROM posts WHERE post_id IN (SELECT UNNEST(?::VARCHAR[]))",
                               [posts])) if posts else {}
    reported: dict[str, dt.datetime] = {}
    if posts and events.has("reports"):
        reported = dict(events.rows("SELECT target_id, min(created_at) FROM reports WHERE target_kind = 'post' "
                                    "AND target_id IN (SELECT UNNEST(?::VARCHAR[])) GROUP BY target_id", [posts]))
    groups: dict[str, list[str]] = defaultdict(list)
    for p in posts:
        groups[verdicts.get(p, ("unknown", ""))[0] or "unknown"].append(p)
    order = [v for v in (*VERDICTS, "unknown") if v in groups]
    return [_row(v, groups[v], first, created, reported, verdicts) for v in order] + (
        [_row("all", posts, first, created, reported, verdicts)] if posts else [])


def _row(verdict: str, posts: list[str], first: dict, created: dict, reported: dict, verdicts: dict) -> dict:
    n = len(posts)
    proactive = sum(1 for p in posts if p not in reported or reported[p] > first[p])
    fast = sum(1 for p in posts if p in created and first[p] - created[p] <= dt.timedelta(hours=24))
    matched = sum(1 for p in posts if verdicts.get(p, ("", ""))[1] in MATCHED)
    return {"verdict": verdict, "posts": n, "proactive": proactive, "proactive_rate": proactive / n,
            "within_24h": fast, "within_24h_rate": fast / n, "matched": matched, "matched_rate": matched / n}
