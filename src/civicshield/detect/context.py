"""What a detector sees: the election, the tables, and one way to run SQL.

``query`` takes SQL over the contract's table names and returns Arrow.  On
DuckDB it runs against the event store; the Spark engine (a later issue)
offers the same two methods over temp views of the same names, so detectors
that keep their set-based steps in ``query`` run on both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

from civicshield.election import Election
from civicshield.store import EventStore


@dataclass
class DetectionContext:
    store: EventStore
    election: Election
    engine: str = "duckdb"
    progress: Callable[[str], None] = field(default=lambda msg: None)

    def has(self, table: str) -> bool:
        return self.store.has(table) and self.store.count(table) > 0

    def query(self, sql: str, params: list | None = None) -> pa.Table:
        return self.store.query(sql, params)

    @property
    def con(self):
        """The DuckDB connection, for steps that are inherently single-machine
        (loading a reduced edge list into igraph, say)."""
        return self.store.con
