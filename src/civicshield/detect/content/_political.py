"""One definition of "this text is about the election / is political".

Election labels, political ads, paid promotion and AI media naming a
candidate all ask the same question, so they share this matcher: if the
labels and the ad policy disagreed on what counts as political, a moderator
could not explain either decision.

Terms come from ``election.toml``: candidate names and aliases, party names
and aliases, the election keywords and the authority's name.  Everything is
compared after ``content_text`` (NFKC, casefold, diacritics folded,
punctuation dropped), as whole words, so ``Călin`` matches ``calin`` but
``votez`` does not match the keyword ``vot``.  Hashtags match when they are a
term with the spaces removed, optionally followed by digits or a suffix
(``#calingeorgescu``, ``#alegeri2024``, ``#georgescupresedinte``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from civicshield.election import Election
from civicshield.text import content_text, fold

# Weights: a full candidate or party name settles the question on its own; a
# bare surname does not (Georgescu is a common Romanian name), nor does a
# generic keyword in a language the election is not held in.
STRONG = 1.0
ACRONYM = 0.6
KEYWORD = 0.6
KEYWORD_OTHER_LANGUAGE = 0.3
SURNAME = 0.4
# Hashtags shorter than this must equal the term (plus digits); longer ones
# may carry a suffix ("georgescupresedinte").
_HASHTAG_PREFIX_MIN = 6


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
    language_used: bool  # the score depended on the post's language

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
        alts = "|".join(re.escape(t.text) for t in self.terms) or r"(?!x)x"
        self._word_re = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
        compact = {}
        for t in self.terms:
            compact.setdefault(t.text.replace(" ", ""), t)
        self._compact = compact
        self._languages = {lang.lower() for lang in election.languages}
        self._tag_cache: dict[str, tuple[Term, ...]] = {}

    def text_terms(self, text: str | None) -> tuple[Term, ...]:
        found = self._word_re.findall(content_text(text))
        return tuple(self._by_text[f] for f in dict.fromkeys(found))

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
            if tag == key or (tag.startswith(key) and (tag[len(key):].isdigit() or len(key) >= _HASHTAG_PREFIX_MIN))
        )

    def assess(self, terms: Sequence[Term], language: str | None) -> Assessment:
        """Sum distinct terms' weights; keywords weigh less outside the
        election's languages.  ``language`` None means unknown."""
        uniq = {t.text: t for t in terms}
        score, used = 0.0, False
        for t in uniq.values():
            if t.kind == "keyword" and language is not None and self._languages:
                used = True
                score += KEYWORD if language.lower() in self._languages else KEYWORD_OTHER_LANGUAGE
            else:
                score += t.weight
        return Assessment(round(min(score, 1.0), 3), tuple(uniq.values()), used)

    def is_political(self, a: Assessment) -> bool:
        return a.score >= self.threshold

    def assess_many(
        self,
        texts: Sequence[str | None],
        hashtags: Sequence[Sequence[str] | None],
        languages: Sequence[str | None],
        detect_language=None,
    ) -> list[Assessment]:
        """Assess a column of posts.  Each distinct text is folded once
        (templated campaigns repeat theirs).  ``detect_language(texts)`` is
        called, once and batched, only for posts whose outcome depends on a
        language the data does not give."""
        cache: dict[str | None, tuple[Term, ...]] = {}
        matched = []
        for text, tags in zip(texts, hashtags, strict=True):
            tt = cache.get(text)
            if tt is None:
                tt = cache[text] = self.text_terms(text)
            matched.append(tt + self.hashtag_terms(tags) if tags else tt)
        langs = list(languages)
        if detect_language is not None:
            need = [
                i
                for i, m in enumerate(matched)
                if not langs[i] and m and any(t.kind == "keyword" for t in m) and not self._settled(m)
            ]
            if need:
                found = detect_language([texts[i] or "" for i in need])
                for i, lang in zip(need, found, strict=True):
                    langs[i] = lang
        return [self.assess(m, lang or None) for m, lang in zip(matched, langs, strict=True)]

    def _settled(self, terms: Sequence[Term]) -> bool:
        return sum(t.weight for t in {t.text: t for t in terms if t.kind != "keyword"}.values()) >= self.threshold
