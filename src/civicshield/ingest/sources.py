"""Open one table file in DuckDB as a relation with 1-based row numbers.

CSV and JSONL are first copied verbatim (every value as text) into a staging
table: DuckDB keeps insertion order, so ``rowid + 1`` is the row in the
file.  Parquet is read in place with ``file_row_number``.  Nothing here
converts values; ``convert.rules`` does that in SQL afterwards.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from civicshield.contract import TABLES
from civicshield.errors import DataError
from civicshield.ingest.convert import MAX_FIELD_BYTES, Field, sql_str
from civicshield.ingest.files import TableFile
from civicshield.ingest.locate import first_bad_csv_row

# A row (not a field) longer than this is refused by the reader itself.
MAX_LINE_BYTES = 16 * MAX_FIELD_BYTES
STAGE = "stage"  # the attached staging database


@dataclass
class Source:
    file: TableFile
    relation: str  # SQL usable after FROM
    row: str  # SQL giving the 1-based row in the file
    fields: dict[str, Field]  # contract column -> how to read it
    order: list[str]  # contract columns in the order the file has them
    extras: list[str]  # columns the contract does not know
    problem: DataError | None = None  # first structural problem; rows from it on are not trusted
    drop: list[str] = field(default_factory=list)  # SQL to run when done
    # ``row`` counts records; where the user's row is something else (the
    # line number of a JSONL file with blank lines) this maps one to the other.
    to_row: Callable[[int], int] = lambda r: r

    @property
    def limit_row(self) -> int | None:
        return self.problem.row if self.problem else None


def _read_header(tf: TableFile) -> list[str]:
    with open(tf.path, "rb") as f:
        head = f.readline(MAX_LINE_BYTES)
        # A header may span lines only inside quotes; read on until it parses.
        while head.count(b'"') % 2 and len(head) < MAX_LINE_BYTES:
            more = f.readline(MAX_LINE_BYTES)
            if not more:
                break
            head += more
    if not head.strip():
        raise DataError(tf.shown, None, None, "empty file: a CSV table needs a header row")
    try:
        text = codecs.decode(head, "utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(tf.shown, None, None, f"header is not valid UTF-8 (byte {e.start})") from None
    names = [n.strip() for n in next(csv.reader([text.rstrip("\r\n")]))]
    seen: set[str] = set()
    for n in names:
        if n in seen and n:
            raise DataError(tf.shown, None, n, "column appears twice in the header")
        seen.add(n)
    return names


def csv_options(columns: dict[str, str], header: bool, delim: str, quote: str, name: str) -> str:
    cols = "{" + ", ".join(f"{sql_str(k)}: 'VARCHAR'" for k in columns) + "}"
    return (
        f"columns={cols}, header={str(header).lower()}, delim={delim}, quote={quote}, escape={quote}, "
        f"auto_detect=false, strict_mode=true, encoding='utf-8', max_line_size={MAX_LINE_BYTES}, "
        f"store_rejects=true, rejects_table='{name}_rej', rejects_scan='{name}_scan'"
    )


def first_reject(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, str | None, str] | None:
    row = con.execute(f"SELECT line, column_name, error_message FROM {name}_rej ORDER BY line LIMIT 1").fetchone()
    return row


def drops(name: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {STAGE}.{name}", f"DROP TABLE IF EXISTS {name}_rej", f"DROP TABLE IF EXISTS {name}_scan"]


def open_csv(con: duckdb.DuckDBPyConnection, tf: TableFile, name: str) -> Source:
    header = _read_header(tf)
    table = TABLES[tf.table]
    staged = {f"c{i}": h for i, h in enumerate(header)}
    opts = csv_options(staged, True, "','", "'\"'", name)
    con.execute(f"CREATE TABLE {STAGE}.{name} AS SELECT * FROM read_csv(?, {opts})", [str(tf.path)])
    problem = None
    if first_reject(con, name) is not None:
        found = first_bad_csv_row(tf.path)
        if found is None:  # the two parsers disagree: report DuckDB's words
            line, col, msg = first_reject(con, name)
            problem = DataError(tf.shown, None, None, f"cannot read CSV near line {line}: {msg.splitlines()[0]}")
        else:
            problem = DataError(tf.shown, found[0], found[1], found[2])
    fields, order, extras = {}, [], []
    for key, name_in_file in staged.items():
        if name_in_file in table.names:
            fields[name_in_file] = Field(tf.table, table.column(name_in_file), key)
            order.append(name_in_file)
        else:
            extras.append(name_in_file or "(unnamed)")
    src = Source(tf, f"{STAGE}.{name}", "(rowid + 1)", fields, order, extras, problem, drops(name))
    if problem is not None and problem.row is None:
        raise problem
    return src


def open_parquet(con: duckdb.DuckDBPyConnection, tf: TableFile, name: str) -> Source:
    rel = f"read_parquet({sql_str(str(tf.path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    except duckdb.Error as e:
        raise DataError(tf.shown, None, None, f"not a readable Parquet file ({first_line(e, tf)})") from None
    table = TABLES[tf.table]
    fields, order, extras = {}, [], []
    for col_name, col_type, *_ in described:
        if col_name == "file_row_number":
            continue
        if col_name in table.names:
            fields[col_name] = Field(tf.table, table.column(col_name), f'"{col_name}"', col_type)
            order.append(col_name)
        else:
            extras.append(col_name)
    return Source(tf, rel, "(file_row_number + 1)", fields, order, extras)


def first_line(e: Exception, tf: TableFile) -> str:
    """DuckDB's reason without its error class and with the file's own name
    (the full path is already at the front of the message)."""
    text = str(e).splitlines()[0]
    text = text.split(": ", 1)[1] if text.startswith(("Invalid Input Error", "IO Error")) else text
    return text.replace(str(tf.path), tf.path.name)
