"""Sleeper activation: accounts silent for a long time that switch on
together in the weeks before the vote and go political (EU files on the
2024 Romanian election; Elmas et al. 2023).

Set-based part (portable SQL): every account's activity (creation, posts,
comments, engagements, logins, whichever tables exist) in time order; with
``LAG`` the gap before each action; an activation is the first action in
[first round - ``lead_days``, last round] that follows a silence of at least
``min_dormant_days``.  Single-machine part: how political the account is
after it switches on (own posts and comments, and the posts it likes or
shares), then cohorts: political activations chained while less than
``cohort_hours`` apart, kept from ``min_cohort`` accounts.

An ordinary returning user comes back alone, or talks about other things:
neither makes a cohort.  One finding per cohort (``network_id``).
"""

from __future__ import annotations

import datetime as dt
import statistics

import pyarrow as pa

from civicshield.detect.base import Detector, Finding, Param

# One definition of "political" for every family (owned by the content
# detectors): a sleeper is judged by the same rule as election labels.
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.detect.engagement._common import epoch, network_id

NAME = "sleeper_activation"

PARAMS = (
    Param("min_dormant_days", int, 365, "silence before the activation, in days", 1, 36500),
    Param("lead_days", int, 60, "activations this many days before the first round (or later) count", 1, 3650),
    Param("min_political_share", float, 0.5, "share of the account's items after activation that are about the election",
          0.0, 1.0),
    Param("cohort_hours", int, 72, "activations closer than this chain into one cohort", 1, 8760),
    Param("min_cohort", int, 5, "smallest cohort reported", 2, 100_000),
)

_ACTIVITY = {
    "posts": "SELECT account_id, created_at AS t FROM posts",
    "comments": "SELECT account_id, created_at AS t FROM comments",
    "engagements": "SELECT actor_id AS account_id, created_at AS t FROM engagements",
    "logins": "SELECT account_id, created_at AS t FROM logins",
}


def activation_sql(ctx, p) -> str:
    parts = ["SELECT account_id, created_at AS t FROM accounts"]
    parts += [sql for table, sql in _ACTIVITY.items() if ctx.has(table)]
    first = ctx.election.first_round
    start = dt.datetime.combine(first - dt.timedelta(days=p["lead_days"]), dt.time())
    end = dt.datetime.combine(ctx.election.last_round, dt.time()) + dt.timedelta(days=1)
    return f"""
WITH act AS ({" UNION ALL ".join(parts)}),
seq AS (
    SELECT account_id, t, LAG(t) OVER (PARTITION BY account_id ORDER BY t) AS prev FROM act
),
woke AS (
    SELECT account_id, t, prev FROM seq
    WHERE prev IS NOT NULL
      AND {epoch('t')} - {epoch('prev')} >= {int(p['min_dormant_days']) * 86400}
      AND t >= TIMESTAMP '{start.isoformat(sep=' ')}' AND t < TIMESTAMP '{end.isoformat(sep=' ')}'
),
firstwake AS (SELECT account_id, MIN(t) AS activated_at FROM woke GROUP BY account_id)
SELECT w.account_id, w.t AS activated_at, w.prev AS silent_since
FROM woke w JOIN firstwake f ON f.account_id = w.account_id AND f.activated_at = w.t
"""


def _political_shares(ctx, woke: dict[str, dict], end: dt.datetime) -> dict[str, float]:
    """Share of each woken account's items after activation that are political."""
    matcher = PoliticalMatcher(ctx.election)
    ctx.con.register("_woke", pa.table({
        "account_id": list(woke), "activated_at": [w["activated_at"] for w in woke.values()],
    }))
    counts = {a: [0, 0] for a in woke}
    try:
        rows = []
        if ctx.has("posts"):
            rows += ctx.query(
                "SELECT p.account_id, p.text, p.hashtags FROM posts p JOIN _woke w ON p.account_id = w.account_id "
                "WHERE p.created_at >= w.activated_at AND p.created_at < ?", [end]).to_pylist()
        if ctx.has("comments"):
            rows += ctx.query(
                "SELECT c.account_id, c.text, NULL AS hashtags FROM comments c JOIN _woke w ON c.account_id = w.account_id "
                "WHERE c.created_at >= w.activated_at AND c.created_at < ?", [end]).to_pylist()
        if ctx.has("engagements") and ctx.has("posts"):
            rows += ctx.query(
                "SELECT e.actor_id AS account_id, p.text, p.hashtags FROM engagements e "
                "JOIN _woke w ON e.actor_id = w.account_id JOIN posts p ON p.post_id = e.target_id "
                "WHERE e.action <> 'follow' AND e.created_at >= w.activated_at AND e.created_at < ?", [end]).to_pylist()
    finally:
        ctx.con.unregister("_woke")
    for r in rows:
        c = counts[r["account_id"]]
        c[1] += 1
        c[0] += matcher.is_political(matcher.assess_text(r["text"], r["hashtags"]))
    return {a: (c[0] / c[1] if c[1] else 0.0) for a, c in counts.items()}


def run(ctx, p) -> list[Finding]:
    woke = {r["account_id"]: r for r in ctx.query(activation_sql(ctx, p)).to_pylist()}
    if not woke:
        return []
    end = dt.datetime.combine(ctx.election.last_round, dt.time()) + dt.timedelta(days=1)
    share = _political_shares(ctx, woke, end)
    political = sorted((w["activated_at"], a) for a, w in woke.items() if share[a] >= p["min_political_share"])
    cohorts, current = [], []
    gap = dt.timedelta(hours=p["cohort_hours"])
    for t, a in political:
        if current and t - current[-1][0] > gap:
            cohorts.append(current)
            current = []
        current.append((t, a))
    if current:
        cohorts.append(current)
    findings = []
    for c in cohorts:
        if len(c) < p["min_cohort"]:
            continue
        members = sorted(a for _, a in c)
        dormant = [(woke[a]["activated_at"] - woke[a]["silent_since"]).days for a in members]
        shares = [share[a] for a in members]
        findings.append(
            Finding(
                kind="sleeper_activation",
                detector=NAME,
                score=round(statistics.fmean(shares), 4),
                account_ids=tuple(members),
                network_id=network_id("sleeper", members),
                first_seen=c[0][0],
                last_seen=c[-1][0],
                evidence={
                    "accounts": len(members),
                    "median_dormant_days": statistics.median(dormant),
                    "min_dormant_days": min(dormant),
                    "activation_span_hours": round((c[-1][0] - c[0][0]).total_seconds() / 3600, 1),
                    "mean_political_share": round(statistics.fmean(shares), 3),
                    "days_before_first_round": (ctx.election.first_round - c[0][0].date()).days,
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="Long-dormant accounts that switch on together shortly before the vote and go political.",
    kinds=("sleeper_activation",),
    requires=("accounts",),
    optional=("posts", "comments", "engagements", "logins"),
    params=PARAMS,
    run=run,
    limits="A sleeper that wakes alone, or keeps up a trickle of activity during its dormancy, is not found; "
    "political means naming the election's candidates, parties or keywords.",
)
