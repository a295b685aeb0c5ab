"""What a simulation run is asked to do, validated before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from civicshield.contract import FILE_EXTENSIONS
from civicshield.errors import ParameterError

SUPPORTED_LANGUAGES = ("ro", "hu", "en")


@dataclass(frozen=True)
class SimConfig:
    seed: int = 7
    accounts: int = 5000  # organic accounts
    scale: float = 1.0  # multiplies activity per account (engagements, posts)
    fmt: str = "parquet"  # parquet | csv | jsonl
    country: str = "RO"  # Romanian-style presidential election by default
    languages: tuple[str, ...] = ("ro", "hu")  # official languages of the election; English is always mixed in
    candidates: tuple[str, ...] = ()  # candidate names; empty = the built-in 2024 field
    file_rows: int = 2_000_000  # rows per output file before a table is split (posts-0001, ...)
    media: bool = True  # write the images under media/; False keeps the tables identical but writes no file

    def validate(self) -> None:
        def bad(name: str, must: str, got) -> None:
            raise ParameterError(f"The {name!r} parameter of SimConfig must be {must}. Got {got!r} instead.")

        if not isinstance(self.seed, int) or isinstance(self.seed, bool) or self.seed < 0:
            bad("seed", "a non-negative int", self.seed)
        if not isinstance(self.accounts, int) or isinstance(self.accounts, bool) or not 200 <= self.accounts <= 20_000_000:
            bad("accounts", "an int in [200, 20000000]", self.accounts)
        if not isinstance(self.scale, int | float) or isinstance(self.scale, bool) or not 0.01 <= self.scale <= 10_000:
            bad("scale", "a number in [0.01, 10000]", self.scale)
        if self.fmt not in FILE_EXTENSIONS:
            bad("fmt", f"one of {', '.join(FILE_EXTENSIONS)}", self.fmt)
        if not (isinstance(self.country, str) and len(self.country) == 2 and self.country.isalpha() and self.country.isupper()):
            bad("country", "an ISO 3166-1 alpha-2 code such as 'RO'", self.country)
        if not self.languages or any(lang not in SUPPORTED_LANGUAGES for lang in self.languages):
            bad("languages", f"a non-empty tuple of {', '.join(SUPPORTED_LANGUAGES)}", self.languages)
        if self.candidates and (len(self.candidates) < 3 or any(len(c.split()) < 2 for c in self.candidates)):
            bad("candidates", "empty or at least three 'First Last' names", self.candidates)
        if not isinstance(self.file_rows, int) or self.file_rows < 1000:
            bad("file_rows", "an int >= 1000", self.file_rows)


@dataclass(frozen=True)
class SimResult:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    operations: dict[str, int] = field(default_factory=dict)  # finding kind -> operations planted
