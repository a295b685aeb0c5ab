"""Build an event store directly from rows already known to be valid.

Ingest validates files and then loads through here; tests, notebooks and
benchmarks that make their own rows use it to skip the file round trip.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from civicshield.contract import TABLES
from civicshield.election import Election
from civicshield.store.events import META_TABLE, create_schema, table_ddl

_ARROW = {
    "str": pa.string(),
    "enum": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us"),
    "list": pa.list_(pa.string()),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a contract table, in contract column order."""
    return pa.schema([(c.name, _ARROW[c.kind]) for c in TABLES[table].columns])


def _to_arrow(table: str, rows: list[dict] | pa.Table) -> pa.Table:
    schema = arrow_schema(table)
    if isinstance(rows, pa.Table):
        cols = {}
        for f in schema:
            cols[f.name] = rows.column(f.name).cast(f.type) if f.name in rows.column_names else pa.nulls(len(rows), f.type)
        return pa.table(cols, schema=schema)
    defaults = {c.name: c.default for c in TABLES[table].columns if c.default is not None}
    norm = []
    for r in rows:
        row = {**defaults, **{k: v for k, v in r.items() if v is not None}}
        for k, v in row.items():
            if isinstance(v, dt.datetime) and v.tzinfo is not None:
                row[k] = v.astimezone(dt.UTC).replace(tzinfo=None)
        norm.append({f.name: row.get(f.name) for f in schema})
    return pa.Table.from_pylist(norm, schema=schema)


def write_tables(con: duckdb.DuckDBPyConnection, election: Election, tables: Mapping[str, list[dict] | pa.Table]) -> None:
    """Create the schema and load the given contract tables into ``con``."""
    create_schema(con)
    con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('election', ?)", [election.to_json()])
    for name, rows in tables.items():
        if name not in TABLES:
            raise KeyError(f"{name!r} is not a contract table")
        con.execute(table_ddl(name))
        arrow = _to_arrow(name, rows)
        con.register("_rows", arrow)
        con.execute(f'INSERT INTO "{name}" SELECT * FROM _rows')
        con.unregister("_rows")


def build_store(path: Path, election: Election, tables: Mapping[str, list[dict] | pa.Table]) -> Path:
    """Write a fresh event store at ``path`` (replacing any) from trusted rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        write_tables(con, election, tables)
    finally:
        con.close()
    return path
