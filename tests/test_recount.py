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


def _review_farms(ws, confirm_accounts: set[str]) -> None:
    """Confirm and enforce the fake-engagement cases about ``confirm_accounts``,
    dismiss every other case."""
    from civicshield.cases import Actor, open_case_store, review
    from civicshield.cases.enforce import enforce
    from civicshield.cases.intake import intake

    with ws.events(read_only=True) as ev:
        accounts_of = {r["finding_id"]: set(r["account_ids"]) for r in ev.findings().to_pylist()}
    store = open_case_store(ws)
    try:
        intake(store, ws, Actor("ana", "analyst"))
        lead = Actor("lena", "lead")
        for c in review.list_cases(store, lead, limit=1000):
            accounts = {a for f in review.get_case(store, lead, c.id).findings for a in accounts_of[f["finding_id"]]}
            review.assign(store, lead, c.id)
            verdict = "confirm" if accounts & confirm_accounts and "fake_engagement" in c.kinds else "dismiss"
            review.decide(store, lead, c.id, verdict, "Checked the evidence of this case.")
        enforce(store, lead)
    finally:
        store.close()


def test_recount_confirmed_removes_only_what_moderators_confirmed(world_ws):
    ws, world = world_ws
    rows = world["tables"]["engagements"]
    _review_farms(ws, confirm_accounts=world["farm"])
    res = recount(ws, confirmed=True)
    likes_removed = sum(1 for r in rows if r["action"] == "like" and r["actor_id"] in world["farm"])
    assert res.total("like").removed == likes_removed > 0
    # the follow farm's case was dismissed: its follows still count
    follows_by_follow_farm = sum(1 for r in rows if r["action"] == "follow" and r["actor_id"] in world["follow_farm"])
    assert follows_by_follow_farm > 0
    assert res.total("follow").removed == sum(
        1 for r in rows if r["action"] == "follow" and r["actor_id"] in world["farm"])
    # without --confirmed every finding counts, so the detection figure is larger
    assert recount(ws).total("follow").removed >= res.total("follow").removed + follows_by_follow_farm
    r = CliRunner().invoke(app, ["recount", "--workspace", str(ws.path), "--confirmed"])
    assert r.exit_code == 0 and "confirmed removals" in r.output, r.output


def test_recount_confirmed_needs_a_case_store(world_ws):
    ws, _ = world_ws
    with pytest.raises(WorkspaceError, match="no case store"):
        recount(ws, confirmed=True)
