"""The production loop in a replay: batch detection every day of event time
over the events before it, its findings pushed into the gate.

The planted farm is a drip feed (each account on its own phone and home
line, each order trickling in over two hours): nothing the gate sees at
write time separates it from people, so only feedback can stop it.  A fan
club liking every post of its idol within minutes and ordinary users are the
look-alikes that must never be stopped.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import duckdb
import pytest

from civicshield.gate import Gate
from civicshield.gate.loop import FeedbackLoop, _snapshot
from civicshield.gate.replay import replay

from .test_replay import ELECTION, _iso, _write

DAY = 86400.0
DAYS = 21
T0 = dt.datetime(2024, 9, 2, tzinfo=dt.UTC).timestamp()
FARM = [f"drip-{i}" for i in range(8)]


def _dataset(root, seed=3):
    rnd = random.Random(seed)
    posts, engs = [], []

    def like(actor, target, t, dev, pfx):
        engs.append({"actor_id": actor, "action": "like", "target_id": target, "created_at": _iso(t),
                     "device_id": dev, "ip_prefix": pfx, "country": "RO"})

    for k in range(DAYS):  # one paid order a day, each for another client of the panel
        t_post = T0 + k * DAY + 3600
        posts.append({"post_id": f"paid-{k}", "account_id": f"client-{k}", "created_at": _iso(t_post)})
        for i, a in enumerate(FARM):
            if rnd.random() < 0.85:
                like(a, f"paid-{k}", t_post + 600 + rnd.uniform(0, 7200), f"phone-{a}", f"86.12{i}.{k % 3}")
        for p in range(3):  # the idol posts three times a day; the fan club likes each within minutes
            t_idol = T0 + k * DAY + 7200 * (p + 2)
            posts.append({"post_id": f"idol-{k}-{p}", "account_id": "idol", "created_at": _iso(t_idol)})
            for f in range(12):
                if rnd.random() < 0.9:
                    like(f"fan-{f}", f"idol-{k}-{p}", t_idol + rnd.uniform(10, 600), f"fan-dev-{f}", f"79.{f}.1")
    organic_posts = [f"post-{j}" for j in range(300)]
    for j, p in enumerate(organic_posts):
        posts.append({"post_id": p, "account_id": f"user-{j % 150}", "created_at": _iso(T0 + rnd.uniform(0, (DAYS - 1) * DAY))})
    when = {p["post_id"]: dt.datetime.fromisoformat(p["created_at"]).timestamp() for p in posts}
    for u in range(150):
        for _ in range(rnd.randrange(5, 30)):
            target = rnd.choice(organic_posts + [f"paid-{k}" for k in range(DAYS)])
            like(f"user-{u}", target, when[target] + rnd.uniform(60, 2 * DAY), f"udev-{u}", f"5.{u}.0")
    engs = [e for e in engs if e["created_at"] < _iso(T0 + (DAYS + 1) * DAY)]
    engs = list({(e["actor_id"], e["target_id"]): e for e in engs}.values())
    engs.sort(key=lambda e: e["created_at"])
    root.mkdir()
    (root / "election.toml").write_text(ELECTION)
    actors = sorted({e["actor_id"] for e in engs} | {p["account_id"] for p in posts})
    _write(root / "accounts.csv", [{"account_id": a, "handle": a, "created_at": "2023-01-01T00:00:00Z"} for a in actors],
           ["account_id", "handle", "created_at"])
    _write(root / "posts.csv", posts, ["post_id", "account_id", "created_at"])
    _write(root / "engagements.csv", engs, ["actor_id", "action", "target_id", "created_at", "device_id", "ip_prefix",
                                             "country"])
    labels = [{"entity": "account", "id": a, "kind": "fake_engagement", "operation": "op-drip"} for a in FARM]
    labels += [{"entity": "engagement", "id": f"{e['actor_id']}|like|{e['target_id']}", "kind": "fake_engagement",
                "operation": "op-drip"} for e in engs if e["actor_id"] in FARM]
    (root / "truth").mkdir()
    (root / "truth" / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    return root


@pytest.fixture(scope="module")
def drip(tmp_path_factory):
    return _dataset(tmp_path_factory.mktemp("loop") / "ds")


def test_without_feedback_the_drip_feed_passes_the_gate(drip):
    fig = replay(drip)
    assert fig.farm_engagements.total > 60
    assert fig.farm_engagements.stopped == 0  # the gate's own rules see nothing: that is why the loop exists
    assert fig.genuine_engagements.stopped == 0


def test_the_loop_stops_the_farm_after_detection_and_never_before(drip):
    seen = []
    gate = Gate(on_verdict=lambda ep, ev, v: seen.append((ev, v)))
    fig = replay(drip, gate=gate, loop=FeedbackLoop(every_s=DAY))
    first = next(r["at"] for r in fig.feedback_rounds if r["accounts"])
    assert len(fig.feedback_rounds) >= DAYS - 1 and first > T0 + DAY  # found once a few orders are in, not at once
    for ev, v in seen:
        if any(r.code.startswith("confirmed_") for r in v.reasons):
            assert ev.at >= first, "feedback acted before the round that found the farm"
    farm = [(ev, v) for ev, v in seen if ev.actor_id in FARM]
    assert all(v.stopped for ev, v in farm if ev.at >= first + DAY)  # every later order is blocked
    assert fig.farm_engagements.share >= 0.3
    # All of it by feedback: the tally says so, apart from the gate's own rules.
    assert fig.stopped_by_feedback["farm_engagements"] == fig.farm_engagements.stopped
    assert fig.to_dict()["farm_engagements"]["stopped_by_rules"] == 0
    # The fan club (one idol, minutes after each post) and ordinary users: never stopped.
    assert fig.genuine_engagements.total > 1500 and fig.genuine_engagements.stopped == 0
    assert fig.feedback_rounds[-1]["accounts"] == len(FARM)


def test_a_round_sees_only_the_events_before_it(drip, tmp_path):
    from civicshield.gate.loop import TABLES
    from civicshield.gate.replay import REPLAY_TABLES, _ingest_replay_tables
    from civicshield.workspace import Workspace

    ws = Workspace(tmp_path / "ws").ensure()
    _ingest_replay_tables(drip, tmp_path / "view", ws, tuple(dict.fromkeys(REPLAY_TABLES + TABLES)))
    t = T0 + 5.5 * DAY
    for since in (None, T0 + 3 * DAY):
        out = tmp_path / f"snap-{since}.duckdb"
        _snapshot(ws.events_path, out, t, since)
        con = duckdb.connect(str(out), read_only=True)
        lo, hi, n = con.execute("SELECT min(epoch(created_at)), max(epoch(created_at)), count(*) FROM engagements").fetchone()
        assert n > 0 and hi < t and (since is None or lo >= since)
        assert con.execute("SELECT max(epoch(created_at)) FROM posts").fetchone()[0] < t
        con.close()


def test_the_loop_refuses_bad_settings():
    from civicshield.errors import ParameterError

    for bad in ({"every_s": 10}, {"detectors": ("no_such_detector",)}, {"every_s": DAY, "lookback_s": 3600},
                {"detectors": ()}):
        with pytest.raises(ParameterError):
            FeedbackLoop(**bad)


def test_replay_command_runs_the_loop_and_reports_feedback_apart(drip, tmp_path):
    from typer.testing import CliRunner

    from civicshield.cli import app

    out = tmp_path / "fig.json"
    res = CliRunner().invoke(app, ["gate", "replay", str(drip), "--feedback-every", "24", "--feedback-lookback", "10",
                                   "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "by feedback" in res.output and "rounds of dense_block, lockstep_engagement every 24 h" in res.output
    fig = json.loads(out.read_text())
    farm = fig["farm_engagements"]
    assert farm["stopped"] > 0 and farm["stopped_by_feedback"] == farm["stopped"] and farm["stopped_by_rules"] == 0
    assert fig["genuine_engagements"]["stopped"] == 0 and len(fig["feedback_rounds"]) >= DAYS - 1
    bad = CliRunner().invoke(app, ["gate", "replay", str(drip), "--feedback-every", "24",
                                   "--feedback-detectors", "no_such_detector"])
    assert bad.exit_code == 2 and "no_such_detector" in bad.output
