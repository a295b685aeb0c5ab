"""Language detection with lingua, restricted to the election's languages.

Building a lingua detector loads its models (hundreds of milliseconds and
tens of MB), so one detector per language set is kept for the process.  It
holds no data about any run, only the models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder


def _language(code: str) -> Language | None:
    iso = getattr(IsoCode639_1, code.upper(), None)
    return Language.from_iso_code_639_1(iso) if iso is not None else None


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]):
    langs = {lang for c in codes if (lang := _language(c)) is not None}
    if len(langs) < 2:
        # lingua needs two candidates; English is the usual second language
        # of election chatter and the project's default.
        langs |= {Language.ENGLISH, Language.from_iso_code_639_1(IsoCode639_1.FR)}
    # Low-accuracy mode (trigram models only) is ~4x faster and needs no
    # large models; it only picks the label's language, where a rare miss on
    # a very short text costs little.
    return LanguageDetectorBuilder.from_languages(*sorted(langs, key=str)).with_low_accuracy_mode().build()


def language_detector(election_languages: Sequence[str]) -> Callable[[Sequence[str]], list[str | None]]:
    """A function mapping texts to ISO 639-1 codes (None when lingua cannot
    tell), over the election's languages plus English."""
    codes = tuple(sorted({*(c.lower() for c in election_languages), "en"}))
    det = _detector(codes)

    def detect(texts: Sequence[str]) -> list[str | None]:
        found = det.detect_languages_in_parallel_of(list(texts))
        return [lang.iso_code_639_1.name.lower() if lang is not None else None for lang in found]

    return detect
