"""DuckDB event store.

The contract tables live under their contract names so that one SQL text
serves DuckDB here and Spark (temp views of the same names) later.  Findings
live beside them; a fresh ingest replaces the whole file, which drops
findings made on older data on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from civicshield.contract import TABLES
from civicshield.election import Election
from civicshield.errors import WorkspaceError

FINDINGS_TABLE = "findings"
META_TABLE = "_meta"

_FINDINGS_DDL = f"""
CREATE TABLE IF NOT EXISTS {FINDINGS_TABLE} (
    finding_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    detector VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    account_ids VARCHAR[],
    post_ids VARCHAR[],
    engagements VARCHAR[],
    network_id VARCHAR,
    first_seen TIMESTAMP,
    last_seen TIMESTAMP,
    evidence VARCHAR
)
"""


def table_ddl(name: str) -> str:
    t = TABLES[name]
    cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in t.columns)
    return f'CREATE TABLE "{name}" ({cols})'


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the meta and findings tables (contract tables come with ingest)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(_FINDINGS_DDL)


class EventStore:
    """A workspace's DuckDB database.

    Open read-only for detection and reporting; ingest builds a new file and
    swaps it in, so readers never see a half-loaded dataset.
    """

    engine = "duckdb"

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            raise WorkspaceError(f"{self.path}: no event store here; run 'civicshield ingest DATASET --workspace DIR' first")
        self.con = duckdb.connect(str(self.path), read_only=read_only)
        self._sql_views: set[str] = set()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what is loaded -------------------------------------------------
    def tables(self) -> set[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
        return {r[0] for r in rows if r[0] in TABLES}

    def has(self, table: str) -> bool:
        return table in self.tables()

    def count(self, table: str) -> int:
        return self.con.sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]

    def meta(self, key: str) -> str | None:
        rows = self.con.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def election(self) -> Election:
        raw = self.meta("election")
        if raw is None:
            raise WorkspaceError(f"{self.path}: no election recorded; re-run ingest")
        return Election.from_json(raw)

    # -- queries ---------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> pa.Table:
        return self.con.sql(sql, params=params or None).to_arrow_table()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        if name in self._sql_views:
            self.con.execute(f'DROP VIEW IF EXISTS "{name}"')
            self._sql_views.discard(name)
        else:
            self.con.unregister(name)

    def create_view(self, name: str, sql: str) -> None:
        """A temporary view (it lives with this connection, so a read-only
        store can have one too)."""
        self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {sql}')
        self._sql_views.add(name)

    @contextmanager
    def mapped(self, name: str, sql: str, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema) -> Iterator[None]:
        """``fn`` over ``sql``'s result, queryable as ``name`` for one block.
        Here the whole result is one batch in this process; the Spark engine
        runs ``fn`` over batches on its executors."""
        self.register(name, fn(self.query(sql)).cast(schema))
        try:
            yield
        finally:
            self.unregister(name)

    @contextmanager
    def memory_limit(self, gb: float) -> Iterator[None]:
        """Cap DuckDB's memory for one step; it spills to disk instead of
        taking most of the machine for a join's hash tables.  The store's
        setting is put back afterwards."""
        previous = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        self.con.execute(f"SET memory_limit = '{float(gb)}GB'")
        try:
            yield
        finally:
            self.con.execute(f"SET memory_limit = '{previous}'")

    # -- findings --------------------------------------------------------
    def replace_findings(self, detector: str, rows: list[dict]) -> None:
        """Swap one detector's findings in a single transaction."""
        self.con.execute("BEGIN")
        try:
            self.con.execute(f"DELETE FROM {FINDINGS_TABLE} WHERE detector = ?", [detector])
            if rows:
                tbl = pa.Table.from_pylist(
                    [{**r, "evidence": json.dumps(r["evidence"], ensure_ascii=False, sort_keys=True, default=str)} for r in rows],
                    schema=_FINDINGS_SCHEMA,
                )
                self.con.register("_new_findings", tbl)
                self.con.execute(f"INSERT INTO {FINDINGS_TABLE} SELECT * FROM _new_findings")
                self.con.unregister("_new_findings")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def findings(self, kind: str | None = None, detector: str | None = None) -> pa.Table:
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if detector:
            where.append("detector = ?")
            params.append(detector)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self.query(f"SELECT * FROM {FINDINGS_TABLE} {clause} ORDER BY kind, finding_id", params)


_FINDINGS_SCHEMA = pa.schema(
    [
        ("finding_id", pa.string()),
        ("kind", pa.string()),
        ("detector", pa.string()),
        ("score", pa.float64()),
        ("account_ids", pa.list_(pa.string())),
        ("post_ids", pa.list_(pa.string())),
        ("engagements", pa.list_(pa.string())),
        ("network_id", pa.string()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
        ("evidence", pa.string()),
    ]
)
