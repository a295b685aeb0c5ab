"""The Spark engine runs the same detectors as DuckDB and finds the same.

One simulated election (the session's ``small_scenario``: planted
operations and organic look-alikes) is read by both engines: DuckDB from
the ingested workspace, Spark from the simulator's Parquet files.  Each
detector's findings must be identical (accounts, network ids, evidence;
scores within float tolerance), and not empty, so the comparison means
something.  Bad Parquet is a DataError naming the file and the column.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.detect import DetectionContext, get, run_detector
from civicshield.detect.spark_runner import SPARK_DETECTORS, detect_spark
from civicshield.errors import DataError, ParameterError
from civicshield.findings import read_jsonl
from civicshield.sim.writer import rows_to_arrow

pytestmark = pytest.mark.slow


def _same(a: dict, b: dict, path: str = "") -> None:
    """Equal, floats within 1e-9 relative (sums run in another order)."""
    assert type(a) is type(b) or {type(a), type(b)} <= {int, float}, path
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def spark_store(spark, small_scenario):
    from civicshield.store.spark import SparkStore

    dataset, _ = small_scenario
    with SparkStore(str(dataset), spark=spark) as store:
        yield store


@pytest.mark.parametrize("name", SPARK_DETECTORS)
def test_same_findings_on_both_engines(name, small_scenario, spark_store):
    _, ws = small_scenario
    with ws.events(read_only=True) as store:
        duck = run_detector(get(name), DetectionContext(store, store.election()))
    sp = run_detector(get(name), DetectionContext(spark_store, spark_store.election()))
    assert duck.skipped is None and sp.skipped is None
    assert duck.findings, f"{name} found nothing on the scenario: the comparison would prove nothing"
    assert [f.finding_id for f in sp.findings] == [f.finding_id for f in duck.findings]
    for a, b in zip(sp.findings, duck.findings, strict=True):
        _same(a.to_row(), b.to_row(), name)


def test_engine_reads_contract_types(spark_store, small_scenario):
    _, ws = small_scenario
    assert spark_store.engine == "spark" and spark_store.has("posts") and not spark_store.has("payments_missing")
    with ws.events(read_only=True) as store:
        assert spark_store.count("posts") == store.count("posts")
        assert spark_store.election() == store.election()
    since = dt.datetime(2024, 11, 1)
    got = spark_store.query('SELECT COUNT(*) AS n, MIN(EPOCH(created_at)) AS t FROM "posts" WHERE created_at >= ?', [since])
    with ws.events(read_only=True) as store:
        want = store.query('SELECT COUNT(*) AS n, MIN(EPOCH(created_at)) AS t FROM "posts" WHERE created_at >= ?', [since])
    assert got.column("n")[0].as_py() == want.column("n")[0].as_py() > 0
    assert got.column("t")[0].as_py() == want.column("t")[0].as_py()
    row = spark_store.query("SELECT created_at, hashtags FROM posts WHERE hashtags IS NOT NULL LIMIT 1")
    assert row.schema.field("created_at").type == pa.timestamp("us") and row.column("hashtags").to_pylist()[0]


def test_cli_writes_the_findings_export(spark, small_scenario, tmp_path):
    dataset, _ = small_scenario
    out = tmp_path / "findings.jsonl"
    res = CliRunner().invoke(app, ["detect", "--engine", "spark", "--input", str(dataset), "--out", str(out),
                                   "--only", "lockstep_engagement"])
    assert res.exit_code == 0, res.output
    rows = [obj for _, obj in read_jsonl(out, required=("finding_id", "account_ids"))]
    assert rows and {r["detector"] for r in rows} == {"lockstep_engagement"}
    assert spark.sparkContext._jsc is not None  # the shared session is still running


def test_non_portable_detector_refused_before_spark_starts(tmp_path):
    with pytest.raises(ParameterError, match="dense_block.*does not run on the Spark engine"):
        detect_spark(str(tmp_path), tmp_path / "f.jsonl", only=["dense_block"])
    res = CliRunner().invoke(app, ["detect", "--engine", "spark", "--input", str(tmp_path), "--only", "dense_block"])
    assert res.exit_code == 2 and "does not run on the Spark engine" in res.output
    assert not (tmp_path / "f.jsonl").exists()


def _dataset(tmp_path, accounts: pa.Table, posts: pa.Table | None = None):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "election.toml").write_text('id = "e"\ncountry = "RO"\nname = "e"\nrounds = ["2024-11-24"]\n'
                                      'watch_from = "2024-09-01"\n')
    pq.write_table(accounts, ds / "accounts.parquet")
    if posts is not None:
        pq.write_table(posts, ds / "posts-0001.parquet")
    return ds


def _accounts() -> pa.Table:
    return rows_to_arrow("accounts", [{"account_id": "a1", "handle": "ana", "created_at": 1_700_000_000}])


def test_missing_required_column_names_file_and_column(spark, tmp_path):
    from civicshield.store.spark import SparkStore

    ds = _dataset(tmp_path, _accounts().drop_columns(["handle"]))
    with pytest.raises(DataError) as e:
        SparkStore(str(ds), spark=spark)
    assert e.value.file == f"{ds}/accounts.parquet" and e.value.column == "handle"
    assert "required column is missing" in str(e.value)


def test_wrong_type_names_file_and_column(spark, tmp_path):
    from civicshield.store.spark import SparkStore

    posts = rows_to_arrow("posts", [{"post_id": "p1", "account_id": "a1", "created_at": 1_700_000_000}])
    posts = posts.set_column(posts.schema.get_field_index("created_at"), "created_at", pa.array(["2024-11-20"]))
    ds = _dataset(tmp_path, _accounts(), posts)
    with pytest.raises(DataError) as e:
        SparkStore(str(ds), spark=spark)
    assert e.value.file == f"{ds}/posts-0001.parquet" and e.value.column == "created_at"
    assert "has Parquet type string; expected a timestamp" in str(e.value)


def test_other_formats_and_missing_election_are_refused(spark, tmp_path):
    from civicshield.store.spark import SparkStore

    ds = _dataset(tmp_path, _accounts())
    (ds / "posts.csv").write_text("post_id,account_id,created_at\n")
    with pytest.raises(DataError, match="reads Parquet only") as e:
        SparkStore(str(ds), spark=spark)
    assert e.value.file.endswith("posts.csv")
    (ds / "posts.csv").unlink()
    (ds / "election.toml").unlink()
    with pytest.raises(DataError, match="needs election.toml"):
        SparkStore(str(ds), spark=spark)


def test_optional_columns_missing_get_contract_defaults(spark, tmp_path):
    from civicshield.store.spark import SparkStore

    ds = _dataset(tmp_path, _accounts().select(["account_id", "handle", "created_at"]))
    with SparkStore(str(ds), spark=spark) as store:
        row = store.query("SELECT account_type, follower_count, created_at FROM accounts").to_pylist()[0]
    assert row == {"account_type": "personal", "follower_count": None, "created_at": dt.datetime(2023, 11, 14, 22, 13, 20)}
    assert json.dumps(row, default=str)


def test_spark_submit_entry_runs_with_the_submitted_session(spark, small_scenario, tmp_path, capsys):
    """spark_main is what spark-submit runs: it takes the session spark-submit
    made (here the running one) and writes the export."""
    from civicshield.detect import spark_main

    dataset, _ = small_scenario
    out = tmp_path / "f.jsonl"
    assert spark_main.main(["--input", str(dataset), "--out", str(out), "--only", "sleeper_activation"]) == 0
    rows = [obj for _, obj in read_jsonl(out)]
    assert rows and all(r["kind"] == "sleeper_activation" for r in rows)
    assert spark_main.main(["--input", str(dataset), "--out", str(out), "--param", "sleeper_activation.nope=1"]) == 2
    assert "has no parameter 'nope'" in capsys.readouterr().err


CTE_QUERY = """WITH a AS (SELECT account_id FROM accounts),
  b AS (SELECT x.account_id FROM a x JOIN a y ON x.account_id = y.account_id)
SELECT COUNT(*) AS n FROM b JOIN a ON b.account_id = a.account_id"""


def _step_views(spark) -> list[str]:
    return [t.name for t in spark.catalog.listTables() if t.name.startswith("cs_step")]


# These open a store of their own: an earlier test's store, closed on the
# shared session, has dropped the module store's views of the same names.
def test_ctes_read_twice_are_computed_once_and_freed(spark, small_scenario):
    from civicshield.store.spark import SparkStore

    dataset, _ = small_scenario
    n_accounts = pq.read_table(dataset / "accounts.parquet").num_rows
    with SparkStore(str(dataset), spark=spark) as store:
        assert store.query(CTE_QUERY).to_pylist() == [{"n": n_accounts}]
        assert _step_views(spark) == [] and not store._kept


def test_steps_go_to_a_checkpoint_directory_when_one_is_set(spark, small_scenario, tmp_path):
    from civicshield.store.spark import SparkStore

    dataset, _ = small_scenario
    sc = spark.sparkContext
    sc.setCheckpointDir(str(tmp_path / "ckpt"))
    try:
        with SparkStore(str(dataset), spark=spark) as store:
            n = store.query(CTE_QUERY).to_pylist()
    finally:
        getattr(sc._jsc.sc(), "checkpointDir_$eq")(sc._jvm.scala.Option.apply(None))  # back to local checkpoints
    assert n == [{"n": pq.read_table(dataset / "accounts.parquet").num_rows}]
    assert any(p.is_file() for p in (tmp_path / "ckpt").rglob("part-*"))  # the step was written there
    assert sc.getCheckpointDir() is None and _step_views(spark) == []
