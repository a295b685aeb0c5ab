"""What a detector sees: the election, the tables, and one way to run SQL.

A detector touches its engine only through this object:

- ``query(sql)`` runs SQL over the contract's table names and returns Arrow;
- ``views(name=arrow_table)`` makes Arrow tables (a detector's intermediate
  results) queryable under a name for the length of a ``with`` block;
- ``sql_view(name, sql)`` names a query's result for one block, without
  bringing it to this process;
- ``mapped(name, sql, fn, schema)`` runs a per-row Python function over
  Arrow batches of a query where the data lives (Spark: ``mapInArrow``);
- ``memory_limit(gb)`` caps the engine's memory for one step where the
  engine has such a knob.

The DuckDB event store and the Spark engine (``civicshield.store.spark``)
both provide ``query``, ``has``, ``count``, ``register``, ``unregister``,
``create_view``, ``mapped`` and ``memory_limit``, so the same detector code and the same SQL
text run on both.  Steps that are single-machine by nature (clustering a reduced edge
list with igraph) run in Python on what ``query`` returned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pyarrow as pa

from civicshield.election import Election


@dataclass
class DetectionContext:
    store: object  # EventStore or a Spark engine: see the module docstring
    election: Election
    progress: Callable[[str], None] = field(default=lambda msg: None)

    @property
    def engine(self) -> str:
        return self.store.engine

    def has(self, table: str) -> bool:
        return self.store.has(table) and self.store.count(table) > 0

    def query(self, sql: str, params: list | None = None) -> pa.Table:
        return self.store.query(sql, params)

    @contextmanager
    def views(self, **tables: pa.Table) -> Iterator[None]:
        """Register Arrow tables under the given names for one block."""
        done = []
        try:
            for name, table in tables.items():
                self.store.register(name, table)
                done.append(name)
            yield
        finally:
            for name in reversed(done):
                self.store.unregister(name)

    @contextmanager
    def sql_view(self, name: str, sql: str) -> Iterator[None]:
        """Make a query queryable under a name for one block, computed where
        the data lives (a view: nothing comes to this process)."""
        self.store.create_view(name, sql)
        try:
            yield
        finally:
            self.store.unregister(name)

    @property
    def distributed(self) -> bool:
        """True when the tables live on a cluster (Spark): steps bring only
        reduced results into this process, never a whole table."""
        return getattr(self.store, "distributed", False)

    @contextmanager
    def mapped(self, name: str, sql: str, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema) -> Iterator[None]:
        """Run the per-row function ``fn`` over Arrow batches of ``sql``'s
        result where the data lives, and query the output as ``name`` for one
        block.  ``fn`` must give the same rows whatever the batches are."""
        with self.store.mapped(name, sql, fn, schema):
            yield

    @contextmanager
    def memory_limit(self, gb: float) -> Iterator[None]:
        with self.store.memory_limit(gb):
            yield
