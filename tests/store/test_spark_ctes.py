"""split_ctes: CTEs read more than once become steps, the rest subqueries,
and the split query returns the very rows of the original (run on DuckDB)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from civicshield.detect.network.projection import KEYS_VIEW, pair_events_sql
from civicshield.store.spark_ctes import split_ctes


def _run_split(con, sql: str) -> list[tuple]:
    steps, main = split_ctes(sql, "step_")
    for name, step in steps:
        con.execute(f"CREATE TEMP TABLE {name} AS {step}")
    try:
        return sorted(con.execute(main).fetchall())
    finally:
        for name, _ in steps:
            con.execute(f"DROP TABLE {name}")


def test_a_query_without_ctes_is_left_alone():
    assert split_ctes("SELECT 1 AS x", "s_") == ([], "SELECT 1 AS x")


def test_only_ctes_read_twice_become_steps_and_aliases_survive():
    sql = """WITH a AS (SELECT range AS x FROM range(5)),
             b AS (SELECT x FROM a WHERE x > 1),
             c AS (SELECT a.x, a2.x AS y FROM a JOIN a a2 ON a.x = a2.x)
             SELECT b.x, c.y FROM b JOIN c ON b.x = c.x"""
    steps, main = split_ctes(sql, "s_")
    assert [n for n, _ in steps] == ["s_a"]  # a is read three times; b and c once
    assert "WITH" not in main.upper() and "s_a AS a2" in main
    con = duckdb.connect()
    assert _run_split(con, sql) == sorted(con.execute(sql).fetchall()) == [(2, 2), (3, 3), (4, 4)]


def test_the_projection_gives_the_same_rows_split_or_whole():
    # three accounts posting one hashtag within seconds, on many events; one
    # account far apart in time; a second key shared by two of them
    rows = []
    for ev in range(6):
        base = 1_700_000_000 + ev * 7200
        for i, acc in enumerate(("a", "b", "c")):
            rows.append((acc, "hashtag", "op", base + i * 5))
            if acc != "c":
                rows.append((acc, "url", "site", base + 30 + i))
        rows.append(("z", "hashtag", "op", base + 3000))
    keys = pa.table({"account_id": [r[0] for r in rows], "kind": [r[1] for r in rows], "key": [r[2] for r in rows],
                     "ts": pa.array([r[3] for r in rows], pa.int64())})
    con = duckdb.connect()
    con.register(KEYS_VIEW, keys)
    sql = pair_events_sql(window=60, event_seconds=3600, cap=500, min_events=3, min_keys=1, max_df=10)
    steps, _ = split_ctes(sql, "step_")
    assert {"step_ak", "step_kk", "step_pe", "step_pc"} <= {n for n, _ in steps}
    whole = sorted(con.execute(sql).fetchall())
    assert len(whole) > 0 and {(r[0], r[1]) for r in whole} == {("a", "b"), ("a", "c"), ("b", "c")}
    assert _run_split(con, sql) == whole
