"""Contract tables out to Parquet, CSV or JSONL, streamed in chunks.

Each table goes to ``<table>.<ext>``; a table larger than ``file_rows`` is
split into ``<table>-0001.<ext>``, ``<table>-0002.<ext>``... as the contract
allows.  Parquet keeps native timestamps and lists; CSV and JSONL get ISO
8601 ``Z`` strings, and CSV joins lists with spaces.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from civicshield.contract import TABLES
from civicshield.store.build import arrow_schema

US = 1_000_000


def rows_to_arrow(table: str, rows: list[dict]) -> pa.Table:
    """Dict rows (timestamps as Unix seconds) to the contract's Arrow schema."""
    schema = arrow_schema(table)
    cols = {}
    for f in schema:
        vals = [r.get(f.name) for r in rows]
        if pa.types.is_timestamp(f.type):
            cols[f.name] = pa.array([None if v is None else int(v) * US for v in vals], type=pa.int64()).cast(f.type)
        else:
            cols[f.name] = pa.array(vals, type=f.type)
    return pa.table(cols, schema=schema)


def conform(table: str, tbl: pa.Table) -> pa.Table:
    schema = arrow_schema(table)
    return pa.table([tbl.column(f.name).cast(f.type) if f.name in tbl.column_names else pa.nulls(len(tbl), f.type)
                     for f in schema], schema=schema)


def _texty(tbl: pa.Table, lists_as: str) -> pa.Table:
    cols = []
    for f in tbl.schema:
        col = tbl.column(f.name)
        if pa.types.is_timestamp(f.type):
            col = pc.strftime(col.cast(pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%SZ")
        elif pa.types.is_list(f.type) and lists_as == "space":
            col = pc.binary_join(col, " ")
        cols.append(col)
    return pa.table(cols, names=tbl.column_names)


class Sink:
    """One contract table being written."""

    def __init__(self, out_dir: Path, table: str, fmt: str, file_rows: int):
        if table not in TABLES:
            raise KeyError(table)
        self.out_dir, self.table, self.fmt, self.file_rows = Path(out_dir), table, fmt, file_rows
        self.files: list[Path] = []
        self.rows = 0
        self._in_file = 0
        self._writer = None
        self._fh = None

    def _open(self) -> None:
        self._close_file()
        path = self.out_dir / f"{self.table}-{len(self.files) + 1:04d}.{self.fmt}"
        self.files.append(path)
        self._in_file = 0
        if self.fmt == "parquet":
            self._writer = pq.ParquetWriter(path, arrow_schema(self.table), compression="zstd")
        elif self.fmt == "csv":
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in _close_file
            self._writer = None
        else:
            self._fh = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in _close_file

    def _close_file(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def write(self, tbl: pa.Table) -> None:
        tbl = conform(self.table, tbl)
        start = 0
        while start < len(tbl):
            if not self.files or self._in_file >= self.file_rows:
                self._open()
            part = tbl.slice(start, self.file_rows - self._in_file)
            self._write_part(part)
            self._in_file += len(part)
            start += len(part)
        self.rows += len(tbl)

    def _write_part(self, part: pa.Table) -> None:
        if self.fmt == "parquet":
            if len(part):
                self._writer.write_table(part)
        elif self.fmt == "csv":
            if self._writer is None:
                self._writer = pacsv.CSVWriter(self._fh, arrow_schema_text(self.table))
            self._writer.write_table(_texty(part, "space"))
        else:
            self._fh.write(_jsonl_text(_texty(part, "json")))

    def close(self) -> int:
        if not self.files:
            self._open()
            self._write_part(conform(self.table, rows_to_arrow(self.table, [])))
        self._close_file()
        if len(self.files) == 1:
            self.files[0].rename(self.out_dir / f"{self.table}.{self.fmt}")
        return self.rows


def arrow_schema_text(table: str) -> pa.Schema:
    """The CSV schema: timestamps and lists become strings."""
    return pa.schema([(f.name, pa.string() if pa.types.is_timestamp(f.type) or pa.types.is_list(f.type) else f.type)
                      for f in arrow_schema(table)])


def _jsonl_text(tbl: pa.Table) -> str:
    """JSON lines for an Arrow table, written by DuckDB (one thread, so row order holds)."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.register("part", tbl)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "part.jsonl"
            con.execute(f"COPY part TO '{out}' (FORMAT JSON)")
            return out.read_text(encoding="utf-8")
    finally:
        con.close()


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
