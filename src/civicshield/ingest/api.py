"""``ingest_dataset``: the one entry point of ingest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civicshield.contract import TABLES
from civicshield.election import load_election
from civicshield.errors import WorkspaceError
from civicshield.ingest.atomic import locked, swap_in, tmp_dir
from civicshield.ingest.files import Layout, find_tables
from civicshield.ingest.load import load_table
from civicshield.ingest.sources import STAGE
from civicshield.progress import Progress, no_progress
from civicshield.store import EventStore
from civicshield.store.build import write_tables
from civicshield.store.events import META_TABLE
from civicshield.workspace import Workspace

# Part of the fingerprint: bump it when validation or conversion changes, so
# that re-ingesting an unchanged dataset loads it again under the new rules.
INGEST_VERSION = "1"
# DuckDB spills to disk beyond this; keeps a 10M-row ingest well under 4 GB.
MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class IngestSummary:
    rows: dict[str, int]  # rows per loaded table, contract order
    notes: tuple[str, ...] = ()  # ignored files and columns
    unchanged: bool = False  # the store already held exactly this dataset
    fingerprint: str = ""


def fingerprint(dataset: Path, layout: Layout, progress: Progress) -> str:
    """A digest of every file ingest reads, of the rules it applies and of
    the folder's location (``_meta.dataset`` tells detectors where media/ is)."""
    paths = [dataset / "election.toml"] + [f.path for files in layout.files.values() for f in files]
    h = hashlib.blake2b(digest_size=20)
    h.update(f"civicshield-ingest {INGEST_VERSION}\n{dataset.resolve()}\n".encode())
    for i, p in enumerate(paths):
        with open(p, "rb") as f:
            digest = hashlib.file_digest(f, "blake2b").hexdigest()
        h.update(f"{p.name} {digest}\n".encode())
        progress("fingerprint", i + 1, len(paths))
    return h.hexdigest()


def _already_loaded(ws: Workspace, fp: str) -> dict[str, int] | None:
    if not ws.events_path.exists():
        return None
    try:
        with EventStore(ws.events_path, read_only=True) as store:
            if store.meta("fingerprint") != fp:
                return None
            present = store.tables()
            return {t: store.count(t) for t in TABLES if t in present}
    except (duckdb.Error, WorkspaceError):
        return None  # unreadable or busy: a full ingest will say what is wrong


def ingest_dataset(dataset: Path, workspace: Workspace, progress: Progress | None = None) -> IngestSummary:
    """Validate ``dataset`` and make it the workspace's event store.

    Raises ``DataError`` at the first problem found (file, row, column) and
    ``WorkspaceError`` when another ingest holds the workspace.  An unchanged
    dataset (same fingerprint) is a no-op that keeps the stored findings.
    """
    progress = progress or no_progress
    dataset = Path(dataset)
    with locked(workspace):
        layout = find_tables(dataset)
        election = load_election(dataset / "election.toml")
        fp = fingerprint(dataset, layout, progress)
        loaded = _already_loaded(workspace, fp)
        if loaded is not None:
            return IngestSummary(loaded, layout.notes, unchanged=True, fingerprint=fp)
        tmp = tmp_dir(workspace)
        tmp.mkdir()
        new = tmp / "events.duckdb"
        notes = list(layout.notes)
        rows: dict[str, int] = {}
        con = duckdb.connect(str(new))
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")  # progress goes through our callback
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            con.execute("SET temp_directory = ?", [str(tmp / "spill")])
            con.execute("SET preserve_insertion_order = true")  # staging row numbers rely on it
            con.execute(f"ATTACH ? AS {STAGE}", [str(tmp / "stage.duckdb")])
            write_tables(con, election, {})
            con.executemany(
                f"INSERT INTO {META_TABLE} VALUES (?, ?)",
                [("fingerprint", fp), ("dataset", str(dataset.resolve()))],
            )
            for n, (table, files) in enumerate(layout.files.items()):
                steps = 2 * len(files) + 2
                done = 0

                def step(what: str, table: str = table, steps: int = steps) -> None:
                    nonlocal done
                    progress(f"ingest {table}", done, steps)
                    done += 1

                rows[table] = load_table(con, table, files, step, notes)
                progress(f"ingest {table}", steps, steps)
                progress("ingest", n + 1, len(layout.files))
            con.execute(f"DETACH {STAGE}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        progress("swap", 0, 1)
        swap_in(workspace, new)
        progress("swap", 1, 1)
    return IngestSummary(rows, tuple(notes), fingerprint=fp)
