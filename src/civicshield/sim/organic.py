"""The organic population: ordinary accounts and their devices and networks.

Accounts are rows in ``World``; what bulk activity needs per account is kept
in numpy arrays (``Population``) so that millions of actions can be drawn
vectorised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from civicshield.sim import vocab
from civicshield.sim.world import DAY, HOURLY, World, epoch

COUNTRIES = np.array(["RO", "MD", "HU", "IT", "ES", "DE", "GB"])
COUNTRY_P = np.array([0.85, 0.04, 0.02, 0.035, 0.025, 0.02, 0.01])
# Seconds to add to the (Romanian, UTC+2) daily rhythm for people living an hour
# or two behind Bucharest: their evening peak comes later in UTC.
TZ_SHIFT = {"HU": 3600, "IT": 3600, "ES": 3600, "DE": 3600, "GB": 7200}


def tz_shift(countries: np.ndarray) -> np.ndarray:
    return np.array([TZ_SHIFT.get(str(c), 0) for c in countries], dtype=np.int64)


@dataclass
class Population:
    ids: list[str]
    created: np.ndarray  # unix seconds
    weight: np.ndarray  # relative activity, heavy-tailed
    lang: np.ndarray  # "ro" / "hu" / "en"
    country: np.ndarray
    device: list[str]
    ip: list[str]
    mobile_ip: list[str]
    asn: list[str]
    followers: np.ndarray
    creator: np.ndarray  # bool
    shift: np.ndarray  # seconds added to the daily rhythm (time zone)

    def __len__(self) -> int:
        return len(self.ids)


def carrier_nats(w: World) -> dict[str, list[tuple[str, str]]]:
    """Mobile carriers put thousands of phones behind a few CGNAT prefixes."""
    nats: dict[str, list[tuple[str, str]]] = {}
    for cc, asn, blocks in (("RO", "AS8708", ((188, 25), (5, 2))), ("RO", "AS12302", ((89, 137),)),
                            ("RO", "AS9050", ((37, 251),))):
        for a, b in blocks:
            for c in range(3):
                nats.setdefault(cc, []).append((f"{a}.{b}.{100 + c}.0/24", asn))
    return nats


def make_population(w: World, n: int, hungarian_share: float = 0.07) -> Population:
    r = w.rng
    # Sign-ups grew year on year; ~4% of accounts are new during the watch.
    lo, hi = epoch(dt.date(2012, 3, 1)), w.end - DAY
    kinds = r.choice(np.array(["personal", "creator", "business"]), size=n, p=[0.885, 0.08, 0.035])
    # the home country is the election's; the diaspora stays the Romanian one
    country = r.choice(np.where(COUNTRIES == "RO", w.country, COUNTRIES), size=n, p=COUNTRY_P)
    day = (lo + (r.beta(2.6, 1.0, size=n) * (hi - lo))).astype(np.int64) // DAY
    created = day * DAY + r.choice(24, size=n, p=HOURLY) * 3600 + r.integers(0, 3600, size=n) + tz_shift(country)
    created = np.clip(created, lo, hi)
    hungarian = (r.random(n) < hungarian_share) | (country == "HU")
    nats = carrier_nats(w)["RO"]
    ids, devices, ips, mips, asns = [], [], [], [], []
    lang = np.where(hungarian, "hu", "ro").astype("<U2")
    lang[(country != "RO") & (country != "MD") & (country != "HU") & (r.random(n) < 0.3)] = "en"
    for i in range(n):
        aid = w.add_account(created=int(created[i]), hungarian=bool(hungarian[i]), kind=str(kinds[i]),
                            country=str(country[i]), language=str(lang[i]), verified=bool(kinds[i] == "creator" and r.random() < 0.05),
                            bulk=True)
        if r.random() < 0.006:
            w.acc[aid]["status"] = "deleted"
        ids.append(aid)
        devices.append(w.device())
        ip, asn, _ = w.ip_prefix(str(country[i]))
        ips.append(ip)
        asns.append(asn)
        mips.append(nats[int(r.integers(len(nats)))][0] if country[i] == w.country else ip)
    weight = r.pareto(1.6, size=n) + 0.05
    weight[kinds == "creator"] *= 3
    followers = np.array([w.acc[a]["follower_count"] for a in ids], dtype=np.int64)
    return Population(ids, created, weight, lang, country, devices, ips, mips, asns, followers, kinds == "creator",
                      tz_shift(country))


def organic_signups(w: World, pop: Population) -> None:
    """Every account created during the watch has its sign-up attempt; a few
    ordinary attempts fail (typo'd e-mail, abandoned SMS check)."""
    r = w.rng
    for i in np.nonzero(pop.created >= w.start)[0]:
        country = str(pop.country[i])
        w.signup(int(pop.created[i]) - int(r.integers(20, 400)), pop.device[i], pop.ip[i], country,
                 str(r.choice(vocab.EMAIL_DOMAINS)), country, str(r.choice(vocab.USER_AGENTS)), pop.ids[i])
    for _ in range(max(3, len(pop) // 150)):
        ip, _, cc = w.ip_prefix("RO")
        w.signup(w.at(w.start, w.end), w.device(), ip, cc, str(r.choice(vocab.EMAIL_DOMAINS)), cc,
                 str(r.choice(vocab.USER_AGENTS)), None)


def with_planted(w: World, pop: Population) -> Population:
    """The population that scrolls, likes and logs in: organic accounts plus
    planted and look-alike accounts from their first login on (so a sleeper
    stays silent until it wakes).  Without this, planted accounts would be the
    only ones that never consume anything: a tell no real operation shows.
    Farm accounts stay out: every action of theirs is planted and labelled."""
    farms = {lb["id"] for lb in w.labels if lb["kind"] == "fake_engagement" and lb["entity"] == "account"}
    first: dict[str, dict] = {}
    for row in w.rows["logins"]:
        a = row["account_id"]
        if a in w.no_bulk and (a not in first or row["created_at"] < first[a]["created_at"]):
            first[a] = row
    extra = [a for a in sorted(first) if a not in farms and w.acc[a]["status"] == "active"]
    if not extra:
        return pop
    r = w.rng
    acc = [w.acc[a] for a in extra]
    return Population(
        ids=pop.ids + extra,
        created=np.concatenate([pop.created, np.array([first[a]["created_at"] for a in extra], dtype=np.int64)]),
        weight=np.concatenate([pop.weight, r.pareto(1.6, size=len(extra)) * 0.6 + 0.05]),
        lang=np.concatenate([pop.lang, np.array([x["language"] for x in acc], dtype="<U2")]),
        country=np.concatenate([pop.country, np.array([first[a]["country"] for a in extra])]),
        device=pop.device + [first[a]["device_id"] for a in extra],
        ip=pop.ip + [first[a]["ip_prefix"] for a in extra],
        mobile_ip=pop.mobile_ip + [first[a]["ip_prefix"] for a in extra],
        asn=pop.asn + [first[a]["asn"] for a in extra],
        followers=np.concatenate([pop.followers, np.array([x["follower_count"] for x in acc], dtype=np.int64)]),
        creator=np.concatenate([pop.creator, np.zeros(len(extra), bool)]),
        shift=np.concatenate([pop.shift, tz_shift(np.array([first[a]["country"] for a in extra]))]),
    )
