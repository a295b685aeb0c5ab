"""Search notices: is a search query about the election, and if so the
notice that points people to the electoral authority.

The question is the election labels' question, asked of a query instead of
a post, so the answer comes from the same classifier
(``detect.content._political.PoliticalMatcher``) at the same threshold as
the ``election_content`` detector: a query gets a notice exactly when a post
with that text would get the election-information label.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from civicshield.detect.content import election_content
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.election import Election
from civicshield.errors import DataError

MAX_QUERY = 500  # characters; search boxes are short, anything longer is refused
THRESHOLD = next(p.default for p in election_content.PARAMS if p.name == "threshold")
NOTICES = {
    "ro": "Cauți informații despre alegeri? Informațiile oficiale despre vot sunt la {authority}: {url}",
    "hu": "Választási információt keres? A szavazásról hivatalos tájékoztatás itt: {authority}: {url}",
    "en": "Looking for election information? Official information about voting is at {authority}: {url}",
}


@dataclass(frozen=True)
class SearchNotice:
    query: str
    about_election: bool
    score: float
    matched_terms: tuple[str, ...]
    notice: str | None
    language: str | None
    authority: str | None
    url: str | None

    def to_dict(self) -> dict:
        return {**asdict(self), "matched_terms": list(self.matched_terms)}


class SearchNotices:
    """Built once per election (the matcher compiles its patterns once)."""

    def __init__(self, election: Election):
        self.election = election
        self.matcher = PoliticalMatcher(election, THRESHOLD)

    def check(self, query, language: str | None = None, where: str = "query") -> SearchNotice:
        if not isinstance(query, str) or not query.strip():
            raise DataError(where, None, "query", "must be non-empty text")
        if len(query) > MAX_QUERY:
            raise DataError(where, None, "query", f"longer than {MAX_QUERY} characters ({len(query)})")
        if language is not None and not isinstance(language, str):
            raise DataError(where, None, "language", "must be an ISO 639-1 code")
        a = self.matcher.assess_text(query)
        if not self.matcher.is_political(a):
            return SearchNotice(query, False, a.score, tuple(a.evidence()), None, None, None, None)
        e = self.election
        lang = next((x for x in (language, *e.languages, "en") if x in NOTICES), "en")
        text = NOTICES[lang].format(authority=e.authority_name or e.name, url=e.authority_url)
        return SearchNotice(query, True, a.score, tuple(a.evidence()), text, lang, e.authority_name or None,
                            e.authority_url or None)


def search_notice(election: Election, query: str, language: str | None = None) -> SearchNotice:
    return SearchNotices(election).check(query, language)
