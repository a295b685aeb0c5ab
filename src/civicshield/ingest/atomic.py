"""The workspace side of ingest: one ingest at a time, build aside, swap in.

The new store is built under ``<workspace>/.ingest-tmp/`` and moved over
``events.duckdb`` with one ``os.replace`` only when it is complete, so a
failed or killed ingest leaves the previous store untouched.  The lock is an
``flock`` on ``<workspace>/ingest.lock``: the kernel drops it when the
process dies, so a killed ingest never leaves the workspace locked, and the
next ingest removes the temporary folder it left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from civicshield.errors import WorkspaceError
from civicshield.workspace import Workspace

TMP_DIR = ".ingest-tmp"
LOCK_FILE = "ingest.lock"


def tmp_dir(ws: Workspace) -> Path:
    return ws.path / TMP_DIR


@contextlib.contextmanager
def locked(ws: Workspace) -> Iterator[None]:
    """Hold the workspace's ingest lock; refuse at once if another has it."""
    ws.ensure()
    path = ws.path / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise WorkspaceError(
                f"{ws.path}: another ingest is running on this workspace (pid {holder}); wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        # Under the lock nobody else is building: whatever is here was left
        # by a killed or crashed run.
        shutil.rmtree(tmp_dir(ws), ignore_errors=True)
        try:
            yield
        finally:
            shutil.rmtree(tmp_dir(ws), ignore_errors=True)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing drops the flock


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap_in(ws: Workspace, new_store: Path) -> None:
    """Replace the workspace's event store with ``new_store`` atomically.

    The old store is opened read-write first: that fails while another
    process (a detect run, the web console) has it open, and it folds any
    write-ahead log into the old file, so no stale ``.wal`` is left for
    DuckDB to replay into the new one.
    """
    with open(new_store, "rb") as f:
        os.fsync(f.fileno())
    old = ws.events_path
    if old.exists():
        try:
            con = duckdb.connect(str(old))
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise WorkspaceError(
                    f"{old}: the event store is open in another process; close it (detect, web) and ingest again"
                ) from None
            con = None  # unreadable old store: replacing it is the fix
        except duckdb.Error:
            con = None
        if con is not None:
            try:
                con.execute("CHECKPOINT")
            finally:
                con.close()
    old.with_name(old.name + ".wal").unlink(missing_ok=True)
    os.replace(new_store, old)
    _fsync_dir(ws.path)
