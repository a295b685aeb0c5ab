"""Workspace tables as Parquet files or dataframes (for notebooks).

``export_table`` streams through DuckDB's ``COPY``, so a table larger than
memory is written without being loaded.  ``table_frame`` and
``findings_frame`` load into memory: meant for the sizes a notebook handles.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from civicshield.errors import CivicshieldError
from civicshield.store.events import FINDINGS_TABLE
from civicshield.workspace import Workspace

FRAME_KINDS = ("pandas", "arrow", "polars")


def _check_table(store, name: str) -> None:
    known = sorted(store.tables() | {FINDINGS_TABLE})
    if name not in known:
        raise CivicshieldError(f"no table {name!r} in {store.path}; tables here: {', '.join(known)}")


def export_table(workspace: Workspace, name: str, out: Path) -> int:
    """Write workspace table ``name`` (a contract table or ``findings``) to ``out`` as Parquet; returns rows."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with workspace.events(read_only=True) as store:
        _check_table(store, name)
        store.con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{_quote(out)}' (FORMAT parquet)").fetchall()
        return store.count(name)


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _frame(tbl: pa.Table, as_: str):
    if as_ == "arrow":
        return tbl
    if as_ == "pandas":
        return tbl.to_pandas()
    if as_ == "polars":
        try:
            import polars as pl  # optional: only for notebooks that use it
        except ImportError:
            raise CivicshieldError("as_='polars' needs polars: pip install polars") from None
        return pl.from_arrow(tbl)
    raise CivicshieldError(f"as_ must be one of {', '.join(FRAME_KINDS)}, got {as_!r}")


def table_frame(workspace: Workspace, name: str, as_: str = "pandas"):
    """Workspace table ``name`` as a pandas (default), Arrow or polars frame."""
    with workspace.events(read_only=True) as store:
        _check_table(store, name)
        return _frame(store.query(f'SELECT * FROM "{name}"'), as_)


def findings_frame(workspace: Workspace, kind: str | None = None, detector: str | None = None, as_: str = "pandas"):
    """The workspace's findings, optionally of one kind / detector, as a frame.

    One row per finding with the export's columns; ``evidence`` is the JSON
    text the detector wrote (``json.loads`` it for the dict).
    """
    with workspace.events(read_only=True) as store:
        tbl = store.findings(kind=kind, detector=detector)
    return _frame(tbl, as_)
