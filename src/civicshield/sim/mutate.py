"""How operators vary copy-pasted text and links so that exact matching misses them."""

from __future__ import annotations

import unicodedata

import numpy as np

from civicshield.sim import vocab

_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})


def strip_diacritics(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def variant(rng: np.random.Generator, text: str) -> str:
    """A near-duplicate: dropped or cedilla diacritics, swapped clauses,
    case and punctuation changes, an emoji more or less."""
    t = text
    roll = rng.random(6)
    if roll[0] < 0.3:
        t = strip_diacritics(t)
    elif roll[0] < 0.5:
        t = t.translate(_CEDILLA)
    if roll[1] < 0.3:
        parts = [p for p in t.split(". ") if p]
        if len(parts) > 1:
            i = int(rng.integers(len(parts) - 1))
            parts[i], parts[i + 1] = parts[i + 1], parts[i]
            t = ". ".join(parts)
    if roll[2] < 0.2:
        t = t.upper()
    elif roll[2] < 0.3:
        t = t.lower()
    if roll[3] < 0.3:
        t = t.rstrip(".!") + "!!!"
    if roll[4] < 0.5:
        t = f"{t} {vocab.EMOJI[int(rng.integers(len(vocab.EMOJI)))]}"
    if roll[5] < 0.15:
        t = f"{vocab.EMOJI[int(rng.integers(len(vocab.EMOJI)))]} {t}"
    return t


def url_variant(rng: np.random.Generator, host: str, path: str) -> str:
    """The same page behind different schemes, ``www.``, tracking parameters and trailing slashes."""
    scheme = "https" if rng.random() < 0.8 else "http"
    www = "www." if rng.random() < 0.5 else ""
    slash = "/" if rng.random() < 0.3 else ""
    params = []
    if rng.random() < 0.6:
        params.append(f"utm_source={rng.choice(['tiktok', 'tt', 'fb', 'telegram'])}")
    if rng.random() < 0.3:
        params.append(f"utm_medium={rng.choice(['social', 'share', 'bio'])}")
    if rng.random() < 0.25:
        params.append(f"fbclid=IwAR{int(rng.integers(10**9, 10**10))}")
    q = ("?" + "&".join(params)) if params else ""
    return f"{scheme}://{www}{host}/{path}{slash}{q}"
