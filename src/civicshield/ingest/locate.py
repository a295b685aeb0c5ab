"""Find the exact row of a structural problem DuckDB reported only roughly.

DuckDB's CSV reader says *that* a file has broken UTF-8 or a ragged row, but
its line numbers count blank lines and not the lines inside quoted values,
and its Parquet reader names the bad value but not the row.  These scans run
only after DuckDB has found a problem; they stream the file (never hold it)
and stop at the first bad row.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from civicshield.ingest.convert import MAX_FIELD_BYTES

_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean", type(None): "null"}
_BAD = re.compile("[\udc80-\udcff]")


def _bad_bytes(text: str) -> str:
    """The undecodable bytes of a surrogate-escaped string, as 0xff 0xfe."""
    m = _BAD.search(text)
    raw = text[m.start() : m.start() + 4].encode("utf-8", "surrogateescape")
    bad = [b for b in raw if b >= 0x80][:2]
    return " ".join(f"0x{b:02x}" for b in bad)


def _utf8_msg(text: str) -> str:
    return f"not valid UTF-8 (bytes {_bad_bytes(text)}); save the file as UTF-8"


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def first_bad_csv_row(path: Path) -> tuple[int, str | None, str] | None:
    """(row, column, message) of the first record that is not clean CSV:
    undecodable bytes, a field count unlike the header's, a field over the
    size limit, or broken quoting.  Rows are data records; blank lines are
    not rows, as in DuckDB's reader."""
    csv.field_size_limit(sys.maxsize)
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text, strict=True)
        row = 0
        try:
            header = next(reader, [])
            for rec in reader:
                if not rec:
                    continue
                row += 1
                if len(rec) != len(header):
                    return row, None, f"row has {len(rec)} fields; the header has {len(header)}"
                for name, value in zip(header, rec, strict=True):
                    if _BAD.search(value):
                        return row, name, _utf8_msg(value)
                    if len(value) > MAX_FIELD_BYTES // 4 and _size(value) > MAX_FIELD_BYTES:
                        return row, name, f"value is {_size(value):,} bytes; the limit is {MAX_FIELD_BYTES:,} bytes (1 MiB)"
        except csv.Error as e:
            return row + 1, None, f"broken CSV quoting ({e})"
    return None


def nonblank_line_number(path: Path, record: int) -> int:
    """The line number of the ``record``-th non-blank line (both 1-based)."""
    seen = 0
    with open(path, "rb") as f:
        for i, raw in enumerate(f, start=1):
            if raw.strip():
                seen += 1
                if seen == record:
                    return i
    return record


def jsonl_line_problem(path: Path, line_no: int) -> tuple[str | None, str]:
    """(column, message) for line ``line_no`` (1-based) of a JSONL file that
    DuckDB could not take as one JSON object."""
    with open(path, "rb") as f:
        for i, raw in enumerate(f, start=1):
            if i == line_no:
                return describe_json_line(raw.rstrip(b"\r\n"))
    return None, "not valid JSON"


def describe_json_line(raw: bytes) -> tuple[str | None, str]:
    if len(raw) > 16 * MAX_FIELD_BYTES:
        return None, f"line is {len(raw):,} bytes; longer than any row may be"
    text = raw.decode("utf-8", "surrogateescape")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        if _BAD.search(text):
            return None, _utf8_msg(text)
        return None, f"not valid JSON ({e.msg} at character {e.pos})"
    if not isinstance(obj, dict):
        return None, f"expected a JSON object, got {_JSON_KINDS.get(type(obj), 'a value')}"
    for key, value in obj.items():
        if isinstance(value, str) and _BAD.search(value):
            return key, _utf8_msg(value)
    if _BAD.search(text):
        return None, _utf8_msg(text)
    return None, "not valid JSON"


def first_bad_parquet_utf8(path: Path) -> tuple[int, str, str] | None:
    """(row, column, message) of the first string that is not UTF-8.
    Reads one string column at a time in record batches."""
    pf = pq.ParquetFile(path)
    names = [f.name for f in pf.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    best: tuple[int, str, str] | None = None
    for name in names:
        offset = 0
        for batch in pf.iter_batches(columns=[name], batch_size=65536):
            col = batch.column(0)
            try:
                col.validate(full=True)
            except pa.ArrowInvalid:
                for i, value in enumerate(col.cast(pa.binary()).to_pylist()):
                    if value is None:
                        continue
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        row = offset + i + 1
                        if best is None or row < best[0]:
                            best = (row, name, _utf8_msg(value.decode("utf-8", "surrogateescape")))
                        break
                break
            offset += len(col)
    return best
