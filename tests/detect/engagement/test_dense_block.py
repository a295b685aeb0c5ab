from __future__ import annotations

import datetime as dt
import random

import numpy as np
from engagement_plant import T0, engagement_world, like

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement import dense_block, lockstep
from civicshield.detect.engagement._fraudar import column_weights, peel


def _run(det, ws, **params):
    with ws.events() as store:
        return run_detector(det, DetectionContext(store=store, election=store.election()), params)


def test_peel_finds_the_planted_biclique_despite_camouflage():
    rng = np.random.default_rng(3)
    n_rows, n_cols = 400, 300
    r = list(rng.integers(0, n_rows, 3000))
    c = list(rng.integers(0, n_cols, 3000))
    block_rows, block_cols = range(380, 400), range(280, 300)
    for i in block_rows:
        for j in block_cols:
            r.append(i)
            c.append(j)
        for j in range(5):  # camouflage: the block's rows also hit the most popular columns
            r.append(i)
            c.append(j)
    key = np.unique(np.array(r) * n_cols + np.array(c))
    rows, cols = key // n_cols, key % n_cols
    rmask, cmask, density = peel(n_rows, n_cols, rows, cols, column_weights(cols, n_cols))
    assert set(np.flatnonzero(rmask)) == set(block_rows)
    # the camouflaged popular columns may join the block: only rows are accounts
    assert set(block_cols) <= set(np.flatnonzero(cmask)) <= set(block_cols) | set(range(5))
    assert density > 0


def test_peel_on_no_edges_returns_empty_block():
    rmask, cmask, density = peel(3, 3, np.array([], np.int64), np.array([], np.int64), np.array([], np.float64))
    assert not rmask.any() and not cmask.any() and density == 0.0


def test_finds_farms_and_leaves_viral_moment_and_fan_club(make_workspace):
    world = engagement_world()
    res = _run(dense_block.DETECTOR, make_workspace(**world["tables"]))
    got = {frozenset(f.account_ids) for f in res.findings}
    assert got == {frozenset(world["farm"]), frozenset(world["follow_farm"])}
    assert {k for f in res.findings for k in f.engagements} == world["fake_keys"]


def test_slow_camouflaged_farm_is_found_where_lockstep_misses_it(make_workspace):
    rng = random.Random(9)
    world = engagement_world()
    eng = world["tables"]["engagements"]
    slow = [f"z{i}" for i in range(10)]
    # each job is spread over 25 minutes (no two accounts within 90 s on
    # most jobs), and every account hides among the viral moment's likers
    for j in range(12):
        target = f"p{100 + 20 * j}"
        start = T0 + dt.timedelta(days=j, hours=3)
        for k, z in enumerate(slow):
            eng.append(like(z, target, start + dt.timedelta(seconds=150 * k + rng.randint(0, 20))))
    for z in slow:
        eng.append(like(z, "p7", T0 + dt.timedelta(hours=7, seconds=rng.randint(0, 3600))))
    ws = make_workspace(**world["tables"])
    dense = {frozenset(f.account_ids) for f in _run(dense_block.DETECTOR, ws).findings}
    lock = {a for f in _run(lockstep.DETECTOR, ws).findings for a in f.account_ids}
    assert frozenset(slow) in dense
    assert not set(slow) & lock
    flagged = set().union(*dense)
    assert not flagged & (world["fans"] | world["viral"])


def test_hyperactive_organic_account_riding_along_is_left_out(make_workspace):
    world = engagement_world()
    eng = world["tables"]["engagements"]
    # likes everything, the farm's orders included, at the same moments
    farm_rows = [e for e in eng if e["actor_id"] == "f0"]
    eng += [like("heavy", e["target_id"], e["created_at"]) for e in farm_rows]
    eng += [like("heavy", f"p{i}", T0 + dt.timedelta(hours=i, minutes=5)) for i in range(400)]
    res = _run(dense_block.DETECTOR, make_workspace(**world["tables"]))
    flagged = {a for f in res.findings for a in f.account_ids}
    assert world["farm"] <= flagged
    assert "heavy" not in flagged
    assert not any(k.startswith("heavy|") for f in res.findings for k in f.engagements)
