"""The election under watch and the official accounts around it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from civicshield.sim.world import World, ascii_handle
from civicshield.text import fold

ROUNDS = (dt.date(2024, 11, 24), dt.date(2024, 12, 8))
WATCH_FROM = dt.date(2024, 9, 1)

# (id, name, aliases, party, official handle); the 2024 Romanian first round.
DEFAULT_CANDIDATES = (
    ("cand-georgescu", "Călin Georgescu", ("Georgescu", "Calin Georgescu"), "independent", "calingeorgescu"),
    ("cand-lasconi", "Elena Lasconi", ("Lasconi",), "usr", "elenalasconi"),
    ("cand-ciolacu", "Marcel Ciolacu", ("Ciolacu",), "psd", "marcel.ciolacu"),
    ("cand-simion", "George Simion", ("Simion",), "aur", "georgesimion"),
    ("cand-ciuca", "Nicolae Ciucă", ("Ciucă", "Ciuca", "Nicolae Ciuca"), "pnl", "nicolae.ciuca"),
    ("cand-kelemen", "Kelemen Hunor", ("Kelemen", "Hunor Kelemen"), "udmr", "kelemenhunor"),
    ("cand-geoana", "Mircea Geoană", ("Geoană", "Geoana", "Mircea Geoana"), "independent", "mirceageoana"),
)
PARTIES = (
    ("psd", "Partidul Social Democrat", ("PSD",), "psdromania"),
    ("pnl", "Partidul Național Liberal", ("PNL",), "pnl.romania"),
    ("usr", "Uniunea Salvați România", ("USR",), "usr.romania"),
    ("aur", "Alianța pentru Unirea Românilor", ("AUR",), "aur.oficial"),
    ("udmr", "Uniunea Democrată Maghiară din România", ("UDMR", "RMDSZ"), "udmr.rmdsz"),
)


@dataclass
class Cand:
    id: str
    name: str
    aliases: tuple[str, ...]
    party: str
    handle: str
    account_id: str = ""
    avatar: str = ""
    surname: str = ""
    tag: str = ""  # the hashtag supporters use

    def forms(self) -> tuple[str, ...]:
        """How people write the name: full, without diacritics, surname only."""
        plain = fold(self.name).title()
        return (self.name, plain, self.surname, self.surname, self.name)


@dataclass
class Scenario:
    country: str
    languages: tuple[str, ...]
    candidates: list[Cand]
    parties: list[tuple[str, str, tuple[str, ...], str]]
    party_accounts: dict[str, str] = field(default_factory=dict)
    government: list[str] = field(default_factory=list)
    state_media_domestic: list[str] = field(default_factory=list)
    state_media_foreign: list[str] = field(default_factory=list)
    keywords: tuple[str, ...] = ("alegeri", "prezidențiale", "vot", "votez", "votare", "candidat", "turul",
                                 "választás", "szavazás", "elnökválasztás", "election", "ballot")

    def toml(self) -> str:
        q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - TOML basic strings are JSON strings
        arr = lambda xs: "[" + ", ".join(q(x) for x in xs) + "]"  # noqa: E731
        c = self.country
        lines = [
            f"id = {q(f'{c.lower()}-2024-presidential')}",
            f"country = {q(c)}",
            f"name = {q('Romanian presidential election 2024' if c == 'RO' else f'{c} presidential election 2024')}",
            f"rounds = {arr([d.isoformat() for d in ROUNDS])}",
            f"watch_from = {q(WATCH_FROM.isoformat())}",
            f"authority_name = {q('Permanent Electoral Authority')}",
            f"authority_url = {q('https://www.roaep.ro/')}",
            f"authority_aliases = [{q('Autoritatea Electorală Permanentă')}, {q('AEP')}]",
            f"languages = {arr(self.languages)}",
            f"keywords = {arr(self.keywords)}",
        ]
        for cand in self.candidates:
            lines += ["", "[[candidates]]", f"id = {q(cand.id)}", f"name = {q(cand.name)}",
                      f"aliases = {arr(cand.aliases)}", f"party = {q(cand.party)}",
                      f"official_account_ids = {arr([cand.account_id])}", f"avatar_hashes = {arr([cand.avatar])}"]
        for pid, name, aliases, _ in self.parties:
            lines += ["", "[[parties]]", f"id = {q(pid)}", f"name = {q(name)}", f"aliases = {arr(aliases)}",
                      f"official_account_ids = {arr([self.party_accounts[pid]])}"]
        return "\n".join(lines) + "\n"


def _hex64(w: World) -> str:
    return "".join(f"{int(x):016x}" for x in w.rng.integers(0, 2**62, size=4))


def build_scenario(w: World, country: str, languages: tuple[str, ...], names: tuple[str, ...]) -> Scenario:
    if names:
        raw = [(f"cand-{ascii_handle(n.split()[-1])}", n, (n.split()[-1], fold(n).title()), "independent",
                ascii_handle(n).replace(".", "")) for n in names]
    else:
        raw = list(DEFAULT_CANDIDATES)
    cands = []
    for cid, name, aliases, party, handle in raw:
        surname = name.split()[0] if cid == "cand-kelemen" else name.split()[-1]
        c = Cand(cid, name, tuple(aliases), party, handle, surname=surname, tag=ascii_handle(fold(name)).replace(".", ""))
        c.avatar = _hex64(w)
        c.account_id = w.add_account(
            created=int(w.rng.integers(1_450_000_000, 1_700_000_000)), first=name.split()[0], last=name.split()[-1],
            handle=handle, display=name, bio=f"Candidat la alegerile prezidențiale 2024 · Pagina oficială {name}",
            kind="politician", country=country, verified=True, followers=int(w.rng.lognormal(12.5, 0.6)),
            following=int(w.rng.integers(10, 300)), avatar=c.avatar, bulk=True)
        cands.append(c)
    sc = Scenario(country, languages, cands, list(PARTIES) if not names else [])
    for pid, name, aliases, handle in sc.parties:
        sc.party_accounts[pid] = w.add_account(
            created=int(w.rng.integers(1_400_000_000, 1_650_000_000)), first=name, last=aliases[0], handle=handle,
            display=name, bio=f"Pagina oficială {aliases[0]}", kind="party", country=country, verified=True,
            followers=int(w.rng.lognormal(11, 0.7)), bulk=True)
    for handle, display in (("guvernul.romaniei", "Guvernul României"), ("aep.romania", "Autoritatea Electorală Permanentă"),
                            ("mai.romania", "Ministerul Afacerilor Interne")):
        sc.government.append(w.add_account(
            created=int(w.rng.integers(1_450_000_000, 1_650_000_000)), first=display, last="gov", handle=handle,
            display=display, bio="Cont oficial", kind="government", country=country, verified=True,
            followers=int(w.rng.lognormal(11, 0.6)), bulk=True))
    for handle, display in (("tvr.info", "TVR Info"), ("radio.romania.actualitati", "Radio România Actualități")):
        sc.state_media_domestic.append(w.add_account(
            created=int(w.rng.integers(1_450_000_000, 1_650_000_000)), first=display, last="media", handle=handle,
            display=display, bio="Televiziunea publică / Radio public", kind="state_media", country=country,
            verified=True, followers=int(w.rng.lognormal(11.5, 0.5)), bulk=True))
    for handle, display in (("sputnik.md.ro", "Sputnik Moldova-România"), ("stiri.rusia.azi", "Știri Rusia Azi")):
        sc.state_media_foreign.append(w.add_account(
            created=int(w.rng.integers(1_500_000_000, 1_700_000_000)), first=display, last="media", handle=handle,
            display=display, bio="Știri și analize", kind="state_media", country="RU", language="ro",
            verified=False, followers=int(w.rng.lognormal(10, 0.6)), bulk=True))
    return sc


def official_posts(w: World, sc: Scenario) -> None:
    """Candidates, parties and government post through the campaign (ads are planted in ops_content)."""
    for c in sc.candidates:
        for _ in range(int(w.rng.integers(12, 30))):
            t = w.at(w.start, w.round2)
            topic = str(w.rng.choice(("economie", "sănătate", "educație", "diaspora", "pensii", "agricultură")))
            w.post(c.account_id, t, f"Vă aștept la vot! Programul meu pentru {topic}: România merită mai mult. {c.name}",
                   hashtags=("alegeri2024", c.tag), election=True, weight=float(w.rng.uniform(20, 60)),
                   views=int(w.rng.lognormal(11, 0.8)))
    for acc in sc.government:
        for _ in range(int(w.rng.integers(4, 10))):
            w.post(acc, w.at(w.start, w.end), "Informații oficiale despre alegerile prezidențiale: secții de votare, "
                   "program și documente necesare", hashtags=("alegeri2024",), urls=("https://www.roaep.ro/",),
                   election=True, weight=8.0)
    for acc in sc.state_media_domestic:
        for _ in range(int(w.rng.integers(10, 20))):
            if w.rng.random() < 0.5:
                w.post(acc, w.at(w.start, w.end), "Știri: campania pentru alegerile prezidențiale, pe scurt",
                       hashtags=("stiri", "alegeri2024"), election=True, weight=5.0)
            else:
                w.post(acc, w.at(w.start, w.end), "Știri: vremea și traficul în weekend", hashtags=("stiri",),
                       weight=3.0)
