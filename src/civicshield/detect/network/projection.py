"""The co-action projection in portable SQL.

Input: the key table of ``keys.py`` registered under ``KEYS_VIEW``.  Output:
for every account pair that co-acted on enough distinct events, one row per
(pair, key, event) with what the edge statistics and the null model need.

Why the join is shaped like this (docs/coordination.md, "Hot keys"):
a key-only self-join enumerates every pair of posts of a key, quadratic in
its popularity (a hashtag used a million times).  Posts are bucketed by
``window`` seconds and each bucket is joined with itself and with the next
one, then filtered to ``|t1 - t2| <= window``: cost depends on posts per
key per window, not per key.  Cells (key, bucket) with more than ``cap``
posts are dropped whole: they are viral bursts whose pairs say nothing
about coordination and would dominate the cost.

SQL stays within what DuckDB and Spark share (ANCHORS.md, "Engines"):
``CAST(FLOOR(x / n) AS BIGINT)``, LEAST/GREATEST, UNION ALL, CTEs,
equi-joins, LN.
"""

from __future__ import annotations

KEYS_VIEW = "cs_coaction_keys"
PAIR_EVENTS_VIEW = "cs_pair_events"


def _pairs(window: int, event_seconds: int, rows: str) -> str:
    """Every co-action of two posts in ``rows``: ``(u, v, kind, key, ev, dt, t)``
    with ``u < v``, ``ev`` the event (bucket of the earlier post), ``dt`` the
    gap and ``t`` the earlier post's time.  Posts in neighbouring buckets are
    ordered by bucket, so there ``x`` is the earlier post."""
    w, e = window, event_seconds
    return f"""
  SELECT x.account_id AS u, y.account_id AS v, x.kind AS kind, x.key AS key,
         CAST(FLOOR(LEAST(x.ts, y.ts) / {e}) AS BIGINT) AS ev, ABS(x.ts - y.ts) AS dt, LEAST(x.ts, y.ts) AS t
  FROM {rows} x JOIN {rows} y ON x.kind = y.kind AND x.key = y.key AND x.b = y.b
  WHERE x.account_id < y.account_id AND ABS(x.ts - y.ts) <= {w}
  UNION ALL
  SELECT LEAST(x.account_id, y.account_id) AS u, GREATEST(x.account_id, y.account_id) AS v, x.kind AS kind,
         x.key AS key, CAST(FLOOR(x.ts / {e}) AS BIGINT) AS ev, y.ts - x.ts AS dt, x.ts AS t
  FROM {rows} x JOIN {rows} y ON x.kind = y.kind AND x.key = y.key AND x.b + 1 = y.b
  WHERE x.account_id <> y.account_id AND y.ts - x.ts <= {w}"""


def pair_events_sql(window: int, event_seconds: int, cap: int, min_events: int, min_keys: int, max_df: int) -> str:
    """Pair events of candidate pairs: ``u < v``, one row per (u, v, kind, key, ev).

    ``ev`` is the event: the ``event_seconds`` bucket of the earlier post.
    ``dt`` is the smallest gap seen in that event; ``nu``/``nv`` how often
    each account used the key at all; ``df`` how many accounts used it and
    ``active`` in how many event buckets, for IDF and the null model.  Keys
    used by more than ``max_df`` accounts are ignored: everybody uses them,
    so a shared use says nothing, and they are what makes the join expensive.

    Two passes over the join, because nearly every pair co-acts only once
    (at 10M posts: 72M co-actions, 64M distinct pairs, 31k candidates).
    The first keeps only the pair and counts its co-actions: a pair with
    fewer than ``max(min_events, min_keys)`` co-actions cannot have that
    many distinct events or keys, so this cut is exact.  The second redoes
    the join over the accounts of the surviving pairs only, and keeps the
    per-event detail for those pairs.  Aggregating the full detail of every
    pair at once was four fifths of the detector's time.
    """
    w, e = int(window), int(event_seconds)
    need = max(int(min_events), int(min_keys))
    if need > 1:
        screen = f"""
cand0 AS (SELECT u, v FROM ({_pairs(w, e, "kk")}) p GROUP BY u, v HAVING COUNT(*) >= {need}),
cacc AS (
  SELECT account_id FROM (SELECT u AS account_id FROM cand0 UNION ALL SELECT v AS account_id FROM cand0) s
  GROUP BY account_id
),
kb AS (SELECT kk.account_id, kk.kind, kk.key, kk.ts, kk.b FROM kk JOIN cacc ON kk.account_id = cacc.account_id),"""
        pairs = f"SELECT p.* FROM ({_pairs(w, e, 'kb')}) p JOIN cand0 ON p.u = cand0.u AND p.v = cand0.v"
    else:
        screen, pairs = "", _pairs(w, e, "kk")
    # The key rows are read afresh by each step rather than through a CTE:
    # DuckDB would materialise a CTE used four times, which costs more than
    # scanning the registered table again.
    k = f"(SELECT account_id, kind, key, ts, CAST(FLOOR(ts / {w}) AS BIGINT) AS b FROM {KEYS_VIEW})"
    return f"""
WITH ak AS (
  SELECT account_id, kind, key, COUNT(*) AS n FROM {k} k GROUP BY account_id, kind, key
),
ks AS (
  SELECT kind, key, COUNT(*) AS df FROM ak GROUP BY kind, key
),
cells AS (
  SELECT kind, key, b, COUNT(*) AS n FROM {k} k GROUP BY kind, key, b
),
kk AS (
  SELECT k.account_id, k.kind, k.key, k.ts, k.b
  FROM {k} k
  JOIN cells c ON k.kind = c.kind AND k.key = c.key AND k.b = c.b
  JOIN ks ON k.kind = ks.kind AND k.key = ks.key
  WHERE c.n <= {int(cap)} AND ks.df <= {int(max_df)}
),{screen}
pe AS (
  SELECT u, v, kind, key, ev, MIN(dt) AS dt, MIN(t) AS t
  FROM ({pairs}) p
  GROUP BY u, v, kind, key, ev
),
pkeys AS (
  SELECT u, v FROM (SELECT u, v FROM pe GROUP BY u, v, kind, key) s GROUP BY u, v HAVING COUNT(*) >= {int(min_keys)}
),
pevents AS (
  SELECT u, v FROM (SELECT u, v FROM pe GROUP BY u, v, ev) s GROUP BY u, v HAVING COUNT(*) >= {int(min_events)}
),
pc AS (
  SELECT pe.u, pe.v, pe.kind, pe.key, pe.ev, pe.dt, pe.t
  FROM pe
  JOIN pkeys ON pe.u = pkeys.u AND pe.v = pkeys.v
  JOIN pevents ON pe.u = pevents.u AND pe.v = pevents.v
),
used AS (
  SELECT kind, key FROM pc GROUP BY kind, key
),
active AS (
  SELECT kind, key, COUNT(*) AS active FROM (
    SELECT k.kind, k.key, CAST(FLOOR(k.ts / {e}) AS BIGINT) AS ev
    FROM {k} k JOIN used ON k.kind = used.kind AND k.key = used.key
    GROUP BY k.kind, k.key, CAST(FLOOR(k.ts / {e}) AS BIGINT)
  ) s
  GROUP BY kind, key
)
SELECT pc.u, pc.v, pc.kind, pc.key, pc.ev, pc.dt, pc.t, ks.df, active.active, au.n AS nu, av.n AS nv
FROM pc
JOIN ks ON pc.kind = ks.kind AND pc.key = ks.key
JOIN active ON pc.kind = active.kind AND pc.key = active.key
JOIN ak au ON au.account_id = pc.u AND au.kind = pc.kind AND au.key = pc.key
JOIN ak av ON av.account_id = pc.v AND av.kind = pc.kind AND av.key = pc.key
"""


def edges_sql(window: int, event_seconds: int, sync_seconds: int, n_accounts: int) -> str:
    """Edge statistics per pair from the registered pair events.

    ``weight`` sums IDF (``ln(N / df)``) over the pair's (key, event) cells,
    so keys everybody uses add little.  ``expected`` is the null model: the
    co-actions two accounts would have by chance if each spread its uses of
    a key uniformly over the event buckets where that key was used at all
    (``nu * nv * 2 * window / (active * event_seconds)``).  Bursty keys have
    few active buckets and so a high expectation: a crowd reacting to one
    moment is expected to coincide.
    """
    n = max(int(n_accounts), 2)
    return f"""
WITH pk AS (
  SELECT u, v, kind, key,
    COUNT(*) AS cells,
    SUM(CASE WHEN dt <= {int(sync_seconds)} THEN 1 ELSE 0 END) AS sync_cells,
    SUM(CASE WHEN kind = 'text' OR kind = 'neardup' THEN 1 ELSE 0 END) AS text_cells,
    COUNT(*) * LN(CAST({n} AS DOUBLE) / MIN(df)) AS weight,
    MIN(CAST(nu AS DOUBLE) * nv * {2 * int(window)} / (active * CAST({int(event_seconds)} AS DOUBLE))) AS expected,
    MIN(t) AS first_t, MAX(t) AS last_t
  FROM {PAIR_EVENTS_VIEW}
  GROUP BY u, v, kind, key
),
pv AS (
  SELECT u, v, COUNT(DISTINCT ev) AS events FROM {PAIR_EVENTS_VIEW} GROUP BY u, v
)
SELECT pk.u, pk.v, MIN(pv.events) AS events, COUNT(*) AS keys, CAST(SUM(pk.cells) AS BIGINT) AS cells,
  CAST(SUM(pk.sync_cells) AS BIGINT) AS sync_cells, CAST(SUM(pk.text_cells) AS BIGINT) AS text_cells,
  SUM(pk.weight) AS weight,
  SUM(pk.expected) AS expected, MIN(pk.first_t) AS first_t, MAX(pk.last_t) AS last_t
FROM pk JOIN pv ON pk.u = pv.u AND pk.v = pv.v
GROUP BY pk.u, pk.v
"""
