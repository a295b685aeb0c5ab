"""``election.toml``: the election under watch."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from civicshield.errors import DataError


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    party: str = ""
    official_account_ids: tuple[str, ...] = ()
    avatar_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    official_account_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Election:
    id: str
    country: str
    name: str
    rounds: tuple[dt.date, ...]
    watch_from: dt.date
    authority_name: str = ""
    authority_url: str = ""
    # Optional, beyond the contract's example: the authority's other names
    # (local language, acronym) and accounts, so impersonators of the
    # electoral authority itself can be recognised.
    authority_aliases: tuple[str, ...] = ()
    authority_account_ids: tuple[str, ...] = ()
    # "table.column" values the dataset only estimates (an import that has
    # no account creation times uses first activity): detectors that need
    # the real values skip themselves and say why.
    estimated_columns: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    candidates: tuple[Candidate, ...] = field(default=())
    parties: tuple[Party, ...] = field(default=())

    @property
    def first_round(self) -> dt.date:
        return min(self.rounds)

    @property
    def last_round(self) -> dt.date:
        return max(self.rounds)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Election:
        return _build(json.loads(text), "<workspace>")


def _date(raw, where: str, key: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise DataError(where, None, key, f"expected a date YYYY-MM-DD, got {str(raw)[:40]!r}") from None


def _strs(raw, where: str, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise DataError(where, None, key, "expected a list of strings")
    return tuple(raw)


def _build(data: dict, where: str) -> Election:
    for key in ("id", "country", "name", "rounds"):
        if key not in data:
            raise DataError(where, None, key, "required key is missing")
    rounds = data["rounds"]
    if not isinstance(rounds, list) or not rounds:
        raise DataError(where, None, "rounds", "expected a non-empty list of dates")
    round_dates = tuple(_date(r, where, "rounds") for r in rounds)
    watch_from = _date(data.get("watch_from", min(round_dates) - dt.timedelta(days=90)), where, "watch_from")
    country = str(data["country"])
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise DataError(where, None, "country", f"expected an ISO 3166-1 alpha-2 code, got {country[:20]!r}")
    cands = []
    for i, c in enumerate(data.get("candidates", []) or []):
        w = f"{where} candidates[{i}]"
        for key in ("id", "name"):
            if key not in c:
                raise DataError(w, None, key, "required key is missing")
        cands.append(
            Candidate(
                id=str(c["id"]),
                name=str(c["name"]),
                aliases=_strs(c.get("aliases"), w, "aliases"),
                party=str(c.get("party", "")),
                official_account_ids=_strs(c.get("official_account_ids"), w, "official_account_ids"),
                avatar_hashes=_strs(c.get("avatar_hashes"), w, "avatar_hashes"),
            )
        )
    parties = []
    for i, p in enumerate(data.get("parties", []) or []):
        w = f"{where} parties[{i}]"
        for key in ("id", "name"):
            if key not in p:
                raise DataError(w, None, key, "required key is missing")
        parties.append(
            Party(
                id=str(p["id"]),
                name=str(p["name"]),
                aliases=_strs(p.get("aliases"), w, "aliases"),
                official_account_ids=_strs(p.get("official_account_ids"), w, "official_account_ids"),
            )
        )
    return Election(
        id=str(data["id"]),
        country=country,
        name=str(data["name"]),
        rounds=round_dates,
        watch_from=watch_from,
        authority_name=str(data.get("authority_name", "")),
        authority_url=str(data.get("authority_url", "")),
        authority_aliases=_strs(data.get("authority_aliases"), where, "authority_aliases"),
        authority_account_ids=_strs(data.get("authority_account_ids"), where, "authority_account_ids"),
        estimated_columns=_strs(data.get("estimated_columns"), where, "estimated_columns"),
        languages=_strs(data.get("languages"), where, "languages"),
        keywords=_strs(data.get("keywords"), where, "keywords"),
        candidates=tuple(cands),
        parties=tuple(parties),
    )


def load_election(path: Path) -> Election:
    """Read and validate ``election.toml``; errors name the file and key."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DataError(str(path), None, None, "file not found: a dataset needs election.toml") from None
    except UnicodeDecodeError as e:
        raise DataError(str(path), None, None, f"not valid UTF-8 (byte {e.start})") from None
    return loads_election(raw, str(path))


def loads_election(raw: str, where: str) -> Election:
    """``election.toml`` text read from elsewhere (a Spark engine reading a
    Hadoop-compatible URI); ``where`` names it in errors."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise DataError(where, None, None, f"not valid TOML: {e}") from None
    return _build(data, where)
