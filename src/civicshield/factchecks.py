"""Fact-checks: the partner's verdicts, the policy they drive, and the file
the claim-matching detector reads.

One module that both sides import: the case store (where partners give
verdicts) writes ``<workspace>/factchecks.jsonl`` after every verdict, and the
``misinformation`` detector reads it.  A partner's own database in the same
shape can be imported (``civicshield claims import``), which is how the
simulator's ``truth/claims.jsonl`` stands in for one.

File shape, one JSON object per line::

    {"claim": "claim-1", "verdict": "false", "text": "...", "language": "ro",
     "translations": {"en": "...", "hu": "..."}, "source_url": "https://...",
     "voting_process": true}

``translations`` and ``voting_process`` are optional; ``source_url`` is
required for verdicts given through the API and optional in an import.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from civicshield.errors import DataError

VERDICTS = ("false", "misleading", "missing_context", "unverifiable", "true")
FILE_NAME = "factchecks.jsonl"
MAX_TEXT = 5000  # characters of a claim or translation
MAX_URL = 2000
_LANG = re.compile(r"^[a-z]{2}$")

# Policy as data: (verdict, about the voting process?) -> actions on each post
# that repeats the claim.  (action kind, detail).  "unverified" label + demote
# = the post keeps its page but leaves For You (not recommended).
REMOVE = (("remove_post", ""),)
LABEL_AND_DEMOTE = (("label_post", "unverified"), ("demote_post", "for_you"))
POLICY: dict[tuple[str, bool], tuple[tuple[str, str], ...]] = {
    ("false", True): REMOVE,
    ("false", False): LABEL_AND_DEMOTE,
    ("misleading", True): LABEL_AND_DEMOTE,
    ("misleading", False): LABEL_AND_DEMOTE,
    ("missing_context", True): (("label_post", "missing_context"),),
    ("missing_context", False): (("label_post", "missing_context"),),
    ("unverifiable", True): (("label_post", "unverified"),),
    ("unverifiable", False): (("label_post", "unverified"),),
    ("true", True): (),
    ("true", False): (),
}


def actions_for(verdict: str, voting_process: bool) -> tuple[tuple[str, str], ...]:
    return POLICY[(verdict, bool(voting_process))]


def check_url(url: str | None, where: str = "source_url") -> str:
    """An absolute http(s) URL with a host, no spaces or control characters."""
    u = (url or "").strip()
    if not u:
        raise ValueError(f"{where} is required: the page where the partner published the fact-check")
    if len(u) > MAX_URL:
        raise ValueError(f"{where} is longer than {MAX_URL} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in u):
        raise ValueError(f"{where} contains spaces or control characters")
    try:
        parts = urlsplit(u)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"{where} is not a URL: {u[:80]!r}") from None
    if parts.scheme not in ("http", "https") or not host or "." not in host:
        raise ValueError(f"{where} must be an http(s) URL with a host name, got {u[:80]!r}")
    return u


def check_verdict(verdict: str | None) -> str:
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {str(verdict)[:40]!r}; verdicts are: {', '.join(VERDICTS)}")
    return verdict


def check_text(text, what: str = "text") -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{what} must be non-empty text")
    if len(text) > MAX_TEXT:
        raise ValueError(f"{what} is longer than {MAX_TEXT} characters ({len(text)})")
    return text.strip()


def check_translations(obj) -> dict[str, str]:
    if obj is None:
        return {}
    if not isinstance(obj, dict) or len(obj) > 20:
        raise ValueError("translations must be an object of at most 20 language -> text pairs")
    out = {}
    for lang, text in obj.items():
        if not isinstance(lang, str) or not _LANG.match(lang):
            raise ValueError(f"translations: {str(lang)[:10]!r} is not an ISO 639-1 language code")
        out[lang] = check_text(text, f"translations.{lang}")
    return out


@dataclass(frozen=True)
class CheckedClaim:
    claim: str
    verdict: str
    text: str
    language: str = "und"
    translations: dict[str, str] = field(default_factory=dict)
    source_url: str | None = None
    voting_process: bool | None = None  # None: decided by the claim-pattern classifier

    def texts(self) -> list[str]:
        """The claim in every language it was given in."""
        return [self.text, *self.translations.values()]

    def to_json(self) -> dict:
        return {"claim": self.claim, "verdict": self.verdict, "text": self.text, "language": self.language,
                "translations": dict(self.translations), "source_url": self.source_url,
                "voting_process": self.voting_process}


def parse(obj: dict, file: str, row: int | None, need_url: bool = False) -> CheckedClaim:
    """One record, every field checked; errors name the file, row and field."""
    def bad(col: str, e: Exception) -> DataError:
        return DataError(file, row, col, str(e))

    claim = obj.get("claim")
    if not isinstance(claim, str) or not claim.strip() or len(claim) > 80:
        raise DataError(file, row, "claim", "must be a claim id of 1 to 80 characters")
    try:
        verdict = check_verdict(obj.get("verdict"))
    except ValueError as e:
        raise bad("verdict", e) from None
    try:
        text = check_text(obj.get("text"))
    except ValueError as e:
        raise bad("text", e) from None
    try:
        translations = check_translations(obj.get("translations"))
    except ValueError as e:
        raise bad("translations", e) from None
    url = obj.get("source_url")
    if need_url or url:
        try:
            url = check_url(url)
        except ValueError as e:
            raise bad("source_url", e) from None
    lang = obj.get("language") or "und"
    if lang != "und" and (not isinstance(lang, str) or not _LANG.match(lang)):
        raise DataError(file, row, "language", f"{str(lang)[:10]!r} is not an ISO 639-1 language code")
    vp = obj.get("voting_process")
    if vp is not None and not isinstance(vp, bool):
        raise DataError(file, row, "voting_process", "must be true, false or absent")
    return CheckedClaim(claim.strip(), verdict, text, lang, translations, url or None, vp)


def read_factchecks(path: Path) -> list[CheckedClaim]:
    """Every record of a fact-check file; a missing file is no fact-checks."""
    from civicshield.findings import read_jsonl

    path = Path(path)
    if not path.exists():
        return []
    out: dict[str, CheckedClaim] = {}
    for i, obj in read_jsonl(path, required=("claim", "verdict", "text")):
        c = parse(obj, str(path), i)
        if c.claim in out:
            raise DataError(str(path), i, "claim", f"claim {c.claim!r} appears twice")
        out[c.claim] = c
    return list(out.values())


def write_factchecks(path: Path, claims: Iterable[CheckedClaim]) -> int:
    """Write the file whole or not at all (readers never see half of it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for c in sorted(claims, key=lambda c: c.claim):
                fh.write(json.dumps(c.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
