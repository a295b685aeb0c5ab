"""Given names, from the per-locale name lists that Faker ships.

The election classifiers need to tell a candidate's surname from the same
word used by somebody else: "Andrei Georgescu" is another Georgescu, but
"Votați Georgescu" is the candidate; "Dan Brown" is not Nicușor Dan, but
"Georgescu Președinte" is Călin Georgescu.  The difference is whether the
neighbouring word is a given name, which takes a list of given names per
language rather than capitalisation alone.  Faker (MIT) ships such lists
for dozens of locales and nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from faker.config import AVAILABLE_LOCALES

from civicshield.text import fold

# Searches and posts mix the local languages with English everywhere.
ALWAYS = ("en",)


def _locale_names(locale: str) -> set[str]:
    try:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        return set()
    out: set[str] = set()
    for attr in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
        out |= set(getattr(provider, attr, ()) or ())
    return out


@lru_cache(maxsize=32)
def given_names(languages: tuple[str, ...]) -> frozenset[str]:
    """Folded given names of every Faker locale of these ISO 639-1 languages
    (and English)."""
    wanted = {lang.lower() for lang in languages} | set(ALWAYS)
    names: set[str] = set()
    for locale in AVAILABLE_LOCALES:
        if locale.split("_")[0].lower() in wanted:
            names |= _locale_names(locale)
    return frozenset(fold(n) for n in names if n)
