"""A small planted election for the coordination tests: one operation and the
organic look-alikes that fool plain co-occurrence counting.

- operation: 15 accounts created within minutes of each other, half on two
  shared devices, logging in from abroad; 24 events over a month, each a
  burst of seconds in which most members post a rotating hashtag, the same
  article with varied tracking parameters / ``www.`` / scheme, and a
  templated text with diacritics dropped or swapped; plus camouflage posts.
- viral moment: 150 accounts post ``#dezbatere`` within one hour, once.
- trending sound: 120 accounts use one audio id over a day.
- fan club: 25 accounts who post ``#lasconi`` several times a day in their
  own words at their own times, and react to four debates within minutes.
- background: 250 accounts with Zipf-popular hashtags, links and sounds;
  some of them sit behind one campus NAT (shared IP prefix).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

T0 = dt.datetime(2024, 10, 1)
WORDS = ["azi", "mergem", "la", "piata", "vremea", "buna", "cafea", "tren", "scoala", "copiii", "munca", "seara", "film", "carte", "meci", "fotbal", "mancare", "prieteni", "vacanta", "munte", "mare", "oras", "strada", "masina", "ploaie", "soare", "concert", "muzica", "teatru"]
TEMPLATES = (
    "Călin Georgescu este singurul care apără România, votați pe {d}!",
    "Doar Georgescu poate salva țara, toți la vot pe {d}!",
    "România are nevoie de Călin Georgescu acum, nu mai așteptați!",
)


def _vary(text: str, rng: np.random.Generator) -> str:
    """What operators do to templates: drop or swap diacritics, add emoji."""
    r = rng.random()
    if r < 0.3:
        text = text.replace("ț", "ţ").replace("ș", "ş")
    elif r < 0.6:
        text = text.translate(str.maketrans("ăâîșțĂÂÎȘȚ", "aaistAAIST"))
    return text + (" 🇷🇴" if rng.random() < 0.5 else "")


def _url(rng: np.random.Generator, path: str) -> str:
    scheme = "https://" if rng.random() < 0.5 else "http://"
    www = "www." if rng.random() < 0.5 else ""
    tail = f"?utm_source=fb&utm_campaign=c{rng.integers(1000)}" if rng.random() < 0.6 else ""
    return f"{scheme}{www}adevarul-zilei.ro/{path}{tail}"


def plant(seed: int = 1) -> tuple[dict[str, list[dict]], dict[str, set[str]]]:
    """(tables, groups): contract rows, and account ids by role."""
    rng = np.random.default_rng(seed)
    accounts, posts, logins = [], [], []
    groups: dict[str, set[str]] = {k: set() for k in ("op", "viral", "sound", "fan", "background", "nat")}
    pid = 0

    def account(role: str, created: dt.datetime, followers: int, country: str = "RO") -> str:
        aid = str(10**11 + int(rng.integers(10**11)))
        accounts.append({"account_id": aid, "handle": f"user{aid[-6:]}", "created_at": created,
                         "registration_country": country, "follower_count": followers, "language": "ro"})
        groups[role].add(aid)
        return aid

    def post(aid: str, at: dt.datetime, text: str = "", hashtags=(), urls=(), audio=None, mentions=()) -> None:
        nonlocal pid
        pid += 1
        posts.append({"post_id": f"p{pid}", "account_id": aid, "created_at": at, "text": text, "hashtags": list(hashtags),
                      "urls": list(urls), "mentions": list(mentions), "audio_id": audio, "language": "ro", "country": "RO"})

    def chatter(n: int) -> str:
        return " ".join(rng.choice(WORDS, size=n))

    def organic_posts(aid: str, n: int) -> None:
        for _ in range(n):
            at = T0 + dt.timedelta(seconds=float(rng.uniform(0, 30 * 86400)))
            tags = [f"tag{int(rng.zipf(1.6)) % 60}"] if rng.random() < 0.7 else []
            urls = [f"https://news{int(rng.zipf(1.6)) % 40}.ro/a{int(rng.integers(5))}"] if rng.random() < 0.3 else []
            audio = f"snd{int(rng.zipf(1.6)) % 80}" if rng.random() < 0.4 else None
            post(aid, at, chatter(int(rng.integers(3, 12))), tags, urls, audio)

    def old() -> dt.datetime:
        return dt.datetime(2013, 1, 1) + dt.timedelta(days=float(rng.uniform(0, 3800)))

    # background, 40 of them behind one campus NAT
    for i in range(250):
        aid = account("background", old(), int(rng.pareto(1.2) * 200))
        organic_posts(aid, int(rng.integers(5, 40)))
        prefix = "89.34.12" if i < 40 else f"5.{i}.{int(rng.integers(256))}"
        if i < 40:
            groups["nat"].add(aid)
        logins.append({"account_id": aid, "created_at": T0, "device_id": f"dev-{aid}", "ip_prefix": prefix, "country": "RO"})

    # the operation
    birth = dt.datetime(2024, 8, 3, 14, 0)
    op = [account("op", birth + dt.timedelta(seconds=float(rng.uniform(0, 1800))), int(rng.integers(5, 60))) for _ in range(15)]
    for j, aid in enumerate(op):
        dev = f"dev-op-{j % 2}" if j < 8 else f"dev-{aid}"
        logins.append({"account_id": aid, "created_at": T0, "device_id": dev, "ip_prefix": f"185.220.{j}", "country": "RU"})
        organic_posts(aid, 6)  # camouflage
    for e in range(24):
        at = T0 + dt.timedelta(days=e * 1.2 + float(rng.uniform(0, 0.3)))
        tag = ("votgeorgescu", "georgescupresedinte", "romaniaunita", "suveranitate")[e % 4]
        link = f"stiri/{e}"
        for aid in op:
            if rng.random() < 0.8:
                t = at + dt.timedelta(seconds=float(rng.uniform(0, 25)))
                text = _vary(TEMPLATES[e % 3].format(d="24 noiembrie"), rng)
                post(aid, t, text, [tag], [_url(rng, link)])

    # viral moment: one hashtag, one hour, once
    debate = T0 + dt.timedelta(days=10, hours=20)
    for _ in range(150):
        aid = account("viral", old(), int(rng.pareto(1.2) * 300))
        organic_posts(aid, 3)
        post(aid, debate + dt.timedelta(seconds=float(rng.uniform(0, 3600))), chatter(8), ["dezbatere", "tag1"])

    # trending sound: one audio id over a day
    for _ in range(120):
        aid = account("sound", old(), int(rng.pareto(1.2) * 300))
        organic_posts(aid, 3)
        post(aid, T0 + dt.timedelta(days=15, seconds=float(rng.uniform(0, 86400))), chatter(5), audio="snd-trend")

    # fan club: frequent, own words, own times; reacts to debates within minutes
    fans = [account("fan", old(), int(rng.pareto(1.2) * 500)) for _ in range(25)]
    debates = [T0 + dt.timedelta(days=d, hours=21) for d in (5, 12, 19, 26)]
    for aid in fans:
        logins.append({"account_id": aid, "created_at": T0, "device_id": f"dev-{aid}", "ip_prefix": "89.34.12", "country": "RO"})
        for _ in range(60):
            at = T0 + dt.timedelta(seconds=float(rng.uniform(0, 30 * 86400)))
            post(aid, at, "Lasconi " + chatter(int(rng.integers(4, 10))), ["lasconi"])
        for d in debates:
            if rng.random() < 0.8:
                at = d + dt.timedelta(seconds=float(rng.uniform(0, 900)))
                post(aid, at, "Lasconi a castigat " + chatter(6), ["lasconi", "dezbatere"], ["https://usr.ro/dezbatere"])
    return {"accounts": accounts, "posts": posts, "logins": logins}, groups
