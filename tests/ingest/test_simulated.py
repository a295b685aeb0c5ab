"""The simulator's datasets ingest cleanly, and identically in every format."""

from __future__ import annotations

import pytest

from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace


@pytest.mark.slow
def test_simulated_dataset_ingests_the_same_in_all_formats(tmp_path):
    stored = {}
    for fmt in ("parquet", "csv", "jsonl"):
        res = simulate(tmp_path / f"ds-{fmt}", SimConfig(seed=3, accounts=200, scale=0.2, fmt=fmt))
        ws = Workspace(tmp_path / f"ws-{fmt}")
        summary = ingest_dataset(tmp_path / f"ds-{fmt}", ws)
        assert summary.rows == {t: n for t, n in res.rows.items() if t in summary.rows}
        assert set(summary.rows) >= {"accounts", "posts", "engagements"}
        with ws.events(read_only=True) as store:
            stored[fmt] = {t: store.rows(f'SELECT * FROM "{t}"') for t in sorted(store.tables())}
    assert stored["parquet"] == stored["csv"] == stored["jsonl"]
