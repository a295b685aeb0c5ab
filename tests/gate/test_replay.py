"""Replay: a dataset's sign-ups and engagements through the gate, scored against truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random

import pytest

from civicshield.errors import DataError
from civicshield.gate.replay import replay

from . import scenes

ELECTION = """id = "ro-2024-presidential"
country = "RO"
name = "Romanian presidential election 2024"
rounds = ["2024-11-24", "2024-12-08"]
watch_from = "2024-09-01"
authority_name = "Permanent Electoral Authority"
authority_url = "https://www.roaep.ro/"
languages = ["ro", "hu"]
keywords = ["alegeri"]
"""


def _iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path, rows, cols):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])


def build_dataset(root, seed=0):
    rnd = random.Random(seed)
    signups = scenes.mix(scenes.campus_signups(rnd, n=200), scenes.spam_signups(rnd, n=40))
    engagements = scenes.mix(scenes.viral_likes(rnd, n=1500), scenes.fan_club(rnd, fans=25, posts=8),
                             scenes.family_tablet(rnd), scenes.phone_farm(rnd, accounts=40, targets=6),
                             scenes.proxy_follow_farm(rnd, accounts=50))
    # Each spam account, once created, likes the candidate's posts an hour later from a fresh device.
    spam_likes = [scenes.Engagement(at=s.at + 3600 + k, actor_id=f"acc-{s.attempt_id}", action="like",
                                    target_id=f"cand-post-{k}", device_id=f"fresh-{s.attempt_id}", ip_prefix="31.5.5")
                  for s in signups if s.attempt_id.startswith("spam") for k in range(3)]
    engagements = scenes.mix(engagements, spam_likes)
    root.mkdir()
    (root / "election.toml").write_text(ELECTION)
    actors = sorted({e.actor_id for e in engagements} | {f"acc-{s.attempt_id}" for s in signups})
    _write(root / "accounts.csv", [{"account_id": a, "handle": a, "created_at": "2024-01-01T00:00:00Z"} for a in actors],
           ["account_id", "handle", "created_at"])
    _write(root / "signups.csv",
           [{**{k: getattr(s, k) for k in ("attempt_id", "device_id", "ip_prefix", "country", "email_domain",
                                           "phone_country")}, "created_at": _iso(s.at), "account_id": f"acc-{s.attempt_id}"}
            for s in signups],
           ["attempt_id", "created_at", "device_id", "ip_prefix", "country", "email_domain", "phone_country", "account_id"])
    _write(root / "engagements.csv",
           [{"actor_id": e.actor_id, "action": e.action, "target_id": e.target_id, "created_at": _iso(e.at),
             "device_id": e.device_id, "ip_prefix": e.ip_prefix, "country": e.country} for e in engagements],
           ["actor_id", "action", "target_id", "created_at", "device_id", "ip_prefix", "country"])
    labels = [{"entity": "account", "id": f"acc-{s.attempt_id}", "kind": "spam_signup", "operation": "op-spam"}
              for s in signups if s.attempt_id.startswith("spam")]
    labels += [{"entity": "engagement", "id": e.key, "kind": "fake_engagement", "operation": "op-farm"}
               for e in engagements if e.actor_id.startswith(("farm", "proxy"))]
    labels += [{"entity": "account", "id": a, "kind": "fake_engagement", "operation": "op-farm"}
               for a in actors if a.startswith(("farm", "proxy"))]
    (root / "truth").mkdir()
    (root / "truth" / "labels.jsonl").write_text("".join(json.dumps(x) + "\n" for x in labels))
    return root


def test_replay_scores_genuine_farm_and_spam(tmp_path):
    fig = replay(build_dataset(tmp_path / "ds"))
    assert fig.labelled
    assert fig.genuine_signups.total == 200 and fig.genuine_signups.stopped == 0
    assert fig.spam_signups.total == 40 and fig.spam_signups.share >= 0.8
    # Viral likes, fan club and family are genuine; the spam accounts' likes are "other" (labelled accounts).
    assert fig.genuine_engagements.total == 1500 + 25 * 8 + 3
    assert fig.genuine_engagements.share <= 0.005
    assert fig.farm_engagements.total == 40 * 6 + 50 and fig.farm_engagements.share >= 0.8
    assert fig.other_engagements.total == 40 * 3
    # Accounts whose sign-up was blocked never act: their likes are stopped without reaching the gate.
    blocked_spam = fig.decisions["signup:block"]
    assert fig.reasons["engagement:account_not_created"] == 3 * blocked_spam > 0
    assert fig.meets_targets()
    assert fig.to_dict()["meets_targets"] is True


def test_replay_without_truth_counts_everyone_as_genuine(tmp_path):
    ds = build_dataset(tmp_path / "ds")
    (ds / "truth" / "labels.jsonl").unlink()
    fig = replay(ds)
    assert not fig.labelled and fig.farm_engagements.total == 0 and fig.spam_signups.total == 0
    assert fig.genuine_signups.total == 240


def test_replay_errors_name_the_users_file_row_and_column(tmp_path):
    ds = build_dataset(tmp_path / "ds")
    lines = (ds / "engagements.csv").read_text().splitlines()
    lines[3] = lines[3].replace(",like,", ",poke,", 1) if ",like," in lines[3] else lines[3].replace(",follow,", ",poke,")
    (ds / "engagements.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as ei:
        replay(ds)
    e = ei.value
    assert e.file == str(ds / "engagements.csv") and e.row == 3 and e.column == "action"


def test_a_broken_table_the_replay_does_not_read_does_not_stop_it(tmp_path):
    ds = build_dataset(tmp_path / "ds")
    (ds / "reports.csv").write_text("report_id,target_id,created_at\nr1,x,not-a-time\n")
    assert replay(ds).genuine_signups.total == 200


def test_replay_through_redis_gives_the_same_figures_as_in_process(tmp_path, redis_state):
    from civicshield.gate import Gate

    ds = build_dataset(tmp_path / "ds", seed=3)
    mem, red = replay(ds).to_dict(), replay(ds, gate=Gate(redis_state)).to_dict()
    for d in (mem, red):
        del d["seconds"], d["decisions_per_s"]
    assert mem == red
    assert mem["farm_engagements"]["stopped"] > 0
