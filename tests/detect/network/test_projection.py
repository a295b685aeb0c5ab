"""The co-action projection SQL against its definition, computed naively in Python.

The projection screens pairs by their number of co-actions before it keeps
per-event detail; these tests check that the screen loses nothing.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict

import pyarrow as pa
import pytest

from civicshield.detect.network.projection import KEYS_VIEW, pair_events_sql

COLS = ("u", "v", "kind", "key", "ev", "dt", "t", "df", "active", "nu", "nv")


def naive(rows, window, event_seconds, cap, min_events, min_keys, max_df):
    """The definition (docs/coordination.md, steps 3-6), pair by pair."""
    users, cells, buckets = defaultdict(set), defaultdict(int), defaultdict(set)
    uses = defaultdict(int)
    for a, kind, key, ts in rows:
        users[kind, key].add(a)
        cells[kind, key, math.floor(ts / window)] += 1
        buckets[kind, key].add(math.floor(ts / event_seconds))
        uses[a, kind, key] += 1
    kept = [r for r in rows
            if cells[r[1], r[2], math.floor(r[3] / window)] <= cap and len(users[r[1], r[2]]) <= max_df]
    pe = {}
    for x, y in itertools.combinations(kept, 2):
        if x[0] == y[0] or x[1:3] != y[1:3] or abs(x[3] - y[3]) > window:
            continue
        u, v = sorted((x[0], y[0]))
        t = min(x[3], y[3])
        k = (u, v, x[1], x[2], math.floor(t / event_seconds))
        dt, first = pe.get(k, (math.inf, math.inf))
        pe[k] = (min(dt, abs(x[3] - y[3])), min(first, t))
    events, keys = defaultdict(set), defaultdict(set)
    for u, v, kind, key, ev in pe:
        events[u, v].add(ev)
        keys[u, v].add((kind, key))
    return {
        (*k, dt, t, len(users[k[2], k[3]]), len(buckets[k[2], k[3]]), uses[k[0], k[2], k[3]], uses[k[1], k[2], k[3]])
        for k, (dt, t) in pe.items()
        if len(events[k[0], k[1]]) >= min_events and len(keys[k[0], k[1]]) >= min_keys
    }


def _rows(seed: int) -> list[tuple[str, str, str, int]]:
    """Accounts that post on a few keys in clustered bursts, some of them
    repeatedly together, so that pairs straddle every threshold."""
    rng = random.Random(seed)
    rows = []
    for _ in range(400):
        burst = rng.randrange(12) * 1700  # bursts cross window and event boundaries
        rows.append((f"a{rng.randrange(14):02d}", rng.choice(["hashtag", "url"]), f"k{rng.randrange(8)}",
                     1_700_000_000 + burst + rng.randrange(150)))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("min_events", "min_keys", "cap", "max_df"), [(3, 2, 8, 12), (2, 2, 1000, 1000), (1, 1, 2, 14), (4, 1, 10, 13)])
def test_pair_events_equal_the_definition(make_workspace, seed, min_events, min_keys, cap, max_df):
    rows = _rows(seed)
    table = pa.table({
        "account_id": [r[0] for r in rows], "post_id": [str(i) for i in range(len(rows))],
        "kind": [r[1] for r in rows], "key": [r[2] for r in rows], "ts": pa.array([r[3] for r in rows], pa.int64()),
    })
    ws = make_workspace(accounts=[])
    with ws.events() as store:
        store.con.register(KEYS_VIEW, table)
        got = store.query(pair_events_sql(60, 600, cap, min_events, min_keys, max_df))
    got = set(zip(*(got.column(c).to_pylist() for c in COLS), strict=True))
    want = naive(rows, 60, 600, cap, min_events, min_keys, max_df)
    assert want, "the data must give some candidate pairs"
    assert got == want


def test_an_event_named_by_the_partners_earlier_post_counts(make_workspace):
    """``b`` posts in two clock hours only, but its co-actions fall in three
    events, because an event is the hour of the earlier of the two posts."""
    h = 1_700_000_000 - 1_700_000_000 % 3600
    rows = [
        ("a", "hashtag", "x", h + 3590), ("b", "hashtag", "x", h + 3610),  # event h (a's post is earlier)
        ("a", "hashtag", "y", h + 3700), ("b", "hashtag", "y", h + 3710),  # event h + 1
        ("a", "url", "z", h + 7190), ("b", "url", "z", h + 7195),  # event h + 1 again
        ("b", "url", "w", h + 3 * 3600 + 5), ("a", "url", "w", h + 3 * 3600 + 9),  # event h + 3
    ]
    table = pa.table({"account_id": [r[0] for r in rows], "post_id": [str(i) for i in range(len(rows))],
                      "kind": [r[1] for r in rows], "key": [r[2] for r in rows],
                      "ts": pa.array([r[3] for r in rows], pa.int64())})
    ws = make_workspace(accounts=[])
    with ws.events() as store:
        store.con.register(KEYS_VIEW, table)
        got = store.query(pair_events_sql(60, 3600, 500, 3, 2, 100)).to_pylist()
    assert len({r["ev"] for r in got}) == 3 and {(r["u"], r["v"]) for r in got} == {("a", "b")}
    assert got and naive(rows, 60, 3600, 500, 3, 2, 100) == {tuple(r[c] for c in COLS) for r in got}
