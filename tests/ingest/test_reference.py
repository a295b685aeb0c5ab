"""docs/dataset.md shows the contract as declared, and the unix-seconds hook works."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from civicshield.contract import TABLES
from civicshield.ingest import convert, ingest_dataset, reference
from civicshield.workspace import Workspace

from .data import write_table

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_dataset_page_lists_every_contract_column():
    page = (DOCS / "dataset.md").read_text(encoding="utf-8")
    assert page == reference.render(page), "docs/dataset.md is stale: run 'python -m civicshield.ingest.reference'"
    for t in TABLES.values():
        assert f"### {t.name} (" in page
        for c in t.columns:
            assert f"| {c.name} | {c.kind} |" in page


def test_ingest_page_names_every_limit():
    page = (DOCS / "ingest.md").read_text(encoding="utf-8")
    assert f"{convert.MAX_FIELD_BYTES:,}" in page and "16 MiB" in page and "NUL" in page


def test_unix_seconds_where_a_column_says_so(dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(convert, "UNIX_SECONDS", frozenset({("engagements", "created_at"), ("logins", "created_at")}))
    ds = dataset("csv", engagements=None)
    write_table(ds / "engagements.csv", [
        {"actor_id": "a", "action": "like", "target_id": "p1", "created_at": "1732111391"},
        {"actor_id": "b", "action": "like", "target_id": "p1", "created_at": "2024-11-20T14:03:12Z"},
    ])
    pq.write_table(pa.table({"account_id": ["a"], "created_at": pa.array([1732111391], pa.int64())}), ds / "logins.parquet")
    ws = Workspace(tmp_path / "ws")
    ingest_dataset(ds, ws)
    with ws.events(read_only=True) as store:
        assert [r[0] for r in store.rows("SELECT created_at FROM engagements ORDER BY actor_id")] == [
            dt.datetime(2024, 11, 20, 14, 3, 11), dt.datetime(2024, 11, 20, 14, 3, 12)
        ]
        assert store.rows("SELECT created_at FROM logins") == [(dt.datetime(2024, 11, 20, 14, 3, 11),)]


def test_unix_seconds_refused_where_no_column_says_so(dataset, tmp_path):
    import pytest

    from civicshield.errors import DataError

    ds = dataset("csv", engagements=None)
    write_table(ds / "engagements.csv", [{"actor_id": "a", "action": "like", "target_id": "p1", "created_at": "1732111391"}])
    with pytest.raises(DataError, match="row 1, column 'created_at': bad timestamp '1732111391'"):
        ingest_dataset(ds, Workspace(tmp_path / "ws"))
