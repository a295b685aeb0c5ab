"""Content operations: AI media, political ads, foreign state media, false claims."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from civicshield.sim import vocab
from civicshield.sim.media import plain_jpeg, sign_jpeg
from civicshield.sim.mutate import strip_diacritics, variant
from civicshield.sim.organic import Population
from civicshield.sim.scenario import Scenario
from civicshield.sim.world import DAY, World

CLAIMS = (
    ("claim-1", "false", "Atenție! Turul 1 al alegerilor prezidențiale a fost mutat pe 1 decembrie",
     "Attention! The first round of the presidential election was moved to December 1",
     "Figyelem! Az elnökválasztás első fordulóját december 1-re halasztották"),
    ("claim-2", "false", "Buletinele de vot au fost deja numărate înainte de alegeri, rezultatul e stabilit",
     "The ballots were already counted before the election, the result is fixed",
     "A szavazólapokat már a választás előtt megszámolták, az eredmény eldőlt"),
    ("claim-3", "false", "{c2} a declarat: „Pensionarii nu ar trebui să mai aibă drept de vot”",
     "{c2} said: 'Pensioners should no longer have the right to vote'",
     "{c2} kijelentette: „A nyugdíjasoknak ne legyen szavazati joguk”"),
    ("claim-4", "false", "Puteți vota și online, prin SMS la numărul 1888, fără să mergeți la secție",
     "You can also vote online by SMS to 1888 without going to the polling station",
     "Az elnökválasztáson SMS-ben is lehet szavazni az 1888-as számon"),
    ("claim-5", "misleading", "Observatorii au confirmat: prezența la vot din diaspora a fost umflată cu un milion de voturi",
     "Observers confirmed: diaspora turnout was inflated by a million votes",
     "A megfigyelők megerősítették: a diaszpóra választási részvételét egymillió szavazattal felfújták"),
)


class MediaSet:
    """The few images a run signs; many posts point at each."""

    def __init__(self, root: Path, w: World, sc: Scenario, write: bool = True):
        # ``write=False`` draws the same names (so the tables do not change) but writes no file
        self.root, self.write = root, write
        self.paths: dict[str, str] = {}
        c0, c1 = sc.candidates[0].name, sc.candidates[1].name
        specs = {
            "ai_candidate": ("trainedAlgorithmicMedia", f"{c0} rally"),
            "ai_composite": ("compositeWithTrainedAlgorithmicMedia", f"{c1} meeting"),
            "ai_landscape": ("trainedAlgorithmicMedia", "mountain sunset"),
            "ai_pattern": ("algorithmicMedia", "fractal"),
            "ai_labelled": ("trainedAlgorithmicMedia", "fantasy castle"),
            "edited": (None, "street photo"),
        }
        for i, (key, (dst, title)) in enumerate(specs.items()):
            name = f"{w.id()}.jpg"
            if write:
                sign_jpeg(root / name, dst, title, seed=i)
            self.paths[key] = name
        self.photos = []
        for i in range(6):
            name = f"{w.id()}.jpg"
            if write:
                plain_jpeg(root / name, "photo", seed=20 + i)
            self.photos.append(name)
        self._w = w
        self._cards: dict[str, str] = {}

    def card(self, key: str) -> str:
        """A plain image (a screenshot, a meme card) made once and re-uploaded many times."""
        if key not in self._cards:
            name = f"{self._w.id()}.jpg"
            if self.write:
                plain_jpeg(self.root / name, key, seed=40 + len(self._cards))
            self._cards[key] = name
        return self._cards[key]


def ai_media(w: World, sc: Scenario, pop: Population, media: MediaSet) -> None:
    r = w.rng
    people = [pop.ids[i] for i in r.choice(len(pop), size=60, replace=False) if pop.created[i] < w.start]
    c0, c1, c2 = sc.candidates[0], sc.candidates[1], sc.candidates[2]
    plans = (  # (image, text template, misleading?)
        ("ai_candidate", f"{c0.name} la mitingul de aseară, uitați câtă lume! 🇷🇴", True),
        ("ai_composite", f"Imagini exclusive: {c1.name} și {c2.name} la o întâlnire secretă", True),
        ("ai_landscape", "Apus în Munții Bucegi, ce culori 😍", False),
        ("ai_pattern", "Arta mea nouă ✨", False),
    )
    for image, text, misleading in plans:
        op = w.new_op("unlabelled_ai")
        posters = people[:8] if misleading else people[8:14]
        people = people[14:] + people[:14]
        for _ in range(int(r.integers(4, 12))):
            a = posters[int(r.integers(len(posters)))]
            p = w.post(a, w.at(w.start, w.end), variant(r, text) if r.random() < 0.5 else text,
                       hashtags=[c0.tag, "alegeri2024"] if image == "ai_candidate" else ["fyp"],
                       media=media.paths[image], election=misleading, weight=2.0)
            w.label("post", p, "unlabelled_ai", op)
            if misleading:
                w.label("post", p, "misleading_ai", op)
        if misleading:
            w.ops_by_kind["misleading_ai"] += 1
    # look-alikes: AI media that is labelled, edited photos, ordinary photos
    w.current_op = None
    for _ in range(int(r.integers(5, 12))):
        p = w.post(people[int(r.integers(len(people)))], w.at(w.start, w.end), "Castelul din vis, făcut cu AI ✨",
                   hashtags=["aiart"], ai_label=True, media=media.paths["ai_labelled"], weight=1.0)
        w.lookalike("post", p, "labelled_ai", ("unlabelled_ai", "misleading_ai"))
    for _ in range(int(r.integers(5, 12))):
        named = r.random() < 0.5
        text = f"Am fost la mitingul lui {c0.name}, poză editată de mine" if named else "Seară pe străzile Clujului 📸"
        p = w.post(people[int(r.integers(len(people)))], w.at(w.start, w.end), text, hashtags=["foto"],
                   media=media.paths["edited"], election=named, weight=1.0)
        w.lookalike("post", p, "edited_photo", ("unlabelled_ai", "misleading_ai"))
    for _ in range(int(r.integers(10, 25))):
        w.post(people[int(r.integers(len(people)))], w.at(w.start, w.end), "Poze din vacanță 🌊",
               hashtags=["vacanta"], media=media.photos[int(r.integers(len(media.photos)))], weight=1.0)


def political_ads(w: World, sc: Scenario, pop: Population) -> None:
    r = w.rng
    # GPPPA accounts advertising, whatever the content
    for c in sc.candidates[: 2 + int(r.integers(0, 3))]:
        op = w.new_op("political_ad")
        for _ in range(int(r.integers(2, 6))):
            p = w.post(c.account_id, w.at(w.start, w.round1), f"Împreună pentru o Românie puternică. {c.name} 2024",
                       hashtags=[c.tag, "alegeri2024"], is_ad=True, election=True, weight=10.0)
            w.label("post", p, "political_ad", op)
    op = w.new_op("political_ad")
    for _ in range(int(r.integers(2, 5))):
        p = w.post(sc.government[1], w.at(w.start, w.round1), "Verifică-ți secția de votare pe roaep.ro",
                   urls=["https://www.roaep.ro/"], is_ad=True, election=True, weight=8.0)
        w.label("post", p, "political_ad", op)
    # an association buying ads for a candidate
    op = w.new_op("political_ad")
    assoc = w.add_account(created=w.at(w.start - 400 * DAY, w.start), first="Asociația", last="Viitorul",
                          handle=w.unique_handle("asociatia.viitorul.patriei"), display="Asociația Viitorul Patriei",
                          bio="ONG", kind="business", followers=int(r.lognormal(6, 1)))
    cand = sc.candidates[int(r.integers(len(sc.candidates)))]
    for _ in range(int(r.integers(3, 8))):
        p = w.post(assoc, w.at(w.start, w.round1), f"Votează {cand.name} pe 24 noiembrie! Un președinte pentru popor",
                   hashtags=[cand.tag, "alegeri2024"], is_ad=True, election=True, weight=6.0)
        w.label("post", p, "political_ad", op)
    # creators who disclosed a paid political partnership
    creators = w.pick([pop.ids[i] for i in range(len(pop)) if pop.creator[i] and pop.created[i] < w.start], 10)
    op = w.new_op("political_ad")
    for a in creators[:4]:
        p = w.post(a, w.at(w.round1 - 25 * DAY, w.round1), f"#parteneriat Am stat de vorbă cu {cand.name} despre tineri și viitor",
                   hashtags=["parteneriat", cand.tag], branded=True, election=True, weight=4.0)
        w.label("post", p, "political_ad", op)
    # look-alikes: commercial ads and disclosed commercial partnerships
    w.current_op = None
    shops = [w.add_account(created=w.at(w.start - 900 * DAY, w.start), kind="business", first=n, last="SRL",
                           handle=w.unique_handle(n), display=n.replace(".", " ").title(), bio="Magazin online")
             for n in ("casa.bunicii", "fashion.days.ro", "pizzeria.napoli.cluj")]
    for s in shops:
        for _ in range(int(r.integers(3, 8))):
            p = w.post(s, w.at(w.start, w.end), "Reduceri de toamnă: -30% la toată colecția! Comandă acum",
                       hashtags=["reduceri", "shopping"], is_ad=True, weight=2.0)
            w.lookalike("post", p, "commercial_ad", ("political_ad",))
    for a in creators[4:10]:
        p = w.post(a, w.at(w.start, w.end), "#ad Noua mea rutină de skincare, în parteneriat cu un brand românesc",
                   hashtags=["ad", "skincare"], branded=True, weight=3.0)
        w.lookalike("post", p, "commercial_branded", ("political_ad", "undisclosed_paid_promotion"))


def state_media(w: World, sc: Scenario) -> None:
    r = w.rng
    lines = ("Analiză: Occidentul vrea să decidă cine câștigă alegerile din România",
             "Românii sunt obosiți de războiul altora, arată un sondaj despre alegeri",
             "Experți: votul din 24 noiembrie poate schimba direcția țării",
             "Știri: prețurile la energie cresc din nou în Europa",
             "Reportaj: viața la sat în Republica Moldova")
    for acc in sc.state_media_foreign:
        op = w.new_op("state_media_foreign")
        for _ in range(int(r.integers(10, 25))):
            k = int(r.integers(len(lines)))
            p = w.post(acc, w.at(w.start, w.end), lines[k], hashtags=["stiri", "romania"] + (["alegeri2024"] if k < 3 else []),
                       language="ro", country="RU", election=k < 3, weight=float(r.uniform(4, 12)))
            w.label("post", p, "state_media_foreign", op)
    for acc in sc.state_media_domestic + sc.government:
        w.lookalike("account", acc, "domestic_state_media", ("state_media_foreign",))


def misinformation(w: World, sc: Scenario, pop: Population, media: MediaSet) -> None:
    r = w.rng
    c2 = sc.candidates[1].name
    settled = np.nonzero(pop.created < w.start)[0]
    people = [pop.ids[i] for i in r.choice(settled, size=min(len(settled), 400), replace=False)]
    for claim, verdict, ro, en, hu in CLAIMS:
        ro, en, hu = (s.format(c2=c2) for s in (ro, en, hu))
        w.claims.append({"claim": claim, "text": ro, "verdict": verdict, "language": "ro",
                         "translations": {"en": en, "hu": hu}})
        w.ops_by_kind["election_misinformation"] += 1
        w.current_op = claim
        lo = w.round1 - int(r.integers(5, 30)) * DAY if claim != "claim-5" else w.round1 + DAY
        for _ in range(int(r.integers(8, 30))):
            roll = r.random()
            lang, text = ("en", en) if roll < 0.12 else ("hu", hu) if roll < 0.22 else ("ro", ro)
            if lang == "ro" and r.random() < 0.3:
                text = strip_diacritics(text)
            text = variant(r, text) if r.random() < 0.6 else text
            if r.random() < 0.3:
                text = f"{r.choice(['ATENȚIE!!!', 'Distribuiți!', 'Nu zic eu, zic ei:', 'Share!'])} {text}"
            card = media.card(claim) if r.random() < 0.35 else None  # the same screenshot, re-uploaded
            p = w.post(people[int(r.integers(len(people)))], w.at(lo, min(w.end, lo + 20 * DAY)), text,
                       hashtags=["alegeri2024"] if r.random() < 0.5 else [], language=lang, election=True, weight=3.0,
                       media=card)
            w.label("post", p, "election_misinformation", claim)
    w.current_op = None
    for _ in range(int(r.integers(10, 30))):  # same topics, no false claim
        tpl = vocab.CLAIM_TOPIC[int(r.integers(len(vocab.CLAIM_TOPIC)))]
        p = w.post(people[int(r.integers(len(people)))], w.at(w.start, w.end), tpl.format(c=c2),
                   hashtags=["alegeri2024"], election=True, weight=1.5)
        w.lookalike("post", p, "claim_topic", ("election_misinformation",))
