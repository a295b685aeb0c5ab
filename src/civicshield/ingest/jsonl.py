"""Open a JSONL table file.

Fast path: DuckDB's ``read_json`` takes every contract column as a raw JSON
fragment (so ``"00123"`` and ``123`` stay distinguishable, and an object
where a string belongs is seen as one), in parallel, in file order.  If the
reader refuses the file (a line that is not JSON, not an object, not UTF-8)
the slow path reads each line whole as text and finds the bad line in SQL.
Either way the row of a message is the line number.
"""

from __future__ import annotations

import json

import duckdb

from civicshield.contract import TABLES
from civicshield.errors import DataError
from civicshield.ingest.convert import Field, sql_str
from civicshield.ingest.files import TableFile
from civicshield.ingest.locate import jsonl_line_problem, nonblank_line_number
from civicshield.ingest.sources import MAX_LINE_BYTES, STAGE, Source, csv_options, drops, first_reject

# Extra keys are noted from this many first lines (the whole file is not
# parsed in Python for a note).
EXTRA_KEY_SAMPLE = 1000


def _sample_keys(tf: TableFile) -> list[str]:
    keys: dict[str, None] = {}
    seen = 0
    with open(tf.path, "rb") as f:
        for raw in f:
            if not raw.strip():
                continue
            keys.update(dict.fromkeys(json.loads(raw)))
            seen += 1
            if seen >= EXTRA_KEY_SAMPLE:
                break
    return list(keys)


def open_jsonl(con: duckdb.DuckDBPyConnection, tf: TableFile, name: str) -> Source:
    table = TABLES[tf.table]
    cols = "{" + ", ".join(f"{sql_str(c.name)}: 'JSON'" for c in table.columns) + "}"
    # Each fragment is unpacked once here into its text and its JSON type, so
    # that the checks read plain columns.
    unpack = []
    for c in table.columns:
        unpack += [f"{c.name} ->> '$' AS v_{c.name}", f"json_type({c.name}) AS t_{c.name}"]
        if c.kind == "list":
            unpack += [f"json_extract_string({c.name}, '$[*]') AS i_{c.name}", f"json_type({c.name}, '$[*]') AS it_{c.name}"]
    try:
        con.execute(
            f"CREATE TABLE {STAGE}.{name} AS SELECT {', '.join(unpack)} FROM read_json(?, format='newline_delimited', "
            f"records=true, columns={cols}, maximum_object_size={MAX_LINE_BYTES})",
            [str(tf.path)],
        )
    except duckdb.InvalidInputException:
        con.execute(f"DROP TABLE IF EXISTS {STAGE}.{name}")
        return open_jsonl_lines(con, tf, name)
    counts = con.execute(f"SELECT {', '.join(f'count(t_{c.name})' for c in table.columns)} FROM {STAGE}.{name}").fetchone()
    # A column is there when some row has a value for it (JSON null counts).
    present = [c for c, n in zip(table.columns, counts, strict=True) if n]
    fields = {
        c.name: Field(
            tf.table, c, f"v_{c.name}", "json", f"t_{c.name}",
            f"i_{c.name}" if c.kind == "list" else None,
            f"it_{c.name}" if c.kind == "list" else None,
        )
        for c in present
    }
    extras = [k for k in _sample_keys(tf) if k not in table.names]
    src = Source(tf, f"{STAGE}.{name}", "(rowid + 1)", fields, [c.name for c in present], extras, drop=drops(name))
    src.to_row = lambda record: nonblank_line_number(tf.path, record)
    return src


def _json_keys(con: duckdb.DuckDBPyConnection, lines: str, limit: str) -> list[str]:
    sql = (
        f"SELECT DISTINCT unnest(json_keys(CASE WHEN json_valid(line) THEN line END)) AS k "
        f"FROM {lines} WHERE trim(line) <> '' {limit} ORDER BY k"
    )
    return [r[0] for r in con.execute(sql).fetchall()]


def open_jsonl_lines(con: duckdb.DuckDBPyConnection, tf: TableFile, name: str) -> Source:
    # Each line is taken whole as one text value (\x01 cannot occur in valid
    # JSON unescaped), so the row number is the line number and a bad line is
    # found in SQL instead of aborting the reader.
    opts = csv_options({"line": "VARCHAR"}, False, "'\x01'", "''", name)
    lines = f"{STAGE}.{name}_lines"
    con.execute(f"CREATE TABLE {lines} AS SELECT * FROM read_csv(?, {opts})", [str(tf.path)])
    problem = None
    rej = first_reject(con, name)
    if rej is not None:
        col, msg = jsonl_line_problem(tf.path, rej[0])
        problem = DataError(tf.shown, rej[0], col, msg)
    limit = f"AND rowid + 1 < {problem.row}" if problem else ""
    bad = con.execute(
        f"SELECT min(rowid) + 1 FROM {lines} WHERE trim(line) <> '' "
        f"AND coalesce(CASE WHEN json_valid(line) THEN json_type(line) END, '') <> 'OBJECT' {limit}"
    ).fetchone()[0]
    if bad is not None:
        col, msg = jsonl_line_problem(tf.path, bad)
        problem = DataError(tf.shown, bad, col, msg)
        limit = f"AND rowid + 1 < {bad}"
    keys = _json_keys(con, lines, limit)
    table = TABLES[tf.table]
    present = [c for c in table.columns if c.name in keys]
    select = ["rowid + 1 AS _row"]
    paths = ", ".join(sql_str(f'$."{c.name}"') for c in present)
    if present:
        select += [f"json_extract_string(line, [{paths}]) AS _v", f"json_type(line, [{paths}]) AS _t"]
    for c in present:
        if c.kind == "list":
            p = sql_str(f'$."{c.name}"[*]')
            select += [f"json_extract_string(line, {p}) AS {c.name}_items", f"json_type(line, {p}) AS {c.name}_types"]
    con.execute(f"CREATE TABLE {STAGE}.{name} AS SELECT {', '.join(select)} FROM {lines} WHERE trim(line) <> '' {limit}")
    con.execute(f"DROP TABLE {lines}")
    fields = {}
    for i, c in enumerate(present, start=1):
        items = f"{c.name}_items" if c.kind == "list" else None
        types = f"{c.name}_types" if c.kind == "list" else None
        fields[c.name] = Field(tf.table, c, f"_v[{i}]", "json", f"_t[{i}]", items, types)
    extras = [k for k in keys if k not in table.names]
    return Source(tf, f"{STAGE}.{name}", "_row", fields, [c.name for c in present], extras, problem, drops(name))
