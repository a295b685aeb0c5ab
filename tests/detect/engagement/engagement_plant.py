"""Rows for engagement-family tests: a planted operation beside the organic
look-alikes that must come out clean.  Deterministic (seeded)."""

from __future__ import annotations

import datetime as dt
import random

T0 = dt.datetime(2024, 10, 1, 8, 0, 0)


def account(aid: str, created: dt.datetime, handle: str | None = None, **kw) -> dict:
    return {"account_id": aid, "handle": handle or f"user_{aid}", "created_at": created, **kw}


def like(actor: str, target: str, at: dt.datetime, action: str = "like", **kw) -> dict:
    return {"actor_id": actor, "action": action, "target_id": target, "created_at": at, **kw}


def engagement_world(seed: int = 1) -> dict:
    """A like farm + a follow farm, a viral moment, a fan club and background.

    Returns rows and the truth: farm accounts and their engagement keys.
    """
    rng = random.Random(seed)
    accounts, posts, eng = [], [], []
    creators = [f"c{i}" for i in range(30)]
    for c in creators:
        accounts.append(account(c, T0 - dt.timedelta(days=900 + rng.randint(0, 900))))
    for i in range(400):
        posts.append({"post_id": f"p{i}", "account_id": rng.choice(creators), "created_at": T0 + dt.timedelta(hours=i)})
    organic = [f"u{i}" for i in range(300)]
    for u in organic:
        accounts.append(account(u, T0 - dt.timedelta(days=rng.randint(30, 3000))))
    # background: each organic user likes random posts at random times
    for u in organic:
        for _ in range(rng.randint(5, 40)):
            p = rng.randrange(400)
            eng.append(like(u, f"p{p}", T0 + dt.timedelta(hours=p, seconds=rng.randint(0, 5 * 86400))))
    # viral moment: 250 organic users like one post within an hour, once
    for u in organic[:250]:
        eng.append(like(u, "p7", T0 + dt.timedelta(hours=7, seconds=rng.randint(0, 3600))))
    # fan club: 20 fans like most posts of their candidate, at spread timings
    idol_posts = [p["post_id"] for p in posts if p["account_id"] == "c0"]
    fans = organic[250:270]
    for f in fans:
        for pid in idol_posts:
            if rng.random() < 0.8:
                h = int(pid[1:])
                eng.append(like(f, pid, T0 + dt.timedelta(hours=h, seconds=rng.randint(30, 8 * 3600))))
    # like farm: 12 accounts, 25 jobs on posts of many creators, each job within
    # ~40 s, each account joins 75% of jobs; camouflage likes on popular posts
    farm = [f"f{i}" for i in range(12)]
    for f in farm:
        accounts.append(account(f, T0 - dt.timedelta(days=rng.randint(400, 2000))))
    for _ in range(25):
        pid = f"p{rng.randrange(400)}"
        start = T0 + dt.timedelta(hours=int(pid[1:]) + 2, seconds=rng.randint(0, 20000))
        for f in farm:
            if rng.random() < 0.75:
                eng.append(like(f, pid, start + dt.timedelta(seconds=rng.randint(0, 40))))
    for f in farm:
        for _ in range(10):
            p = rng.randrange(400)
            eng.append(like(f, f"p{p}", T0 + dt.timedelta(hours=p, seconds=rng.randint(0, 86400))))
    # follow farm: 6 accounts follow 15 client accounts in bursts
    ffarm = [f"g{i}" for i in range(6)]
    for g in ffarm:
        accounts.append(account(g, T0 - dt.timedelta(days=rng.randint(400, 2000))))
    for j in range(15):
        client = f"u{rng.randrange(250)}"
        start = T0 + dt.timedelta(days=j, seconds=rng.randint(0, 3000))
        for g in ffarm:
            eng.append(like(g, client, start + dt.timedelta(seconds=rng.randint(0, 60)), action="follow"))
    truth_rows = {(e["actor_id"], e["action"], e["target_id"]) for e in eng if e["actor_id"] in set(farm) | set(ffarm)}
    return {
        "tables": {"accounts": accounts, "posts": posts, "engagements": eng},
        "farm": set(farm),
        "follow_farm": set(ffarm),
        "fans": set(fans),
        "viral": set(organic[:250]),
        "fake_keys": {"|".join(k) for k in truth_rows},
    }
