"""A failed, killed or concurrent ingest never damages the workspace."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from civicshield.errors import DataError, WorkspaceError
from civicshield.ingest import ingest_dataset
from civicshield.workspace import Workspace

from .data import ACCOUNTS, ENGAGEMENTS, write_table

# A child that ingests and, when progress reaches TASK at DONE, says so and
# then waits to be killed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from civicshield.ingest import ingest_dataset
    from civicshield.workspace import Workspace

    ds, ws, task, done, marker = sys.argv[1:6]

    def progress(t, d, total=None):
        if t == task and d == int(done):
            Path(marker).write_text("paused")
            time.sleep(120)

    ingest_dataset(Path(ds), Workspace(Path(ws)), progress)
    """
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(ws: Workspace) -> dict[str, list[tuple]]:
    with ws.events(read_only=True) as store:
        tables = sorted(store.tables()) + ["_meta", "findings"]
        return {t: store.rows(f'SELECT * FROM "{t}" ORDER BY ALL') for t in tables}


def _finding(detector="lockstep") -> dict:
    return {"finding_id": "f1", "kind": "fake_engagement", "detector": detector, "score": 0.9,
            "account_ids": ["7"], "post_ids": [], "engagements": [], "network_id": None,
            "first_seen": None, "last_seen": None, "evidence": {"why": "test"}}


@pytest.fixture
def good(dataset, tmp_path):
    """A workspace holding a good ingest, with one finding stored."""
    ds = dataset("csv")
    ws = Workspace(tmp_path / "ws")
    ingest_dataset(ds, ws)
    with ws.events() as store:
        store.replace_findings("lockstep", [_finding()])
    return ds, ws


def _start_child(ds: Path, ws: Workspace, task: str, done: int, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"paused-{task.replace(' ', '_')}-{done}"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ds), str(ws.path), task, str(done), str(marker)])
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"child ingest ended (exit {proc.returncode}) before reaching {task!r}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"child ingest never reached {task!r}")
        time.sleep(0.05)
    return proc, marker


def test_failed_ingest_leaves_the_workspace_exactly_as_it_was(good, tmp_path):
    ds, ws = good
    before_bytes, before_rows = _digest(ws.events_path), _snapshot(ws)
    write_table(ds / "engagements.csv", [*ENGAGEMENTS, {**ENGAGEMENTS[0], "created_at": "soon"}])
    with pytest.raises(DataError, match="row 4, column 'created_at'"):
        ingest_dataset(ds, ws)
    assert _digest(ws.events_path) == before_bytes
    assert _snapshot(ws) == before_rows
    assert sorted(p.name for p in ws.path.iterdir()) == ["events.duckdb", "ingest.lock"]


def test_unchanged_dataset_is_a_no_op_that_keeps_findings(good):
    ds, ws = good
    before = _digest(ws.events_path)
    summary = ingest_dataset(ds, ws)
    assert summary.unchanged and summary.rows == {"accounts": 3, "posts": 2, "engagements": 3}
    assert _digest(ws.events_path) == before
    with ws.events(read_only=True) as store:
        assert store.findings().num_rows == 1


def test_changed_dataset_replaces_the_store_and_drops_old_findings(good):
    ds, ws = good
    write_table(ds / "accounts.csv", [*ACCOUNTS, {**ACCOUNTS[0], "account_id": "a-new"}])
    summary = ingest_dataset(ds, ws)
    assert not summary.unchanged and summary.rows["accounts"] == 4
    with ws.events(read_only=True) as store:
        assert store.findings().num_rows == 0
        assert store.meta("fingerprint") == summary.fingerprint


def test_reingest_gives_identical_tables(dataset, tmp_path):
    """Deterministic: the same dataset loaded twice (fresh each time) gives
    the same rows in the same stored order."""
    ds = dataset("jsonl")
    a, b = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    ingest_dataset(ds, a)
    ingest_dataset(ds, b)

    def stored(ws):
        with ws.events(read_only=True) as store:
            return {t: store.rows(f'SELECT * FROM "{t}"') for t in sorted(store.tables())}

    assert stored(a) == stored(b)
    assert _snapshot(a)["_meta"] == _snapshot(b)["_meta"]


@pytest.mark.parametrize("task, done", [("ingest engagements", 2), ("swap", 0)])
def test_killed_ingest_leaves_the_old_store_and_the_next_one_succeeds(good, tmp_path, task, done):
    ds, ws = good
    before_bytes, before_rows = _digest(ws.events_path), _snapshot(ws)
    write_table(ds / "accounts.csv", [*ACCOUNTS, {**ACCOUNTS[0], "account_id": "a-new"}])
    proc, _ = _start_child(ds, ws, task, done, tmp_path)
    try:
        # while it runs, a second ingest is refused with a clear error
        with pytest.raises(WorkspaceError, match="another ingest is running"):
            ingest_dataset(ds, ws)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert _digest(ws.events_path) == before_bytes
    assert _snapshot(ws) == before_rows
    assert (ws.path / ".ingest-tmp").exists()  # the killed run's leftovers ...
    summary = ingest_dataset(ds, ws)
    assert summary.rows["accounts"] == 4
    assert not (ws.path / ".ingest-tmp").exists()  # ... are cleaned by the next run


def test_store_held_open_by_another_process_is_not_replaced(good, tmp_path):
    ds, ws = good
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print('open', flush=True); time.sleep(120)", str(ws.events_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        before = _digest(ws.events_path)
        write_table(ds / "accounts.csv", [*ACCOUNTS, {**ACCOUNTS[0], "account_id": "a-new"}])
        with pytest.raises(WorkspaceError, match="open in another process"):
            ingest_dataset(ds, ws)
        assert _digest(ws.events_path) == before
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert ingest_dataset(ds, ws).rows["accounts"] == 4


def test_same_files_in_another_folder_are_loaded_again(good, tmp_path):
    import shutil

    ds, ws = good
    moved = shutil.copytree(ds, tmp_path / "moved")
    summary = ingest_dataset(moved, ws)
    assert not summary.unchanged
    with ws.events(read_only=True) as store:
        assert store.meta("dataset") == str(moved.resolve())
