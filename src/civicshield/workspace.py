"""A workspace: one folder holding one election's event store and case store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from civicshield.store import EventStore


@dataclass(frozen=True)
class Workspace:
    path: Path

    @property
    def events_path(self) -> Path:
        return self.path / "events.duckdb"

    @property
    def cases_url(self) -> str:
        return f"sqlite:///{self.path / 'cases.sqlite'}"

    def events(self, read_only: bool = False) -> EventStore:
        return EventStore(self.events_path, read_only=read_only)

    def ensure(self) -> Workspace:
        self.path.mkdir(parents=True, exist_ok=True)
        return self


def open_workspace(path: str | Path) -> Workspace:
    return Workspace(Path(path))
