"""Which files of a dataset folder hold which contract table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from civicshield.contract import FILE_EXTENSIONS, REQUIRED_TABLES, TABLES
from civicshield.errors import DataError

# posts.csv, posts-0001.parquet; the extension is everything after the first dot.
_NAME = re.compile(r"^(?P<table>[a-z_]+?)(?:-(?P<part>\d+))?\.(?P<ext>.+)$")


@dataclass(frozen=True)
class TableFile:
    table: str
    path: Path
    fmt: str  # parquet, csv or jsonl
    part: int | None  # the split number, None for an unsplit file

    @property
    def shown(self) -> str:
        """The name errors use: the path as the user gave the dataset."""
        return str(self.path)


@dataclass(frozen=True)
class Layout:
    files: dict[str, tuple[TableFile, ...]]  # contract order, only tables present
    notes: tuple[str, ...]


def find_tables(dataset: Path) -> Layout:
    """Map the folder's files to contract tables.

    Unknown files (README, truth/, media/) are noted and left alone; a file
    named like a table with an extension we cannot read is an error, since
    silently skipping ``posts.xlsx`` would load a dataset without its posts.
    """
    if not dataset.is_dir():
        raise DataError(str(dataset), None, None, "not a folder: a dataset is a folder with election.toml and accounts")
    found: dict[str, list[TableFile]] = {}
    notes: list[str] = []
    for path in sorted(dataset.iterdir()):
        if path.name.startswith(".") or path.is_dir() or path.name == "election.toml":
            continue
        m = _NAME.match(path.name)
        if not m or m["table"] not in TABLES:
            notes.append(f"{path}: not a contract table; ignored")
            continue
        ext = m["ext"].lower()
        if ext not in FILE_EXTENSIONS:
            raise DataError(
                str(path), None, None, f"unknown extension '.{m['ext']}': table files must be .parquet, .csv or .jsonl"
            )
        part = int(m["part"]) if m["part"] is not None else None
        found.setdefault(m["table"], []).append(TableFile(m["table"], path, ext, part))
    for name in REQUIRED_TABLES:
        if name not in found:
            raise DataError(
                str(dataset), None, None, f"required table '{name}' is missing (no {name}.parquet, {name}.csv or {name}.jsonl)"
            )
    files: dict[str, tuple[TableFile, ...]] = {}
    for name in TABLES:
        if name not in found:
            continue
        group = found[name]
        whole = [f for f in group if f.part is None]
        if len(whole) > 1 or (whole and len(group) > 1):
            others = ", ".join(f.path.name for f in group)
            raise DataError(str(group[0].path), None, None, f"table '{name}' is given more than once ({others}); keep one file or split files only")
        parts = sorted(group, key=lambda f: (f.part, f.path.name))
        seen: dict[int | None, TableFile] = {}
        for f in parts:
            if f.part in seen:
                raise DataError(str(f.path), None, None, f"split number {f.part} is also used by {seen[f.part].path.name}")
            seen[f.part] = f
        files[name] = tuple(parts)
    return Layout(files, tuple(notes))
