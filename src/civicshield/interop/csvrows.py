"""CSV rows as text, with the row numbers and time parsing errors need."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from civicshield.errors import DataError
from civicshield.interop.dataset import utc_from_unix


class CsvRows:
    """``for n, row in CsvRows(path, required)``: ``n`` is 1-based over data rows;
    every value is a string, so numeric ids never pass through a float."""

    def __init__(self, path: Path, required: tuple[str, ...]):
        self.path = Path(path)
        try:
            with open(self.path, newline="", encoding="utf-8") as f:
                self.header = next(csv.reader(f), [])
        except FileNotFoundError:
            raise DataError(str(self.path), None, None, "file not found") from None
        except UnicodeDecodeError:
            raise DataError(str(self.path), None, None, "not UTF-8 text") from None
        if not self.header:
            raise DataError(str(self.path), None, None, "empty file: a header row is needed")
        for c in required:
            if c not in self.header:
                raise DataError(str(self.path), None, c, f"required column is missing (need {', '.join(required)})")

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        with open(self.path, newline="", encoding="utf-8") as f:
            for n, row in enumerate(csv.DictReader(f), 1):
                if None in row:
                    raise DataError(str(self.path), n, None, "more fields than the header has")
                yield n, {k: (v or "") for k, v in row.items()}


def read_csv_rows(path: Path, required: tuple[str, ...]) -> CsvRows:
    return CsvRows(path, required)


def when(value: str, file: str, row: int, column: str) -> dt.datetime:
    """Unix seconds or ISO 8601 (``Z`` or an offset; none means UTC) -> naive UTC."""
    v = value.strip()
    try:
        float(v)
    except ValueError:
        try:
            t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            raise DataError(file, row, column, f"not unix seconds or an ISO 8601 time: {v[:40]!r}") from None
        return t.astimezone(dt.UTC).replace(tzinfo=None) if t.tzinfo else t
    return utc_from_unix(v, file, row, column)
