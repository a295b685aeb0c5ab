"""Operations that post together: covert networks, off-platform recruitment,
undisclosed paid promotion."""

from __future__ import annotations

import datetime as dt

import numpy as np

from civicshield.sim import vocab
from civicshield.sim.mutate import url_variant, variant
from civicshield.sim.organic import Population
from civicshield.sim.scenario import Scenario
from civicshield.sim.world import DAY, World, epoch

NARRATIVES = (
    "{c} este singurul care apără România! Nu vă lăsați manipulați de presă",
    "Trezește-te, Românie! {c} spune adevărul pe care ei îl ascund",
    "Suveranitate, credință și demnitate. {c} președinte",
    "Sistemul tremură în fața lui {c}. Distribuie înainte să fie șters",
    "Ei vor război, noi vrem pace. Votează {c} pe 24 noiembrie",
    "{c} a spus-o clar: România nu mai e colonie. Ascultați tot",
    "Nu mai votăm cu răul cel mai mic. {c} e alegerea românilor adevărați",
    "Românii din diaspora sunt cu {c}! Toți la vot",
    "Fermierii români merită respect. Doar {c} îi apără",
    "Presa vândută tace, dar poporul îl vrea pe {c}",
    "Uitați-vă ce a spus {c} despre apă și pământ. Istoric",
    "Alegerea e simplă: România sau slugărnicia. {c}",
)
REPLIES = ("Singurul președinte adevărat! 🇷🇴", "Toată România e cu tine!", "Dumnezeu să te ajute, suntem alături",
           "Nu vă lăsați păcăliți, el e alegerea corectă", "Votăm cu încredere!")
CAMPAIGN_TAGS = ("romaniasuverana", "trezesteteromanie", "votezromania", "demnitate", "pacesiprosperitate",
                 "romanianoastra", "poporulsuveran", "adevarul", "fyp", "viral", "alegeri2024")
OP_SITES = ("stiri-suverane.ro", "romania-adevarata.info", "ziarulpatriotic.net", "vocea-poporului.ro")


def _ordinary_text(w: World) -> str:
    tpl = vocab.ORDINARY["ro"][int(w.rng.integers(len(vocab.ORDINARY["ro"])))]
    return tpl.format(city=w.rng.choice(vocab.RO_CITIES), food=w.rng.choice(vocab.FOODS_RO),
                      team=w.rng.choice(vocab.TEAMS), place=w.rng.choice(vocab.PLACES_RO),
                      artist=w.rng.choice(vocab.ARTISTS), e=w.rng.choice(vocab.EMOJI))


def _op_accounts(w: World, n: int, op: str, batch_share: float) -> list[str]:
    """Accounts for an operation: part created in one batch by the operator, part aged."""
    r = w.rng
    n_batch = int(round(n * batch_share)) if n * batch_share >= 5 else 0
    accs = []
    if n_batch:
        t0 = w.at(epoch(dt.date(2024, 6, 1)), w.start + 30 * DAY)
        dev, (ip, _asn, cc) = w.device(), w.ip_prefix("RO")
        t = t0
        for _ in range(n_batch):
            t += int(r.integers(15, 90))
            a = w.add_account(created=t, following=int(r.integers(0, 40)), followers=int(r.integers(0, 60)))
            accs.append(a)
            w.label("account", a, "batch_created", op)
            if t >= w.start:
                w.signup(t - int(r.integers(5, 30)), dev, ip, cc, str(r.choice(vocab.EMAIL_DOMAINS)), "RO",
                         vocab.USER_AGENTS[1], a)
    for _ in range(n - n_batch):
        accs.append(w.add_account(created=int(r.integers(1_430_000_000, 1_700_000_000))))
    return accs


def coordinated_networks(w: World, sc: Scenario) -> None:
    r = w.rng
    sizes = [int(r.integers(10, 16)), int(r.integers(18, 28)), int(r.integers(60, 90))]
    if r.random() < 0.6:
        sizes.append(int(r.integers(30, 45)))
    # how tight each operator's scheduling is (mean seconds after the cue) and how many
    # members turn out per event; one per seed is loose: a scheduler with jitter, spotty turnout
    timing = [(25.0, 0.55, 0.9), (70.0, 0.55, 0.9), (150.0, 0.5, 0.85), (600.0, 0.3, 0.6)]
    loose = int(r.integers(len(sizes)))
    for k, size in enumerate(sizes):
        op = w.new_op("coordinated_network")
        cand = sc.candidates[0] if k % 2 == 0 else sc.candidates[int(r.integers(len(sc.candidates)))]
        accs = _op_accounts(w, size, op, batch_share=float(r.choice([0.0, 0.4, 0.8])))
        for a in accs:
            w.label("account", a, "coordinated_network", op)
        # operator phones and proxies: some accounts share them, others were bought with their own
        devs = [w.device() for _ in range(max(2, size // 6))]
        nets = [w.ip_prefix("RO") for _ in range(2)] + [w.ip_prefix(datacenter=True)]
        home = {}
        for a in accs:
            shared = r.random() < 0.6
            dev = devs[int(r.integers(len(devs)))] if shared else w.device()
            ip, asn, cc = nets[int(r.integers(len(nets)))] if shared else w.ip_prefix("RO")
            home[a] = (dev, ip, cc, asn)
            created = w.acc[a]["created_at"]
            w.logins_for(a, max(created, w.login_start), w.end, int(r.integers(3, 9)), dev, ip, cc, asn)
        tags = list(r.choice(CAMPAIGN_TAGS, size=5, replace=False)) + [cand.tag]
        site = str(r.choice(OP_SITES))
        audio = w.id()
        templates = [NARRATIVES[i] for i in r.choice(len(NARRATIVES), size=8, replace=False)]
        spread, lo_part, hi_part = timing[3] if k == loose else timing[int(r.integers(3))]
        official = sorted((p["created_at"], p["post_id"]) for p in w.rows["posts"] if p["account_id"] == cand.account_id)
        n_events = int(r.integers(20, 42))
        lo, hi = w.start + int(r.integers(0, 25)) * DAY, w.round2
        for e in range(n_events):
            t0 = w.at(lo, hi)
            turnout = r.uniform(lo_part, hi_part)
            who = [a for a in accs if r.random() < turnout] or accs[:3]
            tpl = templates[e % len(templates)]
            base = tpl.format(c=cand.forms()[int(r.integers(5))])
            slug = f"articol/{int(r.integers(10**5, 10**6))}-{cand.tag}"
            use_url, use_audio = r.random() < 0.5, r.random() < 0.4
            ev_tags = list(r.choice(tags, size=3, replace=False))
            earlier = [pid for pt, pid in official if pt < t0]
            if earlier and r.random() < 0.25:  # the same members swarm the candidate's latest post with replies
                reply = REPLIES[int(r.integers(len(REPLIES)))]
                for a in who:
                    if t0 >= w.acc[a]["created_at"]:
                        w.comment(a, earlier[-1], t0 + int(r.exponential(spread)), variant(r, reply))
            for a in who:
                t = t0 + int(r.exponential(spread))
                if t < w.acc[a]["created_at"]:
                    continue
                dev, ip, cc, _ = home[a]
                w.post(a, t, variant(r, base), hashtags=ev_tags if r.random() < 0.85 else ev_tags[:2],
                       urls=[url_variant(r, site, slug)] if use_url else [], audio=audio if use_audio else "auto",
                       mentions=[cand.handle] if r.random() < 0.2 else [],
                       country=cc, election=True)
        for a in accs:  # camouflage: ordinary posts at ordinary times
            for _ in range(int(r.integers(0, 7))):
                t = w.at(max(w.start, w.acc[a]["created_at"]), w.end)
                w.post(a, t, _ordinary_text(w), hashtags=list(r.choice(vocab.ORDINARY_TAGS, size=2)), weight=0.3)


def offplatform_recruitment(w: World, sc: Scenario, pop: Population) -> None:
    r = w.rng
    eligible = [pop.ids[i] for i in range(len(pop)) if pop.created[i] < w.start and pop.country[i] == w.country]
    for k in range(int(r.integers(2, 4))):
        op = w.new_op("offplatform_recruitment")
        cand = sc.candidates[int(r.integers(len(sc.candidates)))]
        channel = str(r.choice(["@romania_in_actiune", "@voluntari_pentru_tara", "@echipa_online_ro", "@misiunea_zilei"]))
        channel = f"{channel}{k or ''}"
        recruits = w.pick(eligible, int(r.integers(14, 45)))
        msg_id = int(r.integers(200, 5000))
        n_instr = int(r.integers(4, 8))
        lo = w.start + int(r.integers(10, 40)) * DAY
        times = sorted(w.at(lo, w.round1) for _ in range(n_instr))
        acted: dict[str, int] = {a: 0 for a in recruits}
        tag = None
        for j, t0 in enumerate(times):
            tag = f"{cand.tag}{str(r.choice(['presedinte', 'castiga', 'pentruromania', 'acum']))}"
            url = f"https://{r.choice(OP_SITES)}/video/{int(r.integers(10**5, 10**6))}"
            line = NARRATIVES[int(r.integers(len(NARRATIVES)))].format(c=cand.name)
            msg_id += int(r.integers(3, 40))
            w.rows["external_messages"].append({
                "source": "telegram", "channel": channel, "message_id": f"{channel[1:]}/{msg_id}", "created_at": t0,
                "text": f"Misiunea de azi 📢 Postați pe TikTok cu #{tag} și linkul {url} . Text: „{line}”. "
                        "Trimiteți captura în grup!", "hashtags": [tag], "urls": [url]})
            last = j == len(times) - 1
            for a in recruits:
                if r.random() < 0.7 or (last and acted[a] < 2):
                    t = t0 + int(r.lognormal(6.5, 0.8))  # ~11 min median, all within the hour
                    text = variant(r, line) if r.random() < 0.6 else f"{line.split('.')[0]} 🇷🇴"
                    w.post(a, t, text, hashtags=[tag] + ([cand.tag] if r.random() < 0.5 else []),
                           urls=[url] if r.random() < 0.6 else [], election=True)
                    acted[a] += 1
        for a, n in acted.items():
            if n >= 2:
                w.label("account", a, "offplatform_recruitment", op)
        for _ in range(int(r.integers(5, 15))):  # the channel also chats
            msg_id += 1
            w.rows["external_messages"].append({
                "source": "telegram", "channel": channel, "message_id": f"{channel[1:]}/{msg_id}", "created_at": w.at(lo, w.end),
                "text": str(r.choice(["Bună seara, frați români 🇷🇴", "Mulțumim tuturor pentru implicare!",
                                      "Urmăriți live-ul de diseară", "Nu uitați să distribuiți"])),
                "hashtags": [], "urls": []})
        # later, unprompted use of the same tag by people outside the channel
        w.current_op = None
        if tag:
            for a in w.pick(eligible, int(r.integers(4, 10))):
                p = w.post(a, w.at(times[-1] + 4 * DAY, w.end), f"Am văzut peste tot #{tag}, ce înseamnă?",
                           hashtags=[tag], election=True)
                w.lookalike("post", p, "recruitment_hashtag_later", ("offplatform_recruitment",))


def _news_channels(w: World) -> None:
    """Background channels.  Message ids are t.me's ``channel/number``: Telegram numbers per channel."""
    for ch in ("@stiri_romania_live", "@breaking_ro", "@maszol_hirek"):
        for m in range(int(w.rng.integers(20, 60))):
            w.rows["external_messages"].append({
                "source": "telegram", "channel": ch, "message_id": f"{ch[1:]}/{1000 + m}", "created_at": w.at(w.start, w.end),
                "text": str(w.rng.choice(["Trafic blocat pe A1 la Pitești", "Vremea: ploi în weekend",
                                          "Curs valutar: euro 4,97 lei", "Meciul de aseară, rezumat"])),
                "hashtags": [], "urls": []})


def paid_promotion(w: World, sc: Scenario, pop: Population) -> None:
    r = w.rng
    _news_channels(w)
    creators = [pop.ids[i] for i in np.nonzero(pop.creator & (pop.created < w.start))[0]]
    payers = ("FA Media Consulting SRL", "telegram:@sponsor_campanie", "Asociația Viitorul Patriei",
              "Brand Boost Agency SRL")
    slogans = ("#echilibrusiverticalitate Un singur om poate reda demnitatea României: {c}",
               "Eu aleg pacea și prosperitatea. Eu aleg {c} #romaniaprospera",
               "Tinerii au ales: {c}! Mergem la vot #generatiaschimbarii")
    n_ops = int(r.integers(2, 4))
    for k in range(n_ops):
        op = w.new_op("undisclosed_paid_promotion")
        cand = sc.candidates[int(r.integers(len(sc.candidates)))]
        slogan = slogans[k % len(slogans)].format(c=cand.name)
        tags = [h.lstrip("#") for h in slogan.split() if h.startswith("#")] + [cand.tag, "fyp"]
        payer = payers[k % len(payers)]
        group = w.pick(creators, int(r.integers(4, 9)))
        t0 = w.at(w.round1 - 20 * DAY, w.round1 - 3 * DAY)
        for j, a in enumerate(group):
            w.label("account", a, "undisclosed_paid_promotion", op)
            if j % 3 != 2:  # only some payments surface
                w.rows["payments"].append({"payer": payer, "payee_account_id": a,
                                           "amount": float(r.choice([500, 800, 1000, 1500, 2500, 4000])),
                                           "currency": str(r.choice(["RON", "EUR"])),
                                           "paid_at": t0 - int(r.integers(1, 5)) * DAY,
                                           "reference": f"colaborare {int(r.integers(100, 999))}"})
            for _ in range(int(r.integers(1, 4))):
                t = t0 + int(r.integers(0, 36 * 3600))
                intro = str(r.choice(["Gânduri de azi:", "Nu fac politică de obicei, dar", "Pentru cine mă urmărește:",
                                      "Mesaj important!", ""]))
                p = w.post(a, t, f"{intro} {slogan}".strip(), hashtags=tags, election=True,
                           views=int(r.lognormal(10, 0.8)), weight=6.0)
                w.label("post", p, "undisclosed_paid_promotion", op)
