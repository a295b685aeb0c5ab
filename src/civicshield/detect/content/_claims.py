"""One definition of "this post repeats that checked claim" (claim matching),
and of "this post looks like a claim about the vote" (the fact-check queue).

Matching: a post repeats a claim when the *set of words* of its folded text
(``content_text``: case, diacritics ``ș``/``ş``/``s``, punctuation, emoji,
URLs folded away) has Jaccard similarity >= ``threshold`` with the claim's
text or one of the translations the partner supplied.  Candidates come from
MinHash LSH (the signatures of ``network.neardup``, the band layout of
``datasketch.MinHashLSH``) so the cost is one signature per distinct post
text plus a hash lookup per band; every candidate is then checked on the
exact word sets, so the banding's approximation never decides a match.

Re-uploads: a media file (``posts.media_path``) that carries the claim in
at least ``MEDIA_MIN`` text-matched posts of one claim, none of another, and
makes up at least half of that file's posts is the claim's card: every post
showing it matches too, whatever its caption (``via = "media"``).

Used by the ``misinformation`` detector and by the case store's apply path
(``cases.claims``), so both agree on which posts a verdict reaches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from datasketch import MinHashLSH

from civicshield.detect.network.neardup import signatures
from civicshield.factchecks import CheckedClaim
from civicshield.text import content_text

NUM_PERM = 128
MEDIA_MIN = 2
MIN_WORDS = 4  # shorter claim texts would match chance phrases


@dataclass(frozen=True)
class Match:
    claim: str
    similarity: float
    matched_text: str  # the claim text (or translation) that matched
    via: str  # "text" or "media"


class ClaimMatcher:
    """Built once from the checked claims; ``match`` works on whole columns."""

    def __init__(self, claims: Sequence[CheckedClaim], threshold: float = 0.5):
        self.threshold = threshold
        self.claims = {c.claim: c for c in claims}
        # (claim, raw text, word set, refutation words the claim itself uses)
        self._variants: list[tuple[str, str, frozenset[str], frozenset[str]]] = []
        for c in claims:
            for t in dict.fromkeys(c.texts()):
                folded = content_text(t)
                words = frozenset(folded.split())
                if len(words) >= MIN_WORDS:
                    self._variants.append((c.claim, t, words, frozenset(_has(folded, _DEBUNK))))
        # Candidates are looked up a little below the threshold: LSH misses
        # pairs near it, the exact check below drops the extra ones.
        self._lsh = MinHashLSH(threshold=max(0.1, threshold * 0.8), num_perm=NUM_PERM)
        self._mix = np.random.default_rng(2).integers(1, 1 << 63, self._lsh.r, dtype=np.uint64) | np.uint64(1)
        self._bands: list[dict[int, list[int]]] = []
        if self._variants:
            sig = signatures(pa.array([" ".join(sorted(v[2])) for v in self._variants], pa.string()), NUM_PERM)
            for keys in self._band_keys(sig):
                table: dict[int, list[int]] = defaultdict(list)
                for i, k in enumerate(keys.tolist()):
                    table[k].append(i)
                self._bands.append(dict(table))

    def _band_keys(self, sig: np.ndarray) -> list[np.ndarray]:
        r = self._lsh.r
        return [(sig[:, b * r : (b + 1) * r] * self._mix).sum(axis=1) for b in range(self._lsh.b)]

    def match_texts(self, texts: Sequence[str | None]) -> list[Match | None]:
        """The best claim each text repeats (``None``: none)."""
        out: list[Match | None] = [None] * len(texts)
        if not self._variants or not len(texts):
            return out
        folded = [content_text(t) if t else "" for t in texts]
        distinct = {f: i for i, f in enumerate(dict.fromkeys(x for x in folded if x))}
        if not distinct:
            return out
        keys = list(distinct)
        sig = signatures(pa.array(keys, pa.string()), NUM_PERM)
        candidates: dict[int, set[int]] = defaultdict(set)
        for band, bkeys in zip(self._bands, self._band_keys(sig), strict=True):
            lookup = np.fromiter(band.keys(), dtype=np.uint64, count=len(band))
            for d in np.nonzero(np.isin(bkeys, lookup))[0].tolist():
                candidates[d].update(band[int(bkeys[d])])
        best: dict[str, Match] = {}
        for d, variants in candidates.items():
            words = frozenset(keys[d].split())
            debunks = set(_has(keys[d], _DEBUNK))
            scored = []
            for v in variants:
                claim, raw, vw, own = self._variants[v]
                j = len(words & vw) / len(words | vw)
                # a post quoting the claim to refute it ("FALS: ...") is not a repeat
                if j >= self.threshold and not debunks - own:
                    scored.append((-j, claim, raw))
            if scored:
                j, claim, raw = min(scored)
                best[keys[d]] = Match(claim, round(-j, 4), raw, "text")
        return [best.get(f) if f else None for f in folded]

    def match_posts(self, texts: Sequence[str | None], media: Sequence[str | None]) -> list[Match | None]:
        """Text matches, then re-uploads of a claim's card (see module doc)."""
        found = self.match_texts(texts)
        per_media: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(media):
            if m:
                per_media[m].append(i)
        for _m, rows in per_media.items():
            hits = [found[i] for i in rows if found[i] is not None and found[i].via == "text"]
            claims = {h.claim for h in hits}
            if len(claims) != 1 or len(hits) < MEDIA_MIN or 2 * len(hits) < len(rows):
                continue
            claim = claims.pop()
            ref = max(hits, key=lambda h: h.similarity)
            for i in rows:
                if found[i] is None:
                    found[i] = Match(claim, 0.0, ref.matched_text, "media")
        return found


# --- the fact-check queue: posts that look like claims about the vote ------

# Folded word prefixes (ro, en, hu) about how, when and where people vote and
# how votes are counted: a false claim about these can stop someone voting.
_PROCESS = ("mutat", "amanat", "reprogramat", "numarat", "numarator", "buletin", "sectie", "sectia", "sectii", "urna",
            "stampil", "corespondent", "prin sms", "online", "moved", "postponed", "rescheduled", "counted",
            "ballot", "polling station", "by sms", "by mail", "turnout", "prezenta la vot", "halaszt", "athelyez",
            "megszamol", "szavazolap", "szavazokor", "sms ben", "reszvetel", "rezultat", "result", "eredmeny",
            "fraud", "frauda", "csalas")
# Markers of a claim being pushed rather than discussed.
_MARKERS = ("atentie", "distribuiti", "share", "deja", "already", "confirmat", "confirmed", "megerosit", "a declarat",
            "said", "kijelentette", "figyelem", "oficial", "officially", "hivatalos", "nu zic eu", "stiati", "breaking",
            "umflat", "inflated", "felfujt", "stabilit", "fixed", "eldolt", "fals", "fake", "mar a")
_QUOTE = re.compile(r"[\"„“”«»']")
# Words of a post that refutes the claim it quotes (folded; ro, en, hu).
_DEBUNK = ("fals", "falsa", "dezinformare", "manipulare", "nu e adevarat", "nu este adevarat", "fake news", "hoax",
           "debunk", "not true", "is false", "misinformation", "disinformation", "fact check", "alhir", "nem igaz",
           "dezinformacio", "tenyellenorzes")


def _has(words: str, stems: Sequence[str]) -> list[str]:
    padded = f" {words}"
    return [s for s in stems if f" {s}" in padded]


def voting_process(text: str | None) -> bool:
    """Is the text about the mechanics of the vote (date, place, method, count)?"""
    return bool(_has(content_text(text), _PROCESS))


def claim_signals(text: str | None) -> list[str]:
    """Why a post looks like a claim about the vote; empty when it does not.
    A claim marker plus either a voting-process term or a quotation."""
    words = content_text(text)
    markers = _has(words, _MARKERS)
    if not markers:
        return []
    process = _has(words, _PROCESS)
    quoted = ["quotation"] if _QUOTE.search(text or "") and ("declarat" in words or "said" in words
                                                             or "kijelentette" in words) else []
    return sorted({*markers, *process, *quoted}) if (process or quoted) else []
