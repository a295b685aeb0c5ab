"""Lockstep engagement: farms that like, follow or share the same targets
within seconds of each other, again and again (SynchroTrap / CopyCatch).

Set-based part (portable SQL): one row per (actor, action, target) at its
first time; a self-join on (action, target, time bucket) against the same and
the next bucket, kept when the two actions are within ``window_seconds``.
Joining the next bucket is what makes the windows overlap: a burst that
straddles a bucket edge is still matched whole (fixed buckets cut bursts in
two, which ANCHORS.md measured at recall 0.13).  Cells hotter than
``max_cell`` events (a viral moment) are left out of the pair join, because
they cost n² and a moment that happens once cannot repeat across targets
anyway.  Pairs keep when they matched on at least ``min_matched`` distinct
targets and their SynchroTrap similarity (matched / union of their targets)
reaches ``min_similarity``.

Single-machine part: connected components of the kept pairs with igraph.
One finding per farm (``network_id``), listing the farm accounts and every
engagement row they made: platforms remove all engagement of a fake
account, camouflage likes included.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

import pyarrow as pa

from civicshield.contract import engagement_key
from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.engagement._common import bucket, components, epoch, network_id
from civicshield.detect.engagement._explain import owner_shares, tie_shares

NAME = "lockstep_engagement"

PARAMS = (
    Param("window_seconds", int, 90, "two actions on one target count as lockstep when this close in time", 1, 86400),
    Param("min_matched", int, 5, "distinct targets a pair of accounts must have hit in lockstep", 2, 10_000),
    Param("min_similarity", float, 0.2, "matched targets / all targets of the pair (SynchroTrap Jaccard)", 0.0, 1.0),
    Param("min_accounts", int, 4, "smallest farm reported", 2, 100_000),
    Param("max_owner_share", float, 0.8,
          "a group whose targets mostly belong to one owner needs shared kit (devices, non-NAT prefixes) to count", 0.0, 1.0),
    Param("nat_devices", int, 20, "an IP prefix with at least this many distinct devices is a NAT, not shared kit", 2,
          10_000_000),
    Param("max_cell", int, 100, "skip (target, bucket) cells with more events than this in the pair join", 10, 1_000_000),
)


def pair_sql(p) -> str:
    w = p["window_seconds"]
    return f"""
WITH ev AS (
    SELECT actor_id, action, target_id, MIN({epoch('created_at')}) AS t
    FROM engagements
    GROUP BY actor_id, action, target_id
),
evb AS (
    SELECT actor_id, action, target_id, t, {bucket('t', w)} AS b FROM ev
),
cell AS (
    SELECT action, target_id, b FROM evb GROUP BY action, target_id, b HAVING COUNT(*) <= {int(p['max_cell'])}
),
in_cells AS (
    SELECT e.actor_id, e.action, e.target_id, e.t, e.b
    FROM evb e JOIN cell c ON e.action = c.action AND e.target_id = c.target_id AND e.b = c.b
),
busy AS (
    -- an account with fewer usable actions than min_matched cannot reach it
    SELECT actor_id FROM in_cells GROUP BY actor_id HAVING COUNT(*) >= {int(p['min_matched'])}
),
ok AS (
    SELECT i.actor_id, i.action, i.target_id, i.t, i.b, i.b + 1 AS b_next
    FROM in_cells i JOIN busy u ON u.actor_id = i.actor_id
),
pairs AS (
    SELECT x.actor_id AS a1, y.actor_id AS a2
    FROM ok x JOIN ok y ON x.action = y.action AND x.target_id = y.target_id AND x.b = y.b
    WHERE x.actor_id < y.actor_id AND ABS(x.t - y.t) <= {w}
    UNION ALL
    SELECT LEAST(x.actor_id, y.actor_id) AS a1, GREATEST(x.actor_id, y.actor_id) AS a2
    FROM ok x JOIN ok y ON x.action = y.action AND x.target_id = y.target_id AND x.b_next = y.b
    WHERE x.actor_id <> y.actor_id AND y.t - x.t <= {w}
),
matched AS (
    SELECT a1, a2, COUNT(*) AS m FROM pairs GROUP BY a1, a2 HAVING COUNT(*) >= {int(p['min_matched'])}
),
deg AS (
    SELECT actor_id, COUNT(*) AS n FROM ev GROUP BY actor_id
)
SELECT mt.a1, mt.a2, mt.m, d1.n AS n1, d2.n AS n2
FROM matched mt
JOIN deg d1 ON d1.actor_id = mt.a1
JOIN deg d2 ON d2.actor_id = mt.a2
WHERE mt.m >= {float(p['min_similarity'])} * (d1.n + d2.n - mt.m)
"""


def rows_sql() -> str:
    # The farm's accounts arrive as a registered relation in DuckDB; keeping
    # the lookup an equi-join keeps it portable to a Spark temp view too.
    return """
SELECT e.actor_id, e.action, e.target_id, MIN(e.created_at) AS first_at, MAX(e.created_at) AS last_at
FROM engagements e JOIN _farm_accounts f ON e.actor_id = f.account_id
GROUP BY e.actor_id, e.action, e.target_id
"""


def run(ctx, p) -> list[Finding]:
    pairs = ctx.query(pair_sql(p)).to_pylist()
    if not pairs:
        return []
    groups = components(((r["a1"], r["a2"]) for r in pairs), p["min_accounts"])
    if not groups:
        return []
    group_of = {a: i for i, g in enumerate(groups) for a in g}
    sims: dict[int, list[float]] = defaultdict(list)
    matched: dict[int, list[int]] = defaultdict(list)
    for r in pairs:
        gi = group_of.get(r["a1"])
        if gi is not None:
            sims[gi].append(r["m"] / (r["n1"] + r["n2"] - r["m"]))
            matched[gi].append(r["m"])
    with ctx.views(_farm_accounts=pa.table({"account_id": sorted(group_of)})):
        rows = ctx.query(rows_sql()).to_pylist()
    by_group: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_group[group_of[r["actor_id"]]].append(r)
    # A fan club with notifications on likes its candidate's posts within a
    # minute or two of each other: lockstep on one owner's posts, from the
    # fans' own phones, is not a farm (see _explain).
    cores = []
    for gi, members in enumerate(groups):
        hits = Counter(f"{r['action']}|{r['target_id']}" for r in by_group[gi])
        cores.append({t for t, n in hits.items() if n >= max(2, 0.3 * len(members))})
    owners = owner_shares(ctx, cores)
    ties = tie_shares(ctx, [set(g) for g in groups], p["nat_devices"])
    findings = []
    for gi, members in enumerate(groups):
        if owners[gi] >= p["max_owner_share"] and ties[gi] < 0.5:
            continue
        eng = by_group[gi]
        targets = {(r["action"], r["target_id"]) for r in eng}
        actions = sorted({r["action"] for r in eng})
        findings.append(
            Finding(
                kind="fake_engagement",
                detector=NAME,
                score=round(min(1.0, statistics.fmean(sims[gi])), 4),
                account_ids=tuple(members),
                engagements=tuple(sorted(engagement_key(r["actor_id"], r["action"], r["target_id"]) for r in eng)),
                network_id=network_id("farm", members),
                first_seen=min(r["first_at"] for r in eng),
                last_seen=max(r["last_at"] for r in eng),
                evidence={
                    "accounts": len(members),
                    "lockstep_pairs": len(sims[gi]),
                    "median_targets_per_pair": statistics.median(matched[gi]),
                    "mean_similarity": round(statistics.fmean(sims[gi]), 4),
                    "engagement_rows": len(eng),
                    "distinct_targets": len(targets),
                    "actions": actions,
                    "largest_owner_share": round(owners[gi], 3),
                    "shared_kit_share": round(ties[gi], 3),
                    "window_seconds": p["window_seconds"],
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="Farms that engage the same targets in lockstep, again and again (SynchroTrap-style, overlapping windows).",
    kinds=("fake_engagement",),
    requires=("engagements",),
    params=PARAMS,
    run=run,
    limits="A farm that spreads each job over more than window_seconds, or hits every target only once, is not found; "
    "viral cells above max_cell are left out of the pair join.",
)
