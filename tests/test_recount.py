from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.detect import detect
from civicshield.errors import WorkspaceError
from civicshield.recount import recount

sys.path.insert(0, str(Path(__file__).parent / "detect" / "engagement"))
from engagement_plant import T0, engagement_world, like  # noqa: E402


@pytest.fixture
def world_ws(make_workspace):
    world = engagement_world()
    # a farm account liking the same post twice: both rows go
    world["tables"]["engagements"].append(like("f0", "p399", T0 + dt.timedelta(days=30)))
    world["tables"]["engagements"].append(like("f0", "p399", T0 + dt.timedelta(days=31)))
    ws = make_workspace(**world["tables"])
    detect(ws, only=["lockstep_engagement"])
    return ws, world


def test_recount_removes_exactly_the_farm_rows(world_ws):
    ws, world = world_ws
    rows = world["tables"]["engagements"]
    farm = world["farm"] | world["follow_farm"]
    res = recount(ws)
    for action in ("like", "follow"):
        before = sum(1 for r in rows if r["action"] == action)
        removed = sum(1 for r in rows if r["action"] == action and r["actor_id"] in farm)
        t = res.total(action)
        assert (t.before, t.removed, t.after) == (before, removed, before - removed)
    expected = Counter((r["target_id"], r["action"]) for r in rows if r["actor_id"] in farm)
    assert {(t.target_id, t.action): t.removed for t in res.targets} == dict(expected)
    assert res.targets[0].removed == max(expected.values())
    assert res.total("follow").count_name == "followers"
    assert res.fake_keys == len(world["fake_keys"] | {"f0|like|p399"})


def test_recount_without_findings_removes_nothing(make_workspace):
    ws = make_workspace(**engagement_world()["tables"])
    res = recount(ws)
    assert res.targets == () and all(t.removed == 0 and t.before > 0 for t in res.totals)


def test_recount_needs_engagements(make_workspace):
    with pytest.raises(WorkspaceError, match="no engagements"):
        recount(make_workspace(accounts=[]))


def test_cli_recount_writes_csv(world_ws, tmp_path):
    ws, _ = world_ws
    out = tmp_path / "recount.csv"
    r = CliRunner().invoke(app, ["recount", "--workspace", str(ws.path), "--csv", str(out), "--top", "3"])
    assert r.exit_code == 0, r.output
    with out.open() as fh:
        got = {(row["target_id"], row["action"]): int(row["removed"]) for row in csv.DictReader(fh)}
    assert got == {(t.target_id, t.action): t.removed for t in recount(ws).targets}
    assert "followers" in r.output


def test_cli_recount_missing_workspace_exits_2(tmp_path):
    r = CliRunner().invoke(app, ["recount", "--workspace", str(tmp_path / "nope")])
    assert r.exit_code == 2
