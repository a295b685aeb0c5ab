"""The event store: one embedded DuckDB file per workspace."""

from civicshield.store.events import FINDINGS_TABLE, EventStore, create_schema

__all__ = ["EventStore", "FINDINGS_TABLE", "create_schema"]
