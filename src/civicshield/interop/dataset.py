"""Writing a contract dataset folder from imported rows.

Every importer ends here, so the folder it leaves is one that
``civicshield ingest`` accepts: Parquet typed by the store's own Arrow
schema, the election file validated and copied, and what the import could
not map written to ``IMPORT_NOTES.md`` (ingest ignores it, people read it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from civicshield.contract import TABLES
from civicshield.election import load_election
from civicshield.errors import DataError
from civicshield.store.build import arrow_schema

NOTES_FILE = "IMPORT_NOTES.md"


@dataclass(frozen=True)
class ImportResult:
    out: Path
    rows: dict[str, int]  # rows written per contract table
    notes: tuple[str, ...] = ()
    extra_files: tuple[Path, ...] = ()  # files beside the tables that ingest ignores
    stand_in_created_at: tuple[str, ...] = field(default=())  # accounts whose created_at is a stand-in


def username_id(prefix: str, username: str) -> str:
    """A stable account id for an account known only by its username."""
    return f"{prefix}-" + hashlib.blake2b(username.strip().lower().encode(), digest_size=8).hexdigest()


def utc_from_unix(value, file: str, row: int | None, column: str) -> dt.datetime:
    """Unix seconds (int, float or digit string) -> naive UTC datetime; never through a float for ints."""
    if isinstance(value, bool) or value is None or value == "":
        raise DataError(file, row, column, f"expected unix seconds, got {value!r}")
    try:
        secs = int(value) if isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()) \
            else float(value)
        return dt.datetime.fromtimestamp(secs, dt.UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        raise DataError(file, row, column, f"expected unix seconds, got {value!r}") from None


def contract_table(name: str, rows: list[dict], extra: Mapping[str, pa.DataType] | None = None) -> pa.Table:
    """Rows -> Arrow typed as the store's schema, defaults filled; ``extra``
    columns (source fields the contract lacks) are appended as they come."""
    schema = arrow_schema(name)
    defaults = {c.name: c.default for c in TABLES[name].columns if c.default is not None}
    arrays = []
    for f in schema:  # column by column: building a dict per row costs several times more
        values = [r.get(f.name) for r in rows]
        if f.name in defaults:
            values = [defaults[f.name] if v is None else v for v in values]
        arrays.append(pa.array(values, f.type))
    tbl = pa.Table.from_arrays(arrays, schema=schema)
    for name_, type_ in (extra or {}).items():
        tbl = tbl.append_column(name_, pa.array([r.get(name_) for r in rows], type_))
    return tbl


def check_out_dir(out: Path) -> Path:
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DataError(str(out), None, None, "output folder exists and is not empty; choose a new folder")
    return out


def check_targets(out: Path, election_file: Path) -> None:
    """Refuse a used output folder or a bad election file before reading any input."""
    check_out_dir(out)
    load_election(Path(election_file))


def _notes_text(source: str, notes: list[str], stand_ins: list[str]) -> str:
    lines = [f"# Import notes: {source}", ""]
    lines += [f"- {n}" for n in notes] or ["- nothing to note"]
    if stand_ins:
        lines += [
            "",
            "## Accounts whose created_at is a stand-in",
            "",
            "The source does not give account creation times. For these accounts `created_at` is the",
            "earliest activity seen in the import, so creation-time detectors (batch_created, sleeper)",
            "say nothing meaningful about them.",
            "",
            *[f"- {a}" for a in stand_ins],
        ]
    return "\n".join(lines) + "\n"


def _copy_election(src: Path, dst: Path, estimated: bool) -> None:
    """Copy election.toml; when creation times are stand-ins, declare
    ``accounts.created_at`` estimated so creation-time detectors skip."""
    text = src.read_text(encoding="utf-8")
    if estimated and "accounts.created_at" not in load_election(src).estimated_columns:
        if load_election(src).estimated_columns:
            raise DataError(str(src), None, "estimated_columns", "add \"accounts.created_at\" to it: this import estimates creation times")
        # a top-level key must come before the first [table]: prepend it
        text = ('# added by the import: account creation times are first activity (see IMPORT_NOTES.md)\n'
                'estimated_columns = ["accounts.created_at"]\n' + text)
    dst.write_text(text, encoding="utf-8")


def write_dataset(
    out: Path,
    election_file: Path,
    tables: Mapping[str, pa.Table],
    notes: list[str],
    source: str,
    stand_ins: list[str] = (),
    extra: Mapping[str, pa.Table] | None = None,
) -> ImportResult:
    """Write ``tables`` (from ``contract_table``) as Parquet plus election.toml and the notes file.

    Written into a hidden sibling folder that is renamed to ``out`` at the
    end, so a failed import leaves no half-written dataset behind."""
    out = check_out_dir(out)
    load_election(Path(election_file))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        _copy_election(Path(election_file), tmp / "election.toml", estimated=bool(stand_ins))
        rows = {}
        for name, tbl in tables.items():
            if tbl.num_rows == 0 and name != "accounts":
                continue
            pq.write_table(tbl, tmp / f"{name}.parquet")
            rows[name] = tbl.num_rows
        for fname, tbl in (extra or {}).items():
            pacsv.write_csv(tbl, tmp / fname)
        (tmp / NOTES_FILE).write_text(_notes_text(source, notes, list(stand_ins)), encoding="utf-8")
        if out.exists():
            out.rmdir()  # checked empty above
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    extra_paths = tuple(out / f for f in (extra or {}))
    return ImportResult(out, rows, tuple(notes), extra_paths, tuple(stand_ins))
