"""Operations on accounts: engagement farms, batch creation, sleepers, spam
sign-ups, banned accounts coming back, impersonators."""

from __future__ import annotations

import datetime as dt

from civicshield.sim import vocab
from civicshield.sim.mutate import strip_diacritics
from civicshield.sim.scenario import Scenario
from civicshield.sim.world import DAY, World, ascii_handle, epoch

POLITICAL = ("{c} președinte! 🇷🇴", "Eu votez {c} și nu mă ascund", "Doar {c} poate schimba ceva în țara asta",
             "{c} a avut dreptate de la început", "Toți la vot pentru {c}!", "Dumnezeu să-l ajute pe {c} 🙏")


def _political(w: World, cand) -> str:
    return POLITICAL[int(w.rng.integers(len(POLITICAL)))].format(c=cand.forms()[int(w.rng.integers(5))])


def _patterned(w: World, n: int) -> list[str]:
    """Operator handles: one name, sequential or near-sequential digits."""
    r = w.rng
    first, last, _ = w.person(False)
    base = ascii_handle(f"{first}.{last}" if r.random() < 0.5 else f"{first}_{last}")
    start = int(r.integers(100, 9000))
    step = int(r.choice([1, 1, 3, 7]))
    return [w.unique_handle(f"{base}{start + i * step}") for i in range(n)]


def batch_accounts(w: World, op: str, n: int, t0: int, *, patterned: bool, signups: bool,
                   datacenter: bool = False, slow: bool = False) -> list[str]:
    """``slow``: an operator pacing creations minutes apart, a fresh device id each time."""
    r = w.rng
    handles = _patterned(w, n) if patterned else [None] * n
    devs = [w.device() for _ in range(int(r.integers(1, 3)))]
    ip, asn, cc = w.ip_prefix("RO", datacenter=datacenter)
    accs, t = [], t0
    for h in handles:
        t += int(r.integers(150, 480)) if slow else int(r.integers(8, 70))
        a = w.add_account(created=t, handle=h, followers=int(r.integers(0, 40)), following=int(r.integers(0, 80)),
                          bio="" if r.random() < 0.7 else None, avatar=None if r.random() < 0.5 else "random")
        dev = w.device() if slow else devs[int(r.integers(len(devs)))]
        if signups and t >= w.start:
            w.signup(t - int(r.integers(3, 30)), dev, ip, cc, str(r.choice(("gmail.com", "yahoo.com", "outlook.com"))),
                     "RO", vocab.USER_AGENTS[1], a)
        w.logins_for(a, t, w.end, int(r.integers(2, 6)), dev, ip, cc, asn)
        w.label("account", a, "batch_created", op)
        accs.append(a)
    return accs


class _Farm:
    """Writes one farm's actions, each (actor, action, target) once, all labelled."""

    def __init__(self, w: World, op: str, kit: dict):
        self.w, self.op, self.kit, self.seen = w, op, kit, set()

    def __call__(self, a: str, action: str, target: str, t: int) -> None:
        key = f"{a}|{action}|{target}"
        if key in self.seen or t < self.w.acc[a]["created_at"] or t >= self.w.end:
            return
        self.seen.add(key)
        dev, (ip, _asn, cc) = self.kit[a]
        self.w.engage(a, action, target, t, dev, ip, cc)
        self.w.label("engagement", key, "fake_engagement", self.op)
        if action != "follow":  # the bot opens the video (by link or search) before it likes it
            surface = ("profile", "search", "for_you")[int(self.w.rng.choice(3, p=[0.5, 0.3, 0.2]))]
            self.w.rows["impressions"].append({"viewer_id": a, "post_id": target, "created_at": t - int(self.w.rng.integers(2, 40)),
                                               "surface": surface, "viewer_country": cc})


def fake_engagement(w: World, sc: Scenario, popular_posts: list[str], post_time: dict[str, int]) -> None:
    """Like and follow farms: lockstep bursts on paid targets, camouflage on popular posts."""
    r = w.rng
    cand_posts = [p["post_id"] for p in w.rows["posts"] if p["account_id"] in {c.account_id for c in sc.candidates}]
    for k in range(int(r.integers(2, 4))):
        op = w.new_op("fake_engagement")
        size = int(r.integers(25, 45)) if k == 0 else int(r.integers(50, 110))
        variant = ("batch", "aged", "mixed")[k % 3]
        accs: list[str] = []
        if variant in ("batch", "mixed"):
            nb = size if variant == "batch" else size // 2
            t0 = w.at(w.start - int(r.integers(5, 60)) * DAY, w.start + 20 * DAY)
            accs += batch_accounts(w, op, nb, t0, patterned=r.random() < 0.7, signups=True, datacenter=r.random() < 0.5)
        while len(accs) < size:  # aged accounts bought years ago
            accs.append(w.add_account(created=int(r.integers(epoch(dt.date(2014, 1, 1)), epoch(dt.date(2020, 1, 1)))),
                                      following=int(r.integers(100, 2000))))
        # lockstep farms run a few emulators behind proxies; the drip-feed farm (k == 1)
        # spreads each order over hours from residential proxies, one phone per account
        drip = k == 1
        farm_devs = [w.device() for _ in range(int(r.integers(3, 8)))]
        farm_nets = [w.ip_prefix(datacenter=not drip and bool(r.random() < 0.6)) for _ in range(int(r.integers(1, 4)))]
        kit = {a: (w.device() if drip else farm_devs[int(r.integers(len(farm_devs)))],
                   w.ip_prefix("RO") if drip else farm_nets[int(r.integers(len(farm_nets)))]) for a in accs}
        for a in accs:
            w.label("account", a, "fake_engagement", op)
            dev, (ip, asn, cc) = kit[a]
            w.logins_for(a, max(w.start, w.acc[a]["created_at"]), w.end, int(r.integers(2, 8)), dev, ip, cc, asn)
        hit = _Farm(w, op, kit)

        clients = [c.account_id for c in sc.candidates]
        targets = list(r.choice(cand_posts, size=min(len(cand_posts), int(r.integers(15, 35))), replace=False))
        targets += list(r.choice(popular_posts, size=int(r.integers(5, 12)), replace=False))  # paying creators
        order = list(accs)
        for tgt in targets:
            t0 = max(post_time[tgt] + int(r.integers(300, 6 * 3600)), w.start)
            r.shuffle(order)
            if drip:  # an SMM panel's "drip feed": the order trickles in over one to three hours
                span = int(r.integers(3600, 3 * 3600))
                turnout = r.uniform(0.4, 0.7)
                for a in order:
                    if r.random() < turnout:
                        hit(a, "like" if r.random() < 0.85 else "share", tgt, t0 + int(r.integers(0, span)))
                continue
            gap = float(r.choice([2.0, 6.0, 20.0]))
            t = t0
            for a in order:
                if r.random() < r.uniform(0.6, 0.95):
                    t += int(r.exponential(gap)) + 1
                    hit(a, "like" if r.random() < 0.85 else "share", tgt, t)
        for acc_target in r.choice(clients, size=2, replace=False):  # follow bursts
            t = w.at(w.start, w.round1)
            for a in order:
                t += int(r.exponential(600.0 if drip else 5.0)) + 1
                hit(a, "follow", str(acc_target), t)
        for a in accs:
            if r.random() < 0.3:  # stock content some sellers post to make an account look used
                w.post(a, w.at(max(w.start, w.acc[a]["created_at"]), w.end), str(r.choice(
                    ["Bună dimineața! ☀️", "Frumos 😍", "Weekend plăcut tuturor", "❤️❤️❤️"])), hashtags=["fyp"])
        for a in accs:  # camouflage on organic, popular content at ordinary times
            for p in r.choice(popular_posts, size=int(r.integers(5, 25)), replace=False):
                hit(a, "like", str(p), w.at(max(post_time[str(p)], w.start), w.end))


def batch_created(w: World, sc: Scenario) -> None:
    r = w.rng
    for k in range(3):
        op = w.new_op("batch_created")
        n = int(r.integers(20, 60))
        in_watch = k != 1
        t0 = w.at(w.start + 5 * DAY, w.round1 - 10 * DAY) if in_watch else w.at(w.start - 200 * DAY, w.start - 30 * DAY)
        accs = batch_accounts(w, op, n, t0, patterned=k == 0, signups=in_watch, datacenter=k == 2, slow=k == 2)
        cand = sc.candidates[int(r.integers(len(sc.candidates)))]
        for a in accs:
            w.engage(a, "follow", cand.account_id, w.at(max(w.acc[a]["created_at"], w.start), w.end))
            if r.random() < 0.4:
                w.post(a, w.at(max(w.acc[a]["created_at"], w.start), w.end), _political(w, cand),
                       hashtags=[cand.tag, "alegeri2024"], election=True)


def sleeper_activation(w: World, sc: Scenario) -> None:
    r = w.rng
    n_cohorts = int(r.integers(2, 4))
    for k in range(n_cohorts):
        op = w.new_op("sleeper_activation")
        window = 6 * DAY if k == n_cohorts - 1 else 36 * 3600  # the last cohort wakes over a week
        cand = sc.candidates[int(r.integers(len(sc.candidates)))]
        wake = w.round1 - int(r.integers(14, 43)) * DAY
        nets = [w.ip_prefix("RO") for _ in range(int(r.integers(1, 4)))]
        for _ in range(int(r.integers(14, 40))):
            created = int(r.integers(epoch(dt.date(2016, 1, 1)), epoch(dt.date(2021, 12, 31))))
            a = w.add_account(created=created, followers=int(r.lognormal(4.2, 1.3)))
            w.label("account", a, "sleeper_activation", op)
            dev, (ip, asn, cc) = w.device(), nets[int(r.integers(len(nets)))]
            first = wake + int(r.integers(0, window))
            w.login(a, first, dev, ip, cc, asn)
            w.logins_for(a, first, w.end, int(r.integers(2, 7)), dev, ip, cc, asn)
            for _ in range(int(r.integers(3, 10))):
                w.post(a, w.at(first + 600, w.round2), _political(w, cand),
                       hashtags=[cand.tag, str(r.choice(vocab.ELECTION_TAGS))], election=True)
            w.engage(a, "follow", cand.account_id, first + int(r.integers(60, 3600)), dev, ip, cc)


def spam_signup(w: World) -> None:
    r = w.rng
    for k in range(int(r.integers(2, 4))):
        op = w.new_op("spam_signup")
        t = w.at(w.start, w.end - 2 * DAY)
        devs = [w.device() for _ in range(int(r.integers(1, 5)))]
        ip, asn, cc = w.ip_prefix("RO") if k == 0 else w.ip_prefix(datacenter=True)
        phones = ("VN", "ID", "NG", "BD", "PK", "IN", "PH")
        for _ in range(int(r.integers(40, 160))):
            t += int(r.exponential(15)) + 1
            dev = devs[int(r.integers(len(devs)))]
            created = r.random() < r.uniform(0.06, 0.2)
            acc = None
            if created:
                h = w.unique_handle(f"user{int(r.integers(10**6, 10**8))}" if r.random() < 0.6
                                    else f"{w.person(False)[0]}{int(r.integers(1000, 99999))}")
                acc = w.add_account(created=t + int(r.integers(2, 20)), handle=h, display=h, bio="", avatar=None,
                                    followers=0, following=int(r.integers(0, 10)))
                w.label("account", acc, "spam_signup", op)
                w.logins_for(acc, t, w.end, int(r.integers(1, 4)), dev, ip, cc, asn)
            w.signup(t, dev, ip, cc, str(r.choice(vocab.THROWAWAY_DOMAINS)), str(r.choice(phones)),
                     str(r.choice(vocab.SCRIPT_AGENTS)), acc)


def recidivism(w: World, sc: Scenario) -> None:
    r = w.rng
    for k in range(2 + int(r.random() < 0.5)):
        op = w.new_op("recidivism")
        cand = sc.candidates[int(r.integers(len(sc.candidates)))]
        banned_at = w.at(epoch(dt.date(2024, 6, 10)), w.start - 3 * DAY)
        reason = f"covert_influence:net-2024-0{int(r.integers(6, 9))}-ro" if k != 1 else "spam:fake_engagement"
        stem = str(r.choice(["romania.suverana", "patriot.roman", "adevarul.gol", "trezirea.neamului"]))
        devs = [w.device() for _ in range(int(r.integers(2, 5)))]
        nets = [w.ip_prefix("RO") for _ in range(2)]
        tags = [cand.tag, stem.replace(".", ""), "trezirea"]
        narr = f"Ei ne-au închis conturile dar nu și vocea. {cand.name} e speranța noastră"
        n_old = int(r.integers(6, 18)) if k != 1 else 1
        for i in range(n_old):
            created = int(r.integers(epoch(dt.date(2022, 1, 1)), epoch(dt.date(2023, 12, 1))))
            a = w.add_account(created=created, handle=w.unique_handle(f"{stem}.{i + 1}"), status="banned",
                              banned_at=banned_at, ban_reason=reason)
            dev, (ip, asn, cc) = devs[i % len(devs)], nets[i % 2]
            w.logins_for(a, w.login_start, banned_at, int(r.integers(3, 8)), dev, ip, cc, asn)
            for _ in range(int(r.integers(2, 6))):
                w.post(a, int(r.integers(banned_at - 60 * DAY, banned_at)), narr, hashtags=tags, status="removed",
                       election=True)
        for i in range(int(r.integers(8, 22)) if k != 1 else 1):
            created = w.at(banned_at + 2 * DAY, w.round1 - 14 * DAY)
            h = w.unique_handle(f"{stem}{'_' if r.random() < 0.5 else '.'}{n_old + i + int(r.integers(1, 30))}")
            a = w.add_account(created=created, handle=h if r.random() < 0.7 else None)
            w.label("account", a, "recidivism", op)
            dev = devs[int(r.integers(len(devs)))] if r.random() < 0.6 else w.device()
            ip, asn, cc = nets[int(r.integers(2))] if r.random() < 0.7 else w.ip_prefix("RO")
            if created >= w.start:
                w.signup(created - 30, dev, ip, cc, str(r.choice(vocab.EMAIL_DOMAINS)), "RO", vocab.USER_AGENTS[0], a)
            w.logins_for(a, created, w.end, int(r.integers(2, 7)), dev, ip, cc, asn)
            for _ in range(int(r.integers(2, 7))):
                w.post(a, w.at(max(created, w.start), w.end), strip_diacritics(narr) if r.random() < 0.4 else narr,
                       hashtags=tags[: int(r.integers(1, 4))], election=True)


CONFUSABLE = {"a": "а", "e": "е", "o": "о", "c": "с", "i": "і", "C": "С", "G": "Ԍ", "M": "М"}  # Latin -> Cyrillic


def confusable(w: World, name: str, n: int = 2) -> str:
    """``name`` with ``n`` letters swapped for Cyrillic look-alikes (``Cаlin Gеorgescu``)."""
    spots = [i for i, ch in enumerate(name) if ch in CONFUSABLE]
    chars = list(name)
    for i in w.rng.choice(spots, size=min(n, len(spots)), replace=False):
        chars[int(i)] = CONFUSABLE[chars[int(i)]]
    return "".join(chars)


def _flip_bits(w: World, hexhash: str, bits: int) -> str:
    v = int(hexhash, 16)
    for b in w.rng.choice(256, size=bits, replace=False):
        v ^= 1 << int(b)
    return f"{v:064x}"


def impersonation(w: World, sc: Scenario) -> None:
    r = w.rng
    targets = list(sc.candidates[:4])
    r.shuffle(targets)
    for k, c in enumerate(targets[: 3 + int(r.random() < 0.5)]):
        op = w.new_op("impersonation")
        h = c.handle
        first, last = c.name.split()[0], c.name.split()[-1]
        handles = [f"{h.replace('.', '')}.oficial", f"{h}_2024", h.replace("l", "I", 1) if "l" in h else h + "_",
                   h.replace("o", "0", 1) if "o" in h else h + ".ro", h.replace("m", "rn", 1) if "m" in h else h + "official"]
        displays = [c.name, confusable(w, c.name, int(r.integers(1, 3))) if k % 2 == 0 else c.name, f"{c.name} ✔️",
                    f"{c.name} (oficial)"]
        for j in range(int(r.integers(1, 4))):
            created = w.at(w.start - 40 * DAY, w.round1 - 7 * DAY)
            hd = w.unique_handle(handles[(k + j) % len(handles)])
            a = w.add_account(created=created, first=first, last=last, handle=hd, display=displays[(k + j) % len(displays)],
                              bio=str(r.choice([f"Pagina oficială {c.name}", "Candidat la Președinția României 🇷🇴",
                                                "Contul oficial. Susține campania!"])),
                              kind="personal", followers=int(r.lognormal(7, 1)), following=int(r.integers(0, 50)),
                              avatar=_flip_bits(w, c.avatar, int(r.integers(2, 14))))
            w.label("account", a, "impersonation", op)
            dev, (ip, asn, cc) = w.device(), w.ip_prefix("RO")
            if created >= w.start:
                w.signup(created - 20, dev, ip, cc, "gmail.com", "RO", vocab.USER_AGENTS[1], a)
            w.logins_for(a, created, w.end, int(r.integers(3, 9)), dev, ip, cc, asn)
            for _ in range(int(r.integers(2, 8))):
                msg = str(r.choice([f"Dragi români, vă mulțumesc pentru susținere! Donați pentru campanie la linkul din bio. {c.name}",
                                    f"Mesaj oficial de la {c.name}: votați pe 24 noiembrie!",
                                    f"{c.name}: am nevoie de voi. Distribuiți!"]))
                w.post(a, w.at(max(created, w.start), w.end), msg, hashtags=["alegeri2024", c.tag], election=True,
                       urls=[f"https://donatii-{ascii_handle(last)}.com/{int(r.integers(100, 999))}"] if r.random() < 0.5 else [])
    _impersonate_authority(w, sc)


def _impersonate_authority(w: World, sc: Scenario) -> None:
    """A fake electoral-authority account pushing wrong voting information."""
    r = w.rng
    op = w.new_op("impersonation")
    official = w.acc[sc.government[1]]
    name = official["display_name"]
    for hd in r.choice(["aep.romania.oficial", "aep_romania", "aep.r0mania", "roaep.info"], size=int(r.integers(1, 3)),
                       replace=False):
        created = w.at(w.round1 - 30 * DAY, w.round1 - 5 * DAY)
        a = w.add_account(created=created, first=name, last="AEP", handle=w.unique_handle(str(hd)),
                          display=confusable(w, name, 2) if r.random() < 0.5 else name,
                          bio="Informații oficiale despre alegeri", kind="personal", followers=int(r.lognormal(6, 1)),
                          avatar=official["avatar_hash"])
        w.label("account", a, "impersonation", op)
        dev, (ip, asn, cc) = w.device(), w.ip_prefix("RO")
        w.signup(created - 25, dev, ip, cc, "gmail.com", "RO", vocab.USER_AGENTS[0], a)
        w.logins_for(a, created, w.end, int(r.integers(2, 6)), dev, ip, cc, asn)
        for _ in range(int(r.integers(2, 6))):
            w.post(a, w.at(max(created, w.start), w.round1 + DAY), "Anunț oficial: secțiile de votare se mută. "
                   "Verificați noua adresă la linkul de mai jos", hashtags=["alegeri2024", "vot"], election=True,
                   urls=[f"https://aep-sectii.info/{int(r.integers(1000, 9999))}"])
