"""Checks for what authorities send (``requests``): text fields are
hostile input too, so each is bounded, free of control characters, and
refused with a message that names the field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from civicshield.cases.errors import InvalidOperation

MAX_ACCOUNTS, MAX_HASHTAGS, MAX_CHANNELS = 500, 100, 100
MAX_ID, MAX_HASHTAG, MAX_CHANNEL, MAX_NAME = 200, 100, 300, 200
MAX_TEXT = 20_000
_HASHTAG = re.compile(r"^\w+$")


def clean_line(field: str, value, limit: int, required: bool = True) -> str:
    """One line of text: no control characters (they hide text in logs and
    PostgreSQL refuses NUL), within ``limit`` characters."""
    if not isinstance(value, str):
        raise InvalidOperation(f"{field}: expected text, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", value).strip()
    if required and not value:
        raise InvalidOperation(f"{field} is required")
    if len(value) > limit:
        raise InvalidOperation(f"{field} is {len(value)} characters long; the limit is {limit}")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        raise InvalidOperation(f"{field} contains control or invisible format characters")
    return value


def clean_text(field: str, value, limit: int = MAX_TEXT, minimum: int = 1) -> str:
    """Free text: line breaks and tabs allowed, other control characters not."""
    if not isinstance(value, str):
        raise InvalidOperation(f"{field}: expected text, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if len(value) < minimum:
        raise InvalidOperation(f"{field} needs at least {minimum} characters")
    if len(value) > limit:
        raise InvalidOperation(f"{field} is {len(value)} characters long; the limit is {limit}")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise InvalidOperation(f"{field} contains control characters")
    return value


def clean_list(field: str, values, limit_items: int, limit_len: int, norm=None) -> list[str]:
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise InvalidOperation(f"{field}: expected a list of text values")
    if len(values) > limit_items:
        raise InvalidOperation(f"{field}: {len(values)} given; at most {limit_items}")
    out: list[str] = []
    for i, v in enumerate(values, 1):
        v = clean_line(f"{field} #{i}", v, limit_len)
        v = norm(f"{field} #{i}", v) if norm else v
        if v not in out:
            out.append(v)
    return out


def normalise_hashtag(field: str, tag: str) -> str:
    """``#Vote2026``, ``vote2026`` and ``＃VOTE2026`` are one hashtag: NFKC,
    no leading ``#``, case-folded, letters, digits and ``_`` only."""
    t = unicodedata.normalize("NFKC", tag).lstrip("#").strip().casefold()
    if not t or not _HASHTAG.match(t):
        raise InvalidOperation(f"{field}: {tag[:40]!r} is not a hashtag (letters, digits and _ only)")
    return t


def aware_time(field: str, t: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(t, dt.datetime):
        # a date means the end of that day, UTC
        t = dt.datetime.combine(t, dt.time(23, 59, 59), dt.UTC)
    if t.tzinfo is None:
        raise InvalidOperation(f"{field} must carry a time zone (UTC)")
    if not 2000 <= t.year <= 2100:
        raise InvalidOperation(f"{field} {t.date()} is out of range")
    return t.astimezone(dt.UTC)
