"""One definition of "this text is about the election / is political".

Election labels, political ads, paid promotion and AI media naming a
candidate all ask the same question, so they share this matcher: if the
labels and the ad policy disagreed on what counts as political, a moderator
could not explain either decision.

Terms come from ``election.toml``: candidate names and aliases, party names
and aliases, the election keywords and the authority's name.  Everything is
compared after ``content_text`` (NFKC, casefold, diacritics folded,
punctuation dropped) from the start of a word; words may carry an
inflection (``alegerile``, ``candidatul``, ``Georgescului``) but terms of
fewer than four letters must match whole (``vot``, not ``vota``...).  Hashtags match when they are a
term with the spaces removed, optionally followed by digits or a suffix
(``#calingeorgescu``, ``#alegeri2024``, ``#georgescupresedinte``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from civicshield.election import Election
from civicshield.names import given_names
from civicshield.text import content_text, fold

# Weights: a full candidate or party name settles the question on its own,
# and so does a bare surname unless another given name precedes it
# ("Andrei Georgescu": Georgescu is a common Romanian name).  Party
# acronyms count only when written in capitals ("AUR", not "aur", gold).
STRONG = 1.0
ACRONYM = 0.6
KEYWORD = 0.6
SURNAME = 1.0
NAMESAKE = 0.3
# Hashtags shorter than this must equal the term (plus digits); longer ones
# may carry a suffix ("georgescupresedinte").
_HASHTAG_PREFIX_MIN = 6
_INFLECT_MIN = 4
_NAME_PAIR = re.compile(r"(?=(?<!\w)(\w+)[ \t]+(\w+))")


@dataclass(frozen=True)
class Term:
    text: str  # folded, as content_text would render it
    kind: str  # candidate, candidate_alias, party, party_alias, keyword, authority
    ref: str  # candidate or party id; "" for keywords
    weight: float


@dataclass(frozen=True)
class Assessment:
    score: float
    terms: tuple[Term, ...]

    @property
    def refs(self) -> tuple[str, ...]:
        return tuple(sorted({t.ref for t in self.terms if t.ref}))

    @property
    def candidate_refs(self) -> tuple[str, ...]:
        return tuple(sorted({t.ref for t in self.terms if t.kind.startswith("candidate")}))

    def evidence(self) -> list[str]:
        return sorted({t.text for t in self.terms})


def _terms(election: Election) -> list[Term]:
    out: dict[str, Term] = {}

    def add(raw: str, kind: str, ref: str, weight: float) -> None:
        text = content_text(raw)
        if not text:
            return
        old = out.get(text)
        if old is None or old.weight < weight:
            out[text] = Term(text, kind, ref, weight)

    for c in election.candidates:
        add(c.name, "candidate", c.id, STRONG)
        for a in c.aliases:
            multi = len(content_text(a).split()) > 1
            add(a, "candidate" if multi else "candidate_alias", c.id, STRONG if multi else SURNAME)
    for p in election.parties:
        add(p.name, "party", p.id, STRONG)
        for a in p.aliases:
            multi = len(content_text(a).split()) > 1
            add(a, "party" if multi else "party_alias", p.id, STRONG if multi else ACRONYM)
    for k in election.keywords:
        add(k, "keyword", "", KEYWORD)
    if election.authority_name:
        add(election.authority_name, "authority", "", STRONG)
    return sorted(out.values(), key=lambda t: (-len(t.text), t.text))


class PoliticalMatcher:
    """Built once per detector run from the election; ``assess_many`` works
    on whole columns and folds each distinct text once."""

    def __init__(self, election: Election, threshold: float = 0.6):
        self.election = election
        self.threshold = threshold
        self.terms = _terms(election)
        self._by_text = {t.text: t for t in self.terms}
        # Longest first so "calin georgescu" wins over "georgescu"; short
        # terms whole-word, longer ones may be inflected.
        alts = "|".join(
            re.escape(t.text) + (r"\w*" if len(t.text) >= _INFLECT_MIN else "") for t in self.terms
        ) or r"(?!x)x"
        self._word_re = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
        self._prefixes = sorted(self._by_text, key=len, reverse=True)
        compact = {}
        for t in self.terms:
            compact.setdefault(t.text.replace(" ", ""), t)
        self._compact = compact
        self._first_names = {c.id: {fold(w) for n in (c.name, *c.aliases) for w in n.split()[:-1]}
                             for c in election.candidates}
        self._own_words = {c.id: {fold(w) for n in (c.name, *c.aliases) for w in n.split()} for c in election.candidates}
        self._given = given_names(tuple(election.languages))
        self._acronyms = {content_text(a): a for p in election.parties for a in p.aliases
                          if a.isupper() and len(a) <= 6}
        self._tag_cache: dict[str, tuple[Term, ...]] = {}
        self._prefilter = _prefilter_pattern(self.terms)

    def _term(self, hit: str) -> Term:
        t = self._by_text.get(hit)
        if t is not None:
            return t
        return next(self._by_text[p] for p in self._prefixes if hit.startswith(p))

    def text_terms(self, text: str | None) -> tuple[Term, ...]:
        folded = content_text(text)
        if not folded:
            return ()
        found = [self._term(h) for h in dict.fromkeys(self._word_re.findall(folded))]
        out = []
        for t in found:
            acronym = self._acronyms.get(t.text) if t.kind == "party_alias" else None
            if acronym and not re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", text or ""):
                continue  # "aur" (gold), not "AUR"
            if t.kind == "candidate_alias" and self._namesake(t, text or ""):
                t = Term(t.text, "namesake", "", NAMESAKE)
            out.append(t)
        return tuple(dict.fromkeys(out))

    def _namesake(self, term: Term, text: str) -> bool:
        """Another person with the candidate's surname:

        - the surname follows, after a space only, a given name other than
          the candidate's own ("Andrei Georgescu"; but "Votați Georgescu" is
          the candidate: "Votați" is no given name);
        - or the surname is itself a given name and is followed by a
          capitalised word that is none of the candidate's names ("Dan
          Brown" when the candidate is Nicușor Dan; "Kelemen Hunor" stays
          the candidate, and "Georgescu Președinte" too, since Georgescu is
          no given name).

        Given names come from ``civicshield.names`` (the election's languages
        and English).  Capitalised words only; all-capitals text is not names."""
        firsts = self._first_names.get(term.ref, set())
        own = self._own_words.get(term.ref, set())
        for m in _NAME_PAIR.finditer(text):
            prev, word = m.group(1), m.group(2)
            if (fold(word).startswith(term.text) and prev.istitle() and fold(prev) not in firsts
                    and fold(prev) in self._given):
                return True
            if (fold(prev) == term.text and term.text in self._given and prev.istitle() and word.istitle()
                    and fold(word) not in own):
                return True
        return False

    def hashtag_terms(self, hashtags: Sequence[str] | None) -> tuple[Term, ...]:
        out: list[Term] = []
        for raw in hashtags or ():
            hit = self._tag_cache.get(raw)
            if hit is None:
                hit = self._tag_cache[raw] = self._one_hashtag(raw)
            out.extend(hit)
        return tuple(out)

    def _one_hashtag(self, raw: str) -> tuple[Term, ...]:
        tag = fold(raw).lstrip("#").replace("_", "")
        return tuple(
            term
            for key, term in self._compact.items()
            if term.kind != "party_alias"  # "#aur" is as ambiguous as "aur"
            and (tag == key or (tag.startswith(key) and (tag[len(key):].isdigit() or len(key) >= _HASHTAG_PREFIX_MIN)))
        )

    def assess(self, terms: Sequence[Term]) -> Assessment:
        """Sum the weights of distinct terms."""
        uniq = {t.text: t for t in terms}
        score = sum(t.weight for t in uniq.values())
        return Assessment(round(min(score, 1.0), 3), tuple(uniq.values()))

    def is_political(self, a: Assessment) -> bool:
        return a.score >= self.threshold

    def assess_text(self, text: str | None, hashtags: Sequence[str] | None = None) -> Assessment:
        return self.assess(self.text_terms(text) + self.hashtag_terms(hashtags))

    def candidates(self, texts: pa.Array | Sequence[str | None]) -> list[bool]:
        """Rows whose raw text may hold a term: one vectorised pass (RE2 in
        Arrow) with a pattern that accepts every accented, upper-case or
        decomposed spelling ``fold`` maps onto a term, without word
        boundaries.  A superset of what ``text_terms`` finds, so only these
        rows need the exact (Python) fold."""
        arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(list(texts), pa.string())
        if self._prefilter is None:
            return [True] * len(arr)
        # Lower-casing first keeps the pattern's classes small enough for
        # RE2's DFA; decomposed text (a letter + combining mark) is rare and
        # simply passes (a mark after every letter would make RE2 ~100x slower).
        hit = pc.match_substring_regex(pc.utf8_lower(arr), self._prefilter)
        mask = pc.or_(pc.fill_null(hit, False), pc.fill_null(pc.match_substring_regex(arr, r"\pM"), False))
        return mask.to_pylist()

    def assess_many(self, texts: pa.Array | Sequence[str | None], hashtags: Sequence[Sequence[str] | None]) -> list[Assessment]:
        """Assess a column of posts.  Only prefiltered rows are folded, each
        distinct text once (templated campaigns repeat theirs)."""
        maybe = self.candidates(texts)
        raw = texts.to_pylist() if isinstance(texts, pa.Array | pa.ChunkedArray) else texts
        cache: dict[str | None, tuple[Term, ...]] = {}
        out = []
        for text, tags, check in zip(raw, hashtags, maybe, strict=True):
            tt: tuple[Term, ...] = ()
            if check:
                tt = cache.get(text)
                if tt is None:
                    tt = cache[text] = self.text_terms(text)
            if tags:
                tt = tt + self.hashtag_terms(tags)
            out.append(self.assess(tt) if tt else _NOTHING)
        return out


def _letter_variants() -> dict[str, str]:
    """ASCII letter -> every letter that folds to it, lower-cased."""
    out: dict[str, set[str]] = {}
    # Latin with diacritics, then the compatibility forms NFKC folds:
    # circled, fullwidth and the "fancy font" mathematical letters.
    ranges = ((0x41, 0x7B), (0xC0, 0x250), (0x1E00, 0x1F00), (0x24B6, 0x24EA), (0xFF21, 0xFF5B), (0x1D400, 0x1D6A6))
    for cp in (c for lo, hi in ranges for c in range(lo, hi)):
        ch = chr(cp)
        f = fold(ch)
        if len(f) == 1 and "a" <= f <= "z":
            out.setdefault(f, {f}).add(ch.lower())
    return {k: "".join(sorted(v)) for k, v in out.items()}


_VARIANTS = _letter_variants()


def _prefilter_pattern(terms: Sequence[Term]) -> str | None:
    """Each term's longest word is enough: a text holding the whole term
    holds that word (and single words keep RE2's DFA small)."""

    def char(c: str) -> str:
        v = _VARIANTS.get(c)
        return f"[{re.escape(v)}]" if v else re.escape(c)

    words = sorted({max(t.text.split(), key=len) for t in terms})
    return "|".join("".join(char(c) for c in w) for w in words) or None


_NOTHING = Assessment(0.0, ())
