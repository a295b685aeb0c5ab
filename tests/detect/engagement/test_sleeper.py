from __future__ import annotations

import datetime as dt
import random

from engagement_plant import account

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement.sleeper import DETECTOR

ROUND1 = dt.datetime(2024, 11, 24)
POLITICAL = ["Votați Georgescu pe 24 noiembrie!", "Doar Călin Georgescu poate salva România", "Jos PSD, la vot!",
             "calin georgescu presedinte", "Turul 1 este decisiv, votati candidatul suveranist"]
OTHER = ["Ce meci aseară!", "Reteta de sarmale a bunicii", "Concert superb la Cluj", "Vremea e frumoasa azi",
         "Am devotat o zi intreaga gradinii", "Noul telefon e excelent"]


def _run(ws, **params):
    with ws.events() as store:
        return run_detector(DETECTOR, DetectionContext(store=store, election=store.election()), params)


def sleeper_world(seed: int = 4) -> dict:
    rng = random.Random(seed)
    accounts, posts, logins, eng = [], [], [], []
    n = 0

    def post(aid, at, text, tags=()):
        nonlocal n
        n += 1
        posts.append({"post_id": f"p{n}", "account_id": aid, "created_at": at, "text": text, "hashtags": list(tags)})
        return f"p{n}"

    # organic: active all along, political or not
    for i in range(150):
        aid = f"o{i}"
        accounts.append(account(aid, dt.datetime(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))))
        for d in range(0, 400, rng.randint(3, 20)):
            at = ROUND1 - dt.timedelta(days=d, minutes=rng.randint(0, 1440))
            post(aid, at, rng.choice(POLITICAL if i < 50 else OTHER))
    # the operation: 9 accounts created 2017-2019, silent, switch on within 40 hours
    # five weeks before round 1, mostly political, some only like political posts
    ops = [f"s{i}" for i in range(9)]
    wake = ROUND1 - dt.timedelta(days=35)
    targets = [p["post_id"] for p in posts if p["text"] in POLITICAL][:30]
    for i, aid in enumerate(ops):
        accounts.append(account(aid, dt.datetime(2017, 3, 1) + dt.timedelta(days=rng.randint(0, 900))))
        at = wake + dt.timedelta(hours=rng.randint(0, 40))
        logins.append({"account_id": aid, "created_at": at, "device_id": f"d-{aid}", "ip_prefix": f"82.77.{i % 2}"})
        for k in range(6):
            t = at + dt.timedelta(hours=k * 20 + 1)
            if i < 6:
                post(aid, t, rng.choice(POLITICAL) if k != 3 else rng.choice(OTHER), ["georgescu2024"])
            else:
                eng.append({"actor_id": aid, "action": "like", "target_id": rng.choice(targets), "created_at": t})
    # returning users: silent 8-30 months, come back one at a time over two months, mixed content
    returning = [f"r{i}" for i in range(20)]
    for i, aid in enumerate(returning):
        created = dt.datetime(2014, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
        accounts.append(account(aid, created))
        post(aid, ROUND1 - dt.timedelta(days=rng.randint(250, 900)), rng.choice(OTHER))
        back = ROUND1 - dt.timedelta(days=58) + dt.timedelta(days=3 * i, hours=rng.randint(0, 12))
        for k in range(5):
            post(aid, back + dt.timedelta(days=k), rng.choice(POLITICAL) if k % 2 else rng.choice(OTHER))
    # a returning group that is not political: old football forum members back for one match
    fans = [f"m{i}" for i in range(10)]
    for aid in fans:
        accounts.append(account(aid, dt.datetime(2016, 5, 1)))
        back = ROUND1 - dt.timedelta(days=20, hours=rng.randint(0, 10))
        logins.append({"account_id": aid, "created_at": back, "device_id": f"d-{aid}", "ip_prefix": "stadium-wifi"})
        for k in range(4):
            post(aid, back + dt.timedelta(hours=k), "Hai Romania! Ce meci!")
    # a lone political sleeper: wakes alone, no cohort
    accounts.append(account("lone", dt.datetime(2018, 1, 1)))
    post("lone", ROUND1 - dt.timedelta(days=10), POLITICAL[0])
    # a genuine returner who wakes during the operation's burst, political, but
    # on its own home connection: not part of the cohort
    accounts.append(account("neighbour", dt.datetime(2017, 6, 1)))
    logins.append({"account_id": "neighbour", "created_at": wake + dt.timedelta(hours=20), "device_id": "home-phone",
                   "ip_prefix": "86.120.3"})
    for k in range(3):
        post("neighbour", wake + dt.timedelta(hours=21 + k), POLITICAL[k])
    return {"tables": {"accounts": accounts, "posts": posts, "logins": logins, "engagements": eng},
            "ops": set(ops), "returning": set(returning), "fans": set(fans)}


def test_finds_cohort_not_returning_users(make_workspace):
    w = sleeper_world()
    res = _run(make_workspace(**w["tables"]))
    assert [set(f.account_ids) for f in res.findings] == [w["ops"]]
    f = res.findings[0]
    assert f.evidence["burst_activations"] == len(w["ops"]) + 1  # the neighbour woke in the burst
    assert f.evidence["min_dormant_days"] >= 365
    assert 30 <= f.evidence["days_before_first_round"] <= 40
    assert f.network_id


def test_members_without_logins_are_untied_when_the_dataset_has_logins(make_workspace):
    w = sleeper_world()
    ops_logins_dropped = [r for r in w["tables"]["logins"] if r["account_id"] not in w["ops"]]
    assert _run(make_workspace(**{**w["tables"], "logins": ops_logins_dropped})).findings == ()
    # with no logins table at all, the burst is judged on its own
    no_logins = {k: v for k, v in w["tables"].items() if k != "logins"}
    assert [set(f.account_ids) for f in _run(make_workspace(**no_logins)).findings] == [w["ops"] | {"neighbour"}]


def test_parameters_move_the_boundary(make_workspace):
    ws = make_workspace(**sleeper_world()["tables"])
    # a lead of 30 days starts after the operation woke up
    assert _run(ws, lead_days=30).findings == ()
    # without the political test the football group (together on the stadium's wifi) is a cohort too
    got = [set(f.account_ids) for f in _run(ws, min_political_share=0.0).findings]
    assert any({f"m{i}" for i in range(10)} <= g for g in got)
