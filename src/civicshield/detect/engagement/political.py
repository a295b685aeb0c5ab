"""Is a text about this election?  One matcher for the engagement family,
built on ``text.fold``/``content_text`` so diacritics and case agree with
every other detector."""

from __future__ import annotations

from civicshield.election import Election
from civicshield.text import content_text, fold


class PoliticalMatcher:
    """Candidate names and aliases, party names and aliases, and the
    election's keywords, matched as whole words (``vot`` must not match
    ``devotat``) or inside hashtags written without spaces."""

    def __init__(self, election: Election):
        terms: set[str] = set()
        for c in election.candidates:
            terms.update([c.name, *c.aliases])
        for p in election.parties:
            terms.update([p.name, *p.aliases])
        terms.update(election.keywords)
        self.phrases = sorted({content_text(t) for t in terms if content_text(t)})
        self.squashed = sorted({p.replace(" ", "") for p in self.phrases if len(p.replace(" ", "")) >= 5})

    def matches(self, text: str | None, hashtags: list[str] | None = None) -> bool:
        padded = f" {content_text(text)} "
        if any(f" {p} " in padded for p in self.phrases):
            return True
        for h in hashtags or ():
            h = fold(h).replace(" ", "")
            if any(s in h for s in self.squashed) or f" {h} " in {f" {p} " for p in self.phrases}:
                return True
        return False
