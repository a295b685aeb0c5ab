"""Sleeper activation: accounts silent for a long time that switch on
together in the weeks before the vote and go political (EU files on the
2024 Romanian election; Elmas et al. 2023).

Set-based part (portable SQL): every account's activity (creation, posts,
comments, engagements, logins, whichever tables exist) in time order; with
``LAG`` the gap before each action; an activation is the first action in
[first round - ``lead_days``, last round] that follows a silence of at least
``min_dormant_days``.  Single-machine part: how political the account is
after it switches on (own posts and comments, and the posts it likes or
shares; follows of official candidate and party accounts), then cohorts:
bursts of at least ``min_cohort`` political activations within
``cohort_hours``, keeping the members that share an IP prefix or device
with another member after waking (one operator's infrastructure).

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
    Param("min_political_share", float, 0.3, "share of the account's items after activation that are about the election",
          0.0, 1.0),
    Param("cohort_hours", int, 48, "a cohort has min_cohort activations within this many hours", 1, 8760),
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
    """Share of each woken account's own voice after activation (posts and
    comments) that is political.  An account that never speaks is judged by
    what it likes, shares and follows instead: likes alone are a weak voice,
    since every active account also likes whatever the feed shows it."""
    matcher = PoliticalMatcher(ctx.election)
    official = {a for c in ctx.election.candidates for a in c.official_account_ids}
    official |= {a for pt in ctx.election.parties for a in pt.official_account_ids}
    own: dict[str, list[int]] = {a: [0, 0] for a in woke}
    eng: dict[str, list[int]] = {a: [0, 0] for a in woke}
    woke_table = pa.table({"account_id": list(woke), "activated_at": [w["activated_at"] for w in woke.values()]})
    with ctx.views(_woke=woke_table):
        rows = []
        if ctx.has("posts"):
            rows += ctx.query(
                "SELECT p.account_id, p.text, p.hashtags FROM posts p JOIN _woke w ON p.account_id = w.account_id "
                "WHERE p.created_at >= w.activated_at AND p.created_at < ?", [end]).to_pylist()
        if ctx.has("comments"):
            rows += ctx.query(
                "SELECT c.account_id, c.text, NULL AS hashtags FROM comments c JOIN _woke w ON c.account_id = w.account_id "
                "WHERE c.created_at >= w.activated_at AND c.created_at < ?", [end]).to_pylist()
        erows = []
        if ctx.has("engagements"):
            join = "LEFT JOIN posts p ON p.post_id = e.target_id" if ctx.has("posts") else ""
            cols = "p.text, p.hashtags" if ctx.has("posts") else "NULL AS text, NULL AS hashtags"
            erows = ctx.query(
                f"SELECT e.actor_id AS account_id, e.action, e.target_id, {cols} FROM engagements e "
                f"JOIN _woke w ON e.actor_id = w.account_id {join} "
                "WHERE e.created_at >= w.activated_at AND e.created_at < ?", [end]).to_pylist()
    for r in rows:
        c = own[r["account_id"]]
        c[1] += 1
        c[0] += matcher.is_political(matcher.assess_text(r["text"], r["hashtags"]))
    for r in erows:
        c = eng[r["account_id"]]
        if r["action"] == "follow":
            c[1] += 1
            c[0] += r["target_id"] in official
        elif r["text"] is not None or r["hashtags"] is not None:
            c[1] += 1
            c[0] += matcher.is_political(matcher.assess_text(r["text"], r["hashtags"]))
    out = {}
    for a in woke:
        c = own[a] if own[a][1] else eng[a]
        out[a] = c[0] / c[1] if c[1] else 0.0
    return out


def _bursts(political: list[tuple[dt.datetime, str]], hours: int, min_cohort: int) -> list[list[tuple]]:
    """Maximal runs of activations in which every ``hours``-long window that
    starts at an activation and holds ``min_cohort`` of them overlaps the next:
    a burst, not a chain of stragglers a day apart each."""
    span = dt.timedelta(hours=hours)
    dense: list[tuple[int, int]] = []
    j = 0
    for i in range(len(political)):
        j = max(j, i)
        while j + 1 < len(political) and political[j + 1][0] - political[i][0] <= span:
            j += 1
        if j - i + 1 >= min_cohort:
            if dense and i <= dense[-1][1]:
                dense[-1] = (dense[-1][0], j)
            else:
                dense.append((i, j))
    return [political[i:j + 1] for i, j in dense]


def _tied_groups(ctx, members: list[str], since: dict[str, dt.datetime]) -> list[set[str]]:
    """Members that share an IP prefix or device (logins after waking) with
    another member: one operator's infrastructure.  An operator spreads a
    cohort over a few prefixes, so the tied members stay one group (two
    operations waking the same days stay merged).  A dataset without a
    logins table leaves the burst one group; members with no login of their
    own in a dataset that has them are untied."""
    if not ctx.has("logins"):
        return [set(members)]
    with ctx.views(_cohort=pa.table({"account_id": members, "since": [since[a] for a in members]})):
        rows = ctx.query(
            "SELECT DISTINCT l.account_id, l.ip_prefix, l.device_id FROM logins l JOIN _cohort c ON c.account_id = l.account_id "
            "WHERE l.created_at >= c.since").to_pylist()
    holders: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        for kind in ("ip_prefix", "device_id"):
            if r[kind]:
                holders.setdefault((kind, r[kind]), []).append(r["account_id"])
    return [{a for g in holders.values() if len(set(g)) > 1 for a in g}]


def run(ctx, p) -> list[Finding]:
    woke = {r["account_id"]: r for r in ctx.query(activation_sql(ctx, p)).to_pylist()}
    if not woke:
        return []
    end = dt.datetime.combine(ctx.election.last_round, dt.time()) + dt.timedelta(days=1)
    share = _political_shares(ctx, woke, end)
    political = sorted((w["activated_at"], a) for a, w in woke.items() if share[a] >= p["min_political_share"])
    findings = []
    groups = []
    for burst in _bursts(political, p["cohort_hours"], p["min_cohort"]):
        since = {a: t for t, a in burst}
        for tied in _tied_groups(ctx, sorted(since), since):
            c = [(t, a) for t, a in burst if a in tied]
            if len(c) >= p["min_cohort"]:
                groups.append((burst, c))
    for burst, c in groups:
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
                    "burst_activations": len(burst),
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
    needs_real=("accounts.created_at",),
    params=PARAMS,
    run=run,
    limits="A sleeper that wakes alone, or keeps up a trickle of activity during its dormancy, is not found; "
    "political means naming the election's candidates, parties or keywords.",
)
