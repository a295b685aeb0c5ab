from __future__ import annotations

import datetime as dt

import pytest
from engagement_plant import T0, engagement_world, like

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement.lockstep import DETECTOR
from civicshield.errors import ParameterError


def _run(ws, **params):
    with ws.events() as store:
        return run_detector(DETECTOR, DetectionContext(store=store, election=store.election()), params)


def test_finds_farms_and_leaves_viral_moment_and_fan_club(make_workspace):
    world = engagement_world()
    res = _run(make_workspace(**world["tables"]))
    flagged = {a for f in res.findings for a in f.account_ids}
    assert world["farm"] <= flagged
    assert world["follow_farm"] <= flagged
    assert not flagged & (world["fans"] | world["viral"])
    # every engagement row of the farms (camouflage too), and nothing else
    keys = {k for f in res.findings for k in f.engagements}
    assert keys == world["fake_keys"]
    # the two farms are separate networks
    nets = {f.network_id: set(f.account_ids) for f in res.findings}
    assert len(nets) == 2
    assert world["farm"] in nets.values() and world["follow_farm"] in nets.values()
    assert all(f.kind == "fake_engagement" for f in res.findings)


def test_burst_across_a_bucket_edge_is_matched(make_workspace):
    # every job starts 5 s before a 90 s bucket edge: fixed buckets would cut
    # each burst in two; the overlapping join must still see the lockstep
    edge = dt.datetime(2024, 10, 1, 0, 0, 0)
    farm = [f"f{i}" for i in range(5)]
    eng = []
    for j in range(8):
        start = edge + dt.timedelta(seconds=90 * 100 * (j + 1) - 5)
        for i, f in enumerate(farm):
            eng.append(like(f, f"p{j}", start + dt.timedelta(seconds=2 * i)))
    res = _run(make_workspace(accounts=[], engagements=eng))
    assert [set(f.account_ids) for f in res.findings] == [set(farm)]


def test_slow_lockstep_outside_window_is_not_found(make_workspace):
    farm = [f"f{i}" for i in range(5)]
    eng = [like(f, f"p{j}", T0 + dt.timedelta(hours=j, minutes=10 * i)) for j in range(10) for i, f in enumerate(farm)]
    ws = make_workspace(accounts=[], engagements=eng)
    assert _run(ws).findings == ()
    assert len(_run(ws, window_seconds=3600).findings) == 1


def test_deterministic_and_params_checked(make_workspace):
    ws = make_workspace(**engagement_world(seed=3)["tables"])
    a, b = _run(ws), _run(ws)
    assert [f.to_row() for f in a.findings] == [f.to_row() for f in b.findings]
    with pytest.raises(ParameterError, match="min_similarity"):
        _run(ws, min_similarity=1.5)


def test_skipped_without_engagements(make_workspace):
    res = _run(make_workspace(accounts=[]))
    assert res.skipped and "engagements" in res.skipped


def _notification_club(shared_device: bool) -> dict:
    # eight fans with notifications on like each of their candidate's 20 posts
    # within a minute of each other
    fans = [f"n{i}" for i in range(8)]
    eng = []
    for j in range(20):
        posted = T0 + dt.timedelta(hours=12 * j)
        for i, a in enumerate(fans):
            eng.append(like(a, f"idol{j}", posted + dt.timedelta(seconds=20 + 5 * i),
                            device_id="one-phone" if shared_device else f"phone-{a}", ip_prefix=f"86.1.{i}"))
    posts = [{"post_id": f"idol{j}", "account_id": "candidate", "created_at": T0 + dt.timedelta(hours=12 * j)}
             for j in range(20)]
    return {"accounts": [], "posts": posts, "engagements": eng}


def test_notification_fan_club_is_not_a_farm_unless_it_shares_kit(make_workspace):
    assert _run(make_workspace(**_notification_club(shared_device=False))).findings == ()
    res = _run(make_workspace(**_notification_club(shared_device=True)))
    assert [len(f.account_ids) for f in res.findings] == [8]
    assert res.findings[0].evidence["largest_owner_share"] == 1.0
