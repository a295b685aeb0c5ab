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
equi-joins, CONCAT, LN.
"""

from __future__ import annotations

KEYS_VIEW = "cs_coaction_keys"
PAIR_EVENTS_VIEW = "cs_pair_events"


def pair_events_sql(window: int, event_seconds: int, cap: int, min_events: int, min_keys: int, max_df: int) -> str:
    """Pair events of candidate pairs: ``u < v``, one row per (u, v, kind, key, ev).

    ``ev`` is the event: the ``event_seconds`` bucket of the earlier post.
    ``dt`` is the smallest gap seen in that event; ``nu``/``nv`` how often
    each account used the key at all; ``df`` how many accounts used it and
    ``active`` in how many event buckets, for IDF and the null model.  Keys
    used by more than ``max_df`` accounts are ignored: everybody uses them,
    so a shared use says nothing, and they are what makes the join expensive.
    Accounts active in fewer than ``min_events`` event buckets or on fewer
    than ``min_keys`` keys cannot reach the thresholds with anyone and are
    left out of the join (exact: no pair that could pass is lost).
    """
    w, e = int(window), int(event_seconds)
    return f"""
WITH k AS (
  SELECT account_id, kind, key, ts, CAST(FLOOR(ts / {w}) AS BIGINT) AS b
  FROM {KEYS_VIEW}
),
cells AS (
  SELECT kind, key, b, COUNT(*) AS n FROM k GROUP BY kind, key, b
),
ks AS (
  SELECT kind, key, COUNT(DISTINCT account_id) AS df, COUNT(DISTINCT CAST(FLOOR(ts / {e}) AS BIGINT)) AS active
  FROM k GROUP BY kind, key
),
act AS (
  SELECT account_id FROM k GROUP BY account_id
  HAVING COUNT(DISTINCT CAST(FLOOR(ts / {e}) AS BIGINT)) >= {int(min_events)}
     AND COUNT(DISTINCT CONCAT(kind, ':', key)) >= {int(min_keys)}
),
kk AS (
  SELECT k.account_id, k.kind, k.key, k.ts, k.b
  FROM k
  JOIN act ON k.account_id = act.account_id
  JOIN cells c ON k.kind = c.kind AND k.key = c.key AND k.b = c.b
  JOIN ks ON k.kind = ks.kind AND k.key = ks.key
  WHERE c.n <= {int(cap)} AND ks.df <= {int(max_df)}
),
pairs AS (
  SELECT x.account_id AS u, y.account_id AS v, x.kind AS kind, x.key AS key, x.ts AS tu, y.ts AS tv
  FROM kk x JOIN kk y ON x.kind = y.kind AND x.key = y.key AND x.b = y.b
  WHERE x.account_id < y.account_id AND ABS(x.ts - y.ts) <= {w}
  UNION ALL
  SELECT LEAST(x.account_id, y.account_id) AS u, GREATEST(x.account_id, y.account_id) AS v, x.kind AS kind,
         x.key AS key,
         CASE WHEN x.account_id < y.account_id THEN x.ts ELSE y.ts END AS tu,
         CASE WHEN x.account_id < y.account_id THEN y.ts ELSE x.ts END AS tv
  FROM kk x JOIN kk y ON x.kind = y.kind AND x.key = y.key AND x.b + 1 = y.b
  WHERE x.account_id <> y.account_id AND y.ts - x.ts <= {w}
),
pe AS (
  SELECT u, v, kind, key, CAST(FLOOR(LEAST(tu, tv) / {e}) AS BIGINT) AS ev,
         MIN(ABS(tu - tv)) AS dt, MIN(LEAST(tu, tv)) AS t
  FROM pairs
  GROUP BY u, v, kind, key, CAST(FLOOR(LEAST(tu, tv) / {e}) AS BIGINT)
),
cand AS (
  SELECT u, v FROM pe GROUP BY u, v
  HAVING COUNT(DISTINCT ev) >= {int(min_events)} AND COUNT(DISTINCT CONCAT(kind, ':', key)) >= {int(min_keys)}
),
ak AS (
  SELECT account_id, kind, key, COUNT(*) AS n FROM k GROUP BY account_id, kind, key
)
SELECT pe.u, pe.v, pe.kind, pe.key, pe.ev, pe.dt, pe.t, ks.df, ks.active, au.n AS nu, av.n AS nv
FROM pe
JOIN cand ON pe.u = cand.u AND pe.v = cand.v
JOIN ks ON pe.kind = ks.kind AND pe.key = ks.key
JOIN ak au ON au.account_id = pe.u AND au.kind = pe.kind AND au.key = pe.key
JOIN ak av ON av.account_id = pe.v AND av.kind = pe.kind AND av.key = pe.key
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
