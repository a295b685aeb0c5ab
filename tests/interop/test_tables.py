"""Parquet export of workspace tables, and frames for notebooks."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.errors import CivicshieldError
from civicshield.interop import export_table, findings_frame, table_frame

T0 = dt.datetime(2024, 11, 1, 12, 0)


@pytest.fixture
def ws(make_workspace):
    w = make_workspace(
        accounts=[{"account_id": "9007199254740993", "handle": "big", "created_at": T0},
                  {"account_id": "a2", "handle": "two", "created_at": T0, "account_type": "party"}],
        posts=[{"post_id": "p1", "account_id": "a2", "created_at": T0, "hashtags": ["vot", "alegeri"]}],
    )
    with w.events() as store:
        store.replace_findings("coordination", [
            {"finding_id": "f1", "kind": "coordinated_network", "detector": "coordination", "score": 0.8,
             "account_ids": ["9007199254740993", "a2"], "post_ids": [], "engagements": [], "network_id": "net-1",
             "first_seen": T0, "last_seen": T0, "evidence": {"edges": 1}}])
        store.replace_findings("political_ads", [
            {"finding_id": "f2", "kind": "political_ad", "detector": "political_ads", "score": 1.0,
             "account_ids": [], "post_ids": ["p1"], "engagements": [], "network_id": None,
             "first_seen": T0, "last_seen": T0, "evidence": {}}])
    return w


def test_export_table_writes_the_stored_rows_and_types(ws, tmp_path):
    n = export_table(ws, "accounts", tmp_path / "accounts.parquet")
    t = pq.read_table(tmp_path / "accounts.parquet")
    assert n == 2 and t.num_rows == 2
    rows = {r["account_id"]: r for r in t.to_pylist()}
    assert rows["9007199254740993"]["handle"] == "big"  # ids stay strings
    assert rows["a2"]["account_type"] == "party" and rows["a2"]["created_at"] == T0
    assert export_table(ws, "posts", tmp_path / "p.parquet") == 1
    assert pq.read_table(tmp_path / "p.parquet").column("hashtags").to_pylist() == [["vot", "alegeri"]]
    assert export_table(ws, "findings", tmp_path / "f.parquet") == 2


def test_unknown_table_names_the_tables_there(ws, tmp_path):
    with pytest.raises(CivicshieldError, match="tables here: accounts, findings, posts"):
        export_table(ws, "logins", tmp_path / "x.parquet")
    r = CliRunner().invoke(app, ["export", "table", "secrets; DROP", "--workspace", str(ws.path), "--out",
                                 str(tmp_path / "x.parquet")])
    assert r.exit_code == 2 and "no table" in r.stderr


def test_cli_export_table(ws, tmp_path):
    out = tmp_path / "posts.parquet"
    r = CliRunner().invoke(app, ["export", "table", "posts", "--workspace", str(ws.path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert pq.read_table(out).column("post_id").to_pylist() == ["p1"]


def test_findings_frames(ws):
    arrow = findings_frame(ws, as_="arrow")
    assert arrow.num_rows == 2 and "evidence" in arrow.column_names
    df = findings_frame(ws, kind="coordinated_network")
    assert list(df["finding_id"]) == ["f1"] and list(df["account_ids"][0]) == ["9007199254740993", "a2"]
    assert findings_frame(ws, detector="political_ads", as_="arrow").column("kind").to_pylist() == ["political_ad"]
    assert table_frame(ws, "accounts").shape == (2, 15)
    with pytest.raises(CivicshieldError, match="pandas, arrow, polars"):
        findings_frame(ws, as_="excel")


def test_polars_frames_when_polars_is_there(ws):
    if importlib.util.find_spec("polars") is None:  # optional dependency: say how to get it
        with pytest.raises(CivicshieldError, match="pip install polars"):
            findings_frame(ws, as_="polars")
    else:
        assert findings_frame(ws, as_="polars").height == 2
