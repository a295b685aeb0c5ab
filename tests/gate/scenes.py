"""Planted operations and their organic look-alikes, built event by event.

Each builder returns time-stamped events; ``mix`` merges several into one
time-ordered stream.  Real-world shapes: a campus NAT (hundreds of genuine
sign-ups and likes behind one IP prefix, varied devices, ordinary mail, local
phones), a viral moment (thousands of likes on one post within an hour), a
fan club (the same few dozen fans liking every post of their idol within
minutes), a family sharing one tablet; against them a phone farm (dozens of
accounts on a few devices), a proxy farm (fresh device ids, one prefix, one
target), and a spam sign-up wave (throwaway mail, foreign phones).
"""

from __future__ import annotations

import random

from civicshield.gate.model import Engagement, Signup

T0 = 1_732_000_000.0
MAIL = ("gmail.com", "yahoo.com", "outlook.com", "student.unibuc.ro", "icloud.com")


def campus_signups(rnd: random.Random, n: int = 300, prefix: str = "81.180.1") -> list[Signup]:
    return [Signup(at=T0 + rnd.uniform(0, 3600), attempt_id=f"campus-{i}", device_id=f"cdev-{i}",
                   ip_prefix=prefix, country="RO", email_domain=rnd.choice(MAIL),
                   phone_country="RO" if rnd.random() < 0.97 else "") for i in range(n)]


def spam_signups(rnd: random.Random, n: int = 60, prefixes: int = 3, devices: int = 6) -> list[Signup]:
    # Emulators reset their device id now and then; proxies rotate among a few prefixes.
    return [Signup(at=T0 + rnd.uniform(0, 3600), attempt_id=f"spam-{i}", device_id=f"emu-{rnd.randrange(devices)}",
                   ip_prefix=f"185.220.{rnd.randrange(prefixes)}", country="RO",
                   email_domain=rnd.choice(("mailinator.com", "10minutemail.com", "guerrillamail.com")),
                   phone_country=rnd.choice(("VN", "NG", "BD", "RO"))) for i in range(n)]


def viral_likes(rnd: random.Random, n: int = 3000, post: str = "viral-post",
                campus: str = "81.180.1", campus_share: float = 0.05) -> list[Engagement]:
    out = []
    for i in range(n):
        pfx = campus if rnd.random() < campus_share else f"{rnd.randrange(5, 250)}.{rnd.randrange(256)}.{rnd.randrange(256)}"
        out.append(Engagement(at=T0 + rnd.uniform(0, 3600), actor_id=f"fan-{i}", action="like", target_id=post,
                              device_id=f"vdev-{i}", ip_prefix=pfx, country="RO"))
    return out


def fan_club(rnd: random.Random, fans: int = 40, posts: int = 15) -> list[Engagement]:
    out = []
    for p in range(posts):
        start = T0 + p * 200
        for f in range(fans):
            out.append(Engagement(at=start + rnd.uniform(0, 120), actor_id=f"club-{f}", action="like",
                                  target_id=f"idol-post-{p}", device_id=f"club-dev-{f}",
                                  ip_prefix=f"79.{f % 30}.{f}", country="RO"))
    return out


def family_tablet(rnd: random.Random) -> list[Engagement]:
    return [Engagement(at=T0 + 100 + i * 40, actor_id=f"family-{i}", action="like", target_id="cooking-video",
                       device_id="family-tablet", ip_prefix="86.120.4", country="RO") for i in range(3)]


def phone_farm(rnd: random.Random, accounts: int = 60, devices: int = 4, targets: int = 10) -> list[Engagement]:
    out = []
    for t in range(targets):
        start = T0 + t * 300
        for a in range(accounts):
            out.append(Engagement(at=start + rnd.uniform(0, 90), actor_id=f"farm-{a}", action="like",
                                  target_id=f"cand-post-{t}", device_id=f"farm-dev-{a % devices}",
                                  ip_prefix=f"5.2.{a % 2}", country="RO"))
    return out


def proxy_follow_farm(rnd: random.Random, accounts: int = 80, target: str = "cand-account") -> list[Engagement]:
    # Fresh device ids per account, all behind one proxy prefix, all following one account within minutes.
    return [Engagement(at=T0 + 500 + rnd.uniform(0, 240), actor_id=f"proxy-{a}", action="follow", target_id=target,
                       device_id=f"px-dev-{a}-{rnd.randrange(10**6)}", ip_prefix="45.140.7", country="RO")
            for a in range(accounts)]


def mix(*streams):
    return sorted((e for s in streams for e in s), key=lambda e: e.at)
