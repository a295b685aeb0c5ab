"""Text and URL normalisation shared by every detector that compares text.

One definition so that coordination, election labels, impersonation,
recruitment and claim matching agree on when two strings are "the same".
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Romanian comma-below and cedilla forms both fold to plain letters; NFKD
# already splits them, this table catches the precomposed look-alikes that
# NFKD leaves whole in some fonts' private ranges.
_EXTRA = str.maketrans({"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe"})
# Every code point with a non-zero combining class, as one regex class: the
# same result as testing unicodedata.combining() per character, faster.
_COMBINING = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x110000) if unicodedata.combining(chr(c))) + "]"
)
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_MENTION = re.compile(r"@\w+")
_HASHTAG = re.compile(r"#(\w+)")
_NONWORD = re.compile(r"[^\w]+")

TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|igshid|si|ref|ref_src|mc_cid|mc_eid|_ga|spm|feature)$", re.I)


def fold(text: str | None) -> str:
    """NFKC, casefold, strip diacritics (``ș``/``ş``/``s`` match), collapse space."""
    if not text:
        return ""
    if text.isascii():  # most posts: NFKC and diacritics are no-ops
        return " ".join(text.casefold().split())
    t = unicodedata.normalize("NFKC", text).casefold().translate(_EXTRA)
    t = _COMBINING.sub("", unicodedata.normalize("NFKD", t))
    return " ".join(t.split())


def content_text(text: str | None) -> str:
    """Folded text with URLs and mentions removed and punctuation dropped:
    what near-duplicate matching compares."""
    if not text:
        return ""
    t = _MENTION.sub(" ", _URL.sub(" ", text))
    return " ".join(_NONWORD.sub(" ", fold(t)).split())


def words(text: str | None) -> list[str]:
    return content_text(text).split()


def hashtags_in(text: str | None) -> list[str]:
    """Hashtags written inline, folded and without ``#``."""
    return [fold(h) for h in _HASHTAG.findall(text or "")]


def normalize_url(url: str | None) -> str:
    """Scheme, ``www.``, tracking parameters, fragment and trailing slash
    stripped; host lower-cased.  Empty for empty or unparsable input."""
    if not url or not url.strip():
        return ""
    u = url.strip()
    if "://" not in u:
        u = "http://" + u
    try:
        parts = urlsplit(u)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        return ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)))
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, query, "")).lstrip("/")
