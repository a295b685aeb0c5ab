"""Organic activity that looks like an operation and must not be flagged."""

from __future__ import annotations

import datetime as dt

import numpy as np

from civicshield.sim import vocab
from civicshield.sim.mutate import strip_diacritics
from civicshield.sim.organic import Population
from civicshield.sim.scenario import Scenario
from civicshield.sim.world import DAY, World, epoch

DEBATE = ("Dezbaterea de aseară: {c} a câștigat clar", "Ce dezbatere! {c} m-a surprins", "Sincer, dezbaterea a fost slabă",
          "{c} a fost cel mai calm la dezbatere", "Am râs la faza cu {c} din dezbatere 😂", "Mi-a plăcut cum a vorbit {c}")
MATCH = ("HAI ROMÂNIA!!! 🇷🇴⚽", "Ce gol! Nu-mi vine să cred", "Am plâns la final, ce meci", "Tricolorii, mândria noastră")


def _sample(w: World, pop: Population, n: int, old: bool = True) -> list[int]:
    idx = np.nonzero(pop.created < (w.start if old else w.end))[0]
    return [int(i) for i in w.rng.choice(idx, size=min(n, len(idx)), replace=False)]


def _eng(w: World, pop: Population, i: int, action: str, target: str, t: int) -> str:
    return w.engage(pop.ids[i], action, target, t, pop.device[i], pop.ip[i], str(pop.country[i]))


def viral_moments(w: World, sc: Scenario, pop: Population) -> None:
    r = w.rng
    # the TV debate: a tenth of the country posts within the hour, once
    t0 = w.round1 - 4 * DAY + 19 * 3600
    cand = sc.candidates[int(r.integers(len(sc.candidates)))]
    for i in _sample(w, pop, max(60, len(pop) // 10)):
        tpl = DEBATE[int(r.integers(len(DEBATE)))]
        c = sc.candidates[int(r.integers(len(sc.candidates)))]
        p = w.post(pop.ids[i], t0 + int(r.exponential(900)), tpl.format(c=c.forms()[int(r.integers(5))]),
                   hashtags=["dezbatere", "alegeri2024"] + (["fyp"] if r.random() < 0.4 else []), election=True,
                   weight=0.5)
        w.lookalike("post", p, "viral_moment", ("coordinated_network",))
    # one clip of the debate that everyone likes
    creator = pop.ids[int(np.argmax(pop.followers))]
    clip = w.post(creator, t0 + 1200, f"Momentul serii: {cand.name} la dezbatere", hashtags=["dezbatere", cand.tag],
                  election=True, views=int(r.lognormal(13, 0.3)), weight=5.0)
    w.lookalike("post", clip, "viral_moment", ("fake_engagement",))
    for i in _sample(w, pop, max(100, len(pop) // 4)):
        key = _eng(w, pop, i, "like", clip, t0 + 1200 + int(r.exponential(1500)) + 5)
        w.lookalike("engagement", key, "viral_moment", ("fake_engagement",))
    # a football night: not political at all
    t1 = w.at(w.start + 10 * DAY, w.start + 40 * DAY)
    t1 = t1 - t1 % DAY + 20 * 3600
    for i in _sample(w, pop, max(50, len(pop) // 12)):
        p = w.post(pop.ids[i], t1 + int(r.exponential(600)), MATCH[int(r.integers(len(MATCH)))],
                   hashtags=["hairomania", "fotbal"], weight=0.5)
        w.lookalike("post", p, "viral_moment", ("coordinated_network",))


NEWS = (("cutremur", ("A fost cutremur? S-a simțit tare în {city}", "Cutremur acum în {city}, toată lumea bine?",
                      "Mi s-a mișcat tot blocul 😨")),
        ("ninsoare", ("Prima ninsoare în {city} ❄️", "Ninge ca-n povești", "Drumuri blocate de zăpadă în {city}")),
        ("benzina", ("Iar s-a scumpit benzina", "Benzina peste 7 lei, cum mai trăim?", "Cozi la benzinării în {city}")),
        ("blackfriday", ("Ce ați prins de Black Friday?", "Site-ul a picat de Black Friday 😂", "Reduceri false de Black Friday")),
        ("metrou", ("Metroul oprit iar, am întârziat", "Haos la metrou azi", "Iar nu merge metroul 🙄")),
        ("nationala", ("Ce meci al naționalei!", "Tricolorii au câștigat 🇷🇴", "Gol în ultimul minut!!!")))
ELECTION_NEWS = (("sondaj", "Sondaj nou pentru prezidențiale: {c} pe primul loc? Nu cred"),
                 ("dezbatere2", "A doua dezbatere a candidaților, {c} a fost surprinzător"),
                 ("rezultate", "Rezultate parțiale alegeri: {c} în frunte la ora asta"))


def news_bursts(w: World, sc: Scenario, pop: Population) -> None:
    """Many small organic bursts (news, weather, sport, a poll): each a crowd
    posting one hashtag within the hour, in their own words.  Heavy users join
    many of them, so the same accounts co-post again and again without any
    coordination, the repetition a coordination detector must not mistake."""
    r = w.rng
    old = np.nonzero(pop.created < w.start)[0]
    cum = np.cumsum(pop.weight[old])
    for k in range(int(r.integers(18, 30))):
        t0 = w.at(w.start, w.end - DAY)
        election = r.random() < 0.3
        if election:
            tag, tpl = ELECTION_NEWS[int(r.integers(len(ELECTION_NEWS)))]
            tag, phrases = f"{tag}{k}", (tpl,)
        else:
            tag, phrases = NEWS[int(r.integers(len(NEWS)))]
        n = max(15, len(pop) // 60)
        who = np.unique(old[np.minimum(np.searchsorted(cum, r.random(n) * cum[-1], side="right"), len(old) - 1)])
        for i in who:
            c = sc.candidates[int(r.integers(len(sc.candidates)))]
            text = phrases[int(r.integers(len(phrases)))].format(city=r.choice(vocab.RO_CITIES), c=c.forms()[int(r.integers(5))])
            text = strip_diacritics(text) if r.random() < 0.4 else text
            p = w.post(pop.ids[int(i)], t0 + int(r.exponential(900)), text,
                       hashtags=[tag] + (["alegeri2024"] if election else []) + (["fyp"] if r.random() < 0.3 else []),
                       election=election, weight=0.6)
            w.lookalike("post", p, "viral_moment", ("coordinated_network",))


def trending_sound(w: World, pop: Population) -> None:
    r = w.rng
    for _ in range(2):
        audio = w.id()
        day = w.at(w.start, w.end - DAY)
        day -= day % DAY
        for i in _sample(w, pop, max(40, len(pop) // 20)):
            tpl = vocab.ORDINARY["ro"][int(r.integers(len(vocab.ORDINARY["ro"])))]
            text = tpl.format(city=r.choice(vocab.RO_CITIES), food=r.choice(vocab.FOODS_RO), team=r.choice(vocab.TEAMS),
                              place=r.choice(vocab.PLACES_RO), artist=r.choice(vocab.ARTISTS), e=r.choice(vocab.EMOJI))
            p = w.post(pop.ids[i], w.at(day, day + DAY), text, audio=audio, hashtags=["trend", "fyp"], weight=0.8)
            w.lookalike("post", p, "trending_sound", ("coordinated_network",))


def fan_clubs(w: World, sc: Scenario, pop: Population) -> None:
    """Real supporters: repeat their candidate's tags and like the official
    posts, in their own words, from their own phones.  One club reacts within
    minutes of every official post (notifications on), the hardest organic
    look-alike of a like farm; the others hours later."""
    r = w.rng
    official = {c.account_id: [p for p in w.rows["posts"] if p["account_id"] == c.account_id] for c in sc.candidates}
    for k in range(3):
        cand = sc.candidates[k % len(sc.candidates)]
        pos = {a: i for i, a in enumerate(pop.ids)}
        members = [pos[a] for a in w.pick([pop.ids[i] for i in _sample(w, pop, 200)], int(r.integers(15, 30)))]
        for i in members:
            w.lookalike("account", pop.ids[i], "fan_club", ("coordinated_network", "fake_engagement"))
            for _ in range(int(r.integers(6, 14))):
                tpl = vocab.ELECTION["ro"][int(r.integers(len(vocab.ELECTION["ro"])))]
                text = tpl.format(c=cand.forms()[int(r.integers(5))], t=r.choice(vocab.TOPICS_RO), e=r.choice(vocab.EMOJI))
                text = strip_diacritics(text) if r.random() < 0.4 else text
                w.post(pop.ids[i], w.at(w.start, w.round2), f"{text} #{cand.tag}", hashtags=[cand.tag, "alegeri2024"],
                       election=True, weight=0.6)
            for p in official[cand.account_id]:
                if r.random() < 0.7:
                    # the first club has notifications on: likes land minutes after each post
                    delay = r.lognormal(5.5, 0.8) if k == 0 else r.lognormal(9.5, 1.2)
                    key = _eng(w, pop, i, "like", p["post_id"], p["created_at"] + int(delay))
                    w.lookalike("engagement", key, "fan_club", ("fake_engagement",))
            _eng(w, pop, i, "follow", cand.account_id, w.at(w.start - 0, w.round1))


def namesakes(w: World, sc: Scenario) -> None:
    """People who share a candidate's surname, and fan pages that say so."""
    r = w.rng
    for c in sc.candidates:
        for _ in range(int(r.integers(1, 3))):
            first, _, hu = w.person(False)
            handle = w.unique_handle(f"{first}.{c.surname}") if r.random() < 0.5 else None
            a = w.add_account(created=int(r.integers(1_400_000_000, 1_720_000_000)), first=first, last=c.surname,
                              hungarian=hu, display=f"{first} {c.surname}", handle=handle)
            w.lookalike("account", a, "shared_surname", ("impersonation",))
            ip, asn, cc = w.ip_prefix("RO")
            dev = w.device()
            w.logins_for(a, w.login_start, w.end, int(r.integers(3, 12)), dev, ip, cc, asn)
            for _ in range(int(r.integers(1, 6))):
                w.post(a, w.at(w.start, w.end), str(r.choice(vocab.ORDINARY["ro"])).format(
                    city=r.choice(vocab.RO_CITIES), food=r.choice(vocab.FOODS_RO), team=r.choice(vocab.TEAMS),
                    place=r.choice(vocab.PLACES_RO), artist=r.choice(vocab.ARTISTS), e=r.choice(vocab.EMOJI)),
                    hashtags=["fyp"], weight=0.8)
    for c in sc.candidates[:3]:
        a = w.add_account(created=int(r.integers(1_600_000_000, 1_720_000_000)), first="Fanii", last=c.surname,
                          handle=w.unique_handle(f"fanii.lui.{c.surname}"), display=f"Fanii lui {c.surname}",
                          bio=f"Pagină de fani. NU este pagina oficială a lui {c.name}.", followers=int(r.lognormal(8, 1)))
        w.lookalike("account", a, "fan_account", ("impersonation",))
        ip, asn, cc = w.ip_prefix("RO")
        w.logins_for(a, w.login_start, w.end, int(r.integers(3, 9)), w.device(), ip, cc, asn)
        for _ in range(int(r.integers(4, 10))):
            w.post(a, w.at(w.start, w.round2), f"Susținem {c.name}! Pagină de fani 💙", hashtags=[c.tag, "alegeri2024"],
                   election=True, weight=1.5)


def returning_users(w: World, sc: Scenario) -> None:
    """Old accounts that come back after months, one at a time, with mixed content."""
    r = w.rng
    for _ in range(int(r.integers(12, 30))):
        a = w.add_account(created=int(r.integers(epoch(dt.date(2015, 1, 1)), epoch(dt.date(2021, 1, 1)))))
        w.lookalike("account", a, "returning_user", ("sleeper_activation",))
        back = w.at(w.start, w.end - 10 * DAY)
        ip, asn, cc = w.ip_prefix("RO")
        w.logins_for(a, back, w.end, int(r.integers(3, 10)), w.device(), ip, cc, asn)
        for _ in range(int(r.integers(2, 7))):
            if r.random() < 0.25:
                c = sc.candidates[int(r.integers(len(sc.candidates)))]
                w.post(a, w.at(back + 600, w.end), f"Nu știu încă cu cine votez, poate {c.surname}? Voi ce ziceți?",
                       hashtags=["alegeri2024"], election=True, weight=0.5)
            else:
                w.post(a, w.at(back + 600, w.end), "M-am întors! Ce mi-a lipsit aplicația asta 😅", hashtags=["fyp"],
                       weight=0.5)


def campus_nat(w: World) -> None:
    """A university network: many genuine sign-ups and logins behind one prefix."""
    r = w.rng
    ip, asn = "193.226.40.0/24", "AS2614"  # RoEduNet
    t_lo, t_hi = epoch(dt.date(2024, 9, 28)), epoch(dt.date(2024, 10, 20))
    for _ in range(int(r.integers(40, 110))):
        t = w.at(t_lo, t_hi)
        dev = w.device()
        a = w.add_account(created=t + int(r.integers(30, 300)), bio="Student @ UBB" if r.random() < 0.4 else None)
        w.signup(t, dev, ip, "RO", str(r.choice(vocab.EMAIL_DOMAINS)), "RO", str(r.choice(vocab.USER_AGENTS)), a)
        w.lookalike("account", a, "campus_nat", ("batch_created", "spam_signup"))
        w.logins_for(a, t, w.end, int(r.integers(2, 8)), dev, ip, "RO", asn)
        for _ in range(int(r.integers(0, 4))):
            w.post(a, w.at(t + 3600, w.end), "Viața de student în cămin 😂", hashtags=["student", "fyp"], weight=0.5)
    for _ in range(int(r.integers(3, 10))):  # typos and abandoned attempts from the same network
        w.signup(w.at(t_lo, t_hi), w.device(), ip, "RO", str(r.choice(vocab.EMAIL_DOMAINS)), "RO",
                 str(r.choice(vocab.USER_AGENTS)), None)


def unpaid_creators(w: World, sc: Scenario, pop: Population) -> None:
    r = w.rng
    creators = [pop.ids[i] for i in np.nonzero(pop.creator & (pop.created < w.start))[0]]
    for a in w.pick(creators, 8):
        w.lookalike("account", a, "unpaid_creator", ("undisclosed_paid_promotion",))
        for _ in range(int(r.integers(1, 4))):
            c = sc.candidates[int(r.integers(len(sc.candidates)))]
            w.post(a, w.at(w.start, w.round2), f"Părerea mea sinceră despre {c.name} și campania lui. Voi cu cine votați?",
                   hashtags=["alegeri2024", "opinie"], election=True, weight=4.0)
