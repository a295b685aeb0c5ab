from __future__ import annotations

import datetime as dt
import random

from engagement_plant import account

from civicshield.detect import DetectionContext, run_detector
from civicshield.detect.engagement.recidivism import DETECTOR, handle_stem

BAN = dt.datetime(2024, 7, 15)
NET = "covert_influence:net-2024-07-ro"
SLOGAN = "Romania se trezeste, suveranitatea nu se negociaza niciodata"


def _run(ws, **params):
    with ws.events() as store:
        return run_detector(DETECTOR, DetectionContext(store=store, election=store.election()), params)


def recid_world(seed: int = 6) -> dict:
    rng = random.Random(seed)
    accounts, posts, logins = [], [], []

    def post(aid, at, text, tags=()):
        posts.append({"post_id": f"p{len(posts)}", "account_id": aid, "created_at": at, "text": text, "hashtags": list(tags)})

    def login(aid, at, device, ip):
        logins.append({"account_id": aid, "created_at": at, "device_id": device, "ip_prefix": ip})

    for i in range(300):  # organic background
        aid = f"o{i}"
        accounts.append(account(aid, dt.datetime(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3100)), f"user.{i}"))
        login(aid, dt.datetime(2024, 9, 1), f"dev-{aid}", f"86.{i % 200}.{rng.randint(0, 255)}")
        post(aid, dt.datetime(2024, 9, 2), f"postare obisnuita numarul {i} despre viata", ["viata", "romania"])
    # the banned network: 10 accounts, banned in July
    for i in range(10):
        aid = f"x{i}"
        accounts.append(account(aid, dt.datetime(2023, 3, 1), f"romania.libera{i:02d}", status="banned", banned_at=BAN,
                                ban_reason=NET))
        login(aid, dt.datetime(2024, 6, 1), f"op-phone-{i % 4}", "45.14.71")
        post(aid, dt.datetime(2024, 6, 2), SLOGAN, ["suveranism2024", "trezirea", "romania"])
    accounts.append(account("y0", dt.datetime(2022, 1, 1), "ion.popescu1", status="banned",
                            banned_at=dt.datetime(2024, 5, 1), ban_reason="spam:2024-05"))
    # returning: device; ip + handle; hashtags + text
    returning = {f"r{i}" for i in range(8)}
    for i in range(8):
        aid = f"r{i}"
        handle = f"romania.libera{20 + i}" if i in (4, 5) else f"patriot_{rng.randint(1000, 9999)}"
        accounts.append(account(aid, BAN + dt.timedelta(days=10 + i), handle))
        if i < 4:
            login(aid, BAN + dt.timedelta(days=11 + i), f"op-phone-{i}", f"5.2.{i}")
        elif i < 6:
            login(aid, BAN + dt.timedelta(days=11 + i), f"new-{i}", "45.14.71")
        else:
            login(aid, BAN + dt.timedelta(days=11 + i), f"new-{i}", f"9.9.{i}")
            post(aid, BAN + dt.timedelta(days=12 + i), SLOGAN.upper() + "!!", ["suveranism2024", "trezirea"])
    # look-alikes, each carrying one weak signal
    accounts.append(account("campus", BAN + dt.timedelta(days=30), "maria.ionescu"))
    login("campus", BAN + dt.timedelta(days=31), "dev-campus", "45.14.71")  # same prefix only
    accounts.append(account("namesake", BAN + dt.timedelta(days=40), "ion_popescu"))  # same name only
    login("namesake", BAN + dt.timedelta(days=41), "dev-namesake", "86.7.7")
    accounts.append(account("later", BAN + dt.timedelta(days=50), "andreea.m"))  # later organic use of the hashtags
    login("later", BAN + dt.timedelta(days=51), "dev-later", "86.8.8")
    post("later", BAN + dt.timedelta(days=52), "ce inseamna de fapt hashtagul asta?", ["suveranism2024", "trezirea"])
    accounts.append(account("quoter", BAN + dt.timedelta(days=60), "jurnalist.ro"))  # quotes the slogan
    login("quoter", BAN + dt.timedelta(days=61), "dev-quoter", "86.9.9")
    post("quoter", BAN + dt.timedelta(days=62), SLOGAN, ["analiza"])
    accounts.append(account("old", dt.datetime(2020, 1, 1), "vechi.cont"))  # shares a phone, but long before the ban
    login("old", dt.datetime(2024, 1, 1), "op-phone-1", "86.10.10")
    return {"tables": {"accounts": accounts, "posts": posts, "logins": logins}, "returning": returning,
            "lookalikes": {"campus", "namesake", "later", "quoter", "old"}}


def test_finds_returning_network_not_lookalikes(make_workspace):
    w = recid_world()
    res = _run(make_workspace(**w["tables"]))
    assert len(res.findings) == 1
    f = res.findings[0]
    assert set(f.account_ids) == w["returning"]
    assert f.network_id == f"returning:{NET}@{BAN:%Y-%m-%d}"
    assert f.evidence["ban_reason"] == NET
    assert f.evidence["accounts_per_signal"]["device"] == 4
    assert f.evidence["accounts_per_signal"]["handle"] == 2


def test_one_weak_signal_is_enough_when_asked(make_workspace):
    w = recid_world()
    flagged = {a for f in _run(make_workspace(**w["tables"]), min_weak_signals=1).findings for a in f.account_ids}
    assert {"campus", "namesake", "later", "quoter"} <= flagged
    assert "old" not in flagged  # created before any ban


def test_handle_stem():
    assert handle_stem("ion.popescu1") == handle_stem("ion_popescu") == "ionpopescu"
    assert handle_stem("Romania.Libera07") == "romanialibera"


def test_nothing_banned_nothing_found(make_workspace):
    w = recid_world()
    accounts = [{**a, "status": "active", "banned_at": None, "ban_reason": None} for a in w["tables"]["accounts"]]
    assert _run(make_workspace(**{**w["tables"], "accounts": accounts})).findings == ()


def test_two_takedowns_for_one_generic_reason_stay_two_networks(make_workspace):
    """Platforms ban for generic reasons; two networks removed months apart
    for "spam" that both return are two returning networks, not one."""
    later = BAN + dt.timedelta(days=120)
    w = recid_world()
    accounts = [{**a, "ban_reason": "spam"} if a.get("ban_reason") == NET else a for a in w["tables"]["accounts"]]
    logins = list(w["tables"]["logins"])
    for i in range(4):  # a second network, banned in November for the same reason, returns on its phones
        accounts.append(account(f"z{i}", dt.datetime(2023, 5, 1), f"zz_{i}", status="banned", banned_at=later,
                                ban_reason="spam"))
        logins.append({"account_id": f"z{i}", "created_at": later - dt.timedelta(days=5), "device_id": f"z-phone-{i}",
                       "ip_prefix": "77.1.1"})
        accounts.append(account(f"q{i}", later + dt.timedelta(days=3), f"qq_{i}"))
        logins.append({"account_id": f"q{i}", "created_at": later + dt.timedelta(days=4), "device_id": f"z-phone-{i}",
                       "ip_prefix": f"8.8.{i}"})
    res = _run(make_workspace(**{**w["tables"], "accounts": accounts, "logins": logins}))
    by_net = {f.network_id: set(f.account_ids) for f in res.findings}
    assert by_net == {f"returning:spam@{BAN:%Y-%m-%d}": w["returning"],
                      f"returning:spam@{later:%Y-%m-%d}": {f"q{i}" for i in range(4)}}
    # with a long takedown window the two merge, as grouping by reason alone did
    merged = _run(make_workspace(**{**w["tables"], "accounts": accounts, "logins": logins}), takedown_days=365)
    assert [set(f.account_ids) for f in merged.findings] == [w["returning"] | {f"q{i}" for i in range(4)}]
