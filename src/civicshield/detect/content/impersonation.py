"""Impersonation: accounts posing as a candidate, party or official.

Names are compared on TR39 confusable skeletons (ICU SpoofChecker: Cyrillic
``а`` and Latin ``a``, ``I`` and ``l``, ``0`` and ``O`` become one), folded
(NFKC, casefold, diacritics) and stripped of decorations ("official",
"real", years).  rapidfuzz scores handle and display name against every
target in one vectorised pass; avatars are compared with PDQ (Meta: match at
Hamming distance <= 31).

A name match alone is not an impersonation: a namesake is not posing as
anyone.  The account must also *claim* the identity: a disguised name
(confusables), a decoration, the official avatar, or a bio that presents
itself as the candidate or party.  Accounts that say they are fans,
supporters or parodies are not impersonators, nor are the official accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import icu
import numpy as np
from rapidfuzz import fuzz, process

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.text import fold

NAME = "impersonation"

PARAMS = (
    Param("name_threshold", float, 88.0, "rapidfuzz score (0-100) at which a handle or display name matches a target.",
          low=50.0, high=100.0),
    Param("avatar_distance", int, 31, "PDQ Hamming distance at or below which an avatar matches (Meta: 31).",
          low=0, high=128),
    Param("avatar_name_threshold", float, 60.0, "Looser name score that suffices together with an avatar match.",
          low=0.0, high=100.0),
)

# Words impersonators add to a copied name, in Romanian, Hungarian, English
# and Italian (the real-profile test).  Folded.
DECORATIONS = frozenset((
    "official", "oficial", "oficiala", "officiel", "ufficiale", "real", "realul", "the", "adevaratul", "adevarat",
    "vero", "hivatalos", "igazi", "page", "pagina", "tv", "team", "echipa", "news",
))
# Self-declared non-impersonation, folded; matched as whole words in bio or
# display name.
DISCLAIMERS = (
    "fan", "fans", "fani", "fanii", "fanilor", "fanpage", "fanclub", "fan club", "nu este pagina oficiala",
    "nu este contul oficial", "supporter", "supporters", "sustinator", "sustinatoare",
    "sustinatori", "simpatizant", "not affiliated", "neafiliat", "unofficial", "neoficial", "neoficiala",
    "parody", "parodie", "satire", "satira", "rajongo", "rajongoi", "nem hivatalos", "not the real",
    "non ufficiale", "sostenitore", "sostenitori", "parodia",
)
_DISCLAIMER_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(d) for d in DISCLAIMERS) + r")(?!\w)")
_SPLIT = re.compile(r"[^\w]+|_")
# Digits are dropped from names; only election-era years count as a claim
# ("georgescu2024"), not the birth year a namesake puts in a handle.
_YEAR = re.compile(r"20[2-3]\d")
_DIGITS = re.compile(r"\d{2,}")
_CLAIM_RE = re.compile(r"(?<!\w)(?:candidat\w*|presedinte\w*|president\w*|elnok\w*|jelolt\w*|deputat\w*|senator\w*|"
                       r"ministr\w*|minister\w*|primar\w*|partid\w*|party)(?!\w)")


@dataclass(frozen=True)
class _Target:
    ref: str  # candidate / party id
    kind: str  # candidate, party
    label: str  # as written in election.toml
    spaced: str  # skeleton-folded words, decorations removed
    compact: str  # the same without spaces
    plain: str  # folded words without the skeleton, to tell when confusables were needed


class _Normaliser:
    def __init__(self):
        self._spoof = icu.SpoofChecker()

    def skeleton(self, s: str | None) -> str:
        # Skeleton before folding: casefolding first would turn a disguising
        # capital I into i, which the skeleton then no longer maps to l.
        return fold(self._spoof.getSkeleton(0, s)) if s else ""

    def words(self, s: str | None, skeleton: bool = True) -> tuple[list[str], list[str]]:
        """(name words, decorations removed) of a handle or display name."""
        # Digit runs go before the skeleton, which would read "2024" as
        # "2O24"; single digits stay, they may be disguised letters ("0fficial").
        runs = _DIGITS.findall(s or "")
        bare = _DIGITS.sub(" ", s or "")
        toks = [t for t in _SPLIT.split(self.skeleton(bare) if skeleton else fold(bare)) if t]
        deco = [r for r in runs if _YEAR.fullmatch(r)] + [t for t in toks if t in DECORATIONS]
        keep = [t for t in toks if t not in DECORATIONS and not t.isdigit()]
        # "georgescu2024" and "calin.georgescu.official" fuse decorations
        # into words; peel them off the ends.
        if keep:
            for d in sorted(DECORATIONS, key=len, reverse=True):
                if keep[-1].endswith(d) and len(keep[-1]) > len(d) + 3:
                    keep[-1] = keep[-1][: -len(d)]
                    deco.append(d)
                if keep[0].startswith(d) and len(keep[0]) > len(d) + 3:
                    keep[0] = keep[0][len(d):]
                    deco.append(d)
        return keep, deco


def _targets(election, official_profiles: dict[str, tuple[str, str]], norm: _Normaliser) -> list[_Target]:
    out: dict[tuple[str, str], _Target] = {}

    def add(ref, kind, label, exact_only=False):
        keep, _ = norm.words(label)
        if not keep:
            return
        spaced = " ".join(keep)
        if len(keep) == 1 and kind == "candidate" and not exact_only:
            return  # a bare surname is not a target (Georgescu is common)
        plain = " ".join(norm.words(label, skeleton=False)[0])
        out.setdefault((ref, spaced), _Target(ref, kind, label, spaced, spaced.replace(" ", ""), plain))

    for c in election.candidates:
        for label in (c.name, *c.aliases):
            add(c.id, "candidate", label)
        for aid in c.official_account_ids:
            for label in official_profiles.get(aid, ()):
                add(c.id, "candidate", label)
    if election.authority_name:
        for label in (election.authority_name, *election.authority_aliases):
            add("authority", "authority", label, exact_only=True)
        for aid in election.authority_account_ids:
            for label in official_profiles.get(aid, ()):
                add("authority", "authority", label, exact_only=True)
    for p in election.parties:
        for label in (p.name, *p.aliases):
            add(p.id, "party", label)
        for aid in p.official_account_ids:
            for label in official_profiles.get(aid, ()):
                add(p.id, "party", label)
    return list(out.values())


def _pdq_matrix(hexes) -> tuple[np.ndarray, np.ndarray]:
    """(uint64[n, 4], valid mask) from 64-hex PDQ strings; bad ones masked."""
    arr = np.zeros((len(hexes), 4), dtype=np.uint64)
    ok = np.zeros(len(hexes), dtype=bool)
    for i, h in enumerate(hexes):
        if h and len(h) == 64:
            try:
                arr[i] = np.frombuffer(bytes.fromhex(h), dtype=">u8")
                ok[i] = True
            except ValueError:
                pass
    return arr, ok


def _avatar_distances(hexes, official_hexes) -> np.ndarray:
    """Minimum PDQ Hamming distance of each avatar to any official one (257 if none)."""
    acc, ok = _pdq_matrix(hexes)
    off, off_ok = _pdq_matrix(official_hexes)
    off = off[off_ok]
    best = np.full(len(hexes), 257, dtype=np.int64)
    for row in off:
        d = np.bitwise_count(acc ^ row).sum(axis=1).astype(np.int64)
        best = np.minimum(best, np.where(ok, d, 257))
    return best


def run(ctx, params):
    election = ctx.election
    tbl = ctx.query(
        "SELECT account_id, handle, display_name, bio, avatar_hash, coalesce(account_type, 'personal') AS account_type "
        "FROM accounts ORDER BY account_id"
    )
    cols = {n: tbl.column(n).to_pylist() for n in tbl.column_names}
    ids = cols["account_id"]
    official = {a: c.id for c in election.candidates for a in c.official_account_ids}
    official |= {a: p.id for p in election.parties for a in p.official_account_ids}
    official |= {a: "authority" for a in election.authority_account_ids}
    index = {a: i for i, a in enumerate(ids)}
    profiles = {a: tuple(x for x in (cols["handle"][index[a]], cols["display_name"][index[a]]) if x)
                for a in official if a in index}
    norm = _Normaliser()
    targets = _targets(election, profiles, norm)
    if not targets or not ids:
        return
    official_avatars = [h for c in election.candidates for h in c.avatar_hashes]
    official_avatars += [cols["avatar_hash"][index[a]] for a in official if a in index and cols["avatar_hash"][index[a]]]

    handles = [norm.words(h) for h in cols["handle"]]
    names = [norm.words(d) for d in cols["display_name"]]
    handle_keys = ["".join(k) for k, _ in handles]
    name_keys = [" ".join(k) for k, _ in names]
    # One vectorised pass per field: token order does not matter in display
    # names ("Georgescu Calin"); handles have no spaces to sort on.
    h_scores = process.cdist(handle_keys, [t.compact for t in targets], scorer=fuzz.ratio, workers=-1)
    n_scores = process.cdist(name_keys, [t.spaced for t in targets], scorer=fuzz.token_sort_ratio, workers=-1)
    best = np.maximum(h_scores, n_scores)
    best_score = best.max(axis=1)
    best_target = best.argmax(axis=1)
    dist = _avatar_distances(cols["avatar_hash"], official_avatars) if official_avatars else np.full(len(ids), 257)
    avatar_hit = dist <= params["avatar_distance"]
    candidates_idx = np.nonzero((best_score >= params["name_threshold"])
                                | (avatar_hit & (best_score >= params["avatar_name_threshold"])))[0]
    political = PoliticalMatcher(election)
    for i in candidates_idx.tolist():
        aid = ids[i]
        if aid in official:
            continue
        t = targets[int(best_target[i])]
        if t.kind == "party" and " " not in t.spaced and best_score[i] < 100:
            continue  # acronyms are too short for fuzzy matching
        bio, dname, handle = cols["bio"][i] or "", cols["display_name"][i] or "", cols["handle"][i] or ""
        disclaimer = _DISCLAIMER_RE.search(fold(bio)) or _DISCLAIMER_RE.search(fold(dname))
        if disclaimer:
            continue
        signals = []
        # Confusables were used when the name only matches through its skeleton.
        plain = max(fuzz.ratio("".join(norm.words(handle, skeleton=False)[0]), t.plain.replace(" ", "")),
                    fuzz.token_sort_ratio(" ".join(norm.words(dname, skeleton=False)[0]), t.plain))
        if plain < float(best_score[i]) - 3:
            signals.append(f"confusable characters (plain name score {plain:.0f}, skeleton {float(best_score[i]):.0f})")
        deco = sorted({*handles[i][1], *names[i][1]})
        if deco:
            signals.append("decorations: " + ", ".join(deco))
        if avatar_hit[i]:
            signals.append(f"avatar PDQ distance {int(dist[i])} to an official picture")
        bio_claim = _CLAIM_RE.search(fold(bio)) or political.is_political(political.assess_text(bio))
        if bio_claim:
            signals.append("bio presents the account as the candidate or party")
        if cols["account_type"][i] in ("politician", "party"):
            signals.append(f"account type {cols['account_type'][i]}")
        if not signals:
            continue  # a namesake who claims nothing
        score = min(1.0, 0.5 + 0.15 * len(signals) + (float(best_score[i]) - params["name_threshold"]) / 100)
        yield Finding(
            kind="impersonation",
            detector=NAME,
            score=round(max(score, 0.5), 3),
            account_ids=(aid,),
            evidence={
                "target": t.ref,
                "target_name": t.label,
                "handle": handle,
                "display_name": dname,
                "name_score": round(float(best_score[i]), 1),
                "signals": signals,
            },
        )


DETECTOR = Detector(
    name=NAME,
    summary="Accounts posing as a candidate, party or official (confusable skeletons, fuzzy names, PDQ avatars).",
    kinds=("impersonation",),
    requires=("accounts",),
    params=PARAMS,
    run=run,
    limits="Targets are the candidates and parties in election.toml and their official accounts; a bare surname is "
    "never a target, so an impersonator using only 'Georgescu' is missed.",
)
