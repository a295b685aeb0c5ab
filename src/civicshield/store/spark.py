"""The Spark engine: the event store's interface over a Parquet dataset.

``SparkStore`` offers what ``EventStore`` offers a detector (``query``,
``has``, ``count``, ``register``, ``unregister``, ``memory_limit``,
``election``), so the same detector code and the same SQL text run on both
engines (docs/spark.md).  SQL is written in DuckDB's dialect and
transpiled with sqlglot; ``?`` parameters are bound by Spark, never
pasted into the text.

The dataset is a folder in the contract's Parquet layout (``posts.parquet``
or ``posts-0001.parquet``..., ``election.toml``) on a local path or any
Hadoop-compatible URI (``hdfs://``, ``s3a://``).  Each table becomes a temp
view under its contract name with the contract's column types.

``mapped`` runs a Python function over Arrow batches where the data lives
(``mapInArrow``), for per-row steps such as co-action key extraction.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import sqlglot

from civicshield.contract import TABLES
from civicshield.election import Election, loads_election
from civicshield.errors import DataError
from civicshield.store.spark_ctes import split_ctes
from civicshield.store.spark_schema import check_file, view_sql

# posts.parquet or posts-0001.parquet (the contract's split files)
_NAME = re.compile(r"^(?P<table>[a-z_]+?)(?:-(?P<part>\d+))?\.(?P<ext>[A-Za-z]+)$")


def spark_session(master: str | None = "local[*]", conf: Mapping[str, str] | None = None):
    """A SparkSession set up for civicshield: UTC, quiet (WARN), Python
    workers on this interpreter.  ``master=None`` takes what spark-submit
    set."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    local = master is not None and master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no loopback-address warning on start
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession

    settings = {
        # Timestamps are UTC throughout the contract; the session zone makes
        # EPOCH/UNIX_TIMESTAMP and casts agree with DuckDB's naive UTC.
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.showConsoleProgress": "false",
    }
    if local:
        # The driver is the executor in local mode; Spark's 1 GB default is too
        # small for a projection of millions of keys.  Few shuffle partitions:
        # 200 tiny tasks cost more than they save on a handful of cores.
        # Adaptive execution re-plans the projection's ~80 exchanges stage by
        # stage: on 2 cores it took 3x longer (70-105 s against 34 s on the
        # test scenario's 42k keys).
        settings |= {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "16", "spark.ui.enabled": "false",
                     "spark.sql.adaptive.enabled": "false"}
    builder = SparkSession.builder.appName("civicshield")
    if master:
        builder = builder.master(master)
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


@functools.lru_cache(maxsize=256)
def to_spark_sql(sql: str) -> str:
    """DuckDB-dialect SQL as Spark SQL (EPOCH -> UNIX_TIMESTAMP, quoting...)."""
    return sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]


def naive_utc(table: pa.Table) -> pa.Table:
    """Spark hands timestamps out as UTC-zoned; the detectors (and DuckDB)
    use naive UTC."""
    fields = [pa.field(f.name, pa.timestamp("us")) if pa.types.is_timestamp(f.type) and f.type.tz else f
              for f in table.schema]
    return table.cast(pa.schema(fields)) if fields != list(table.schema) else table


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded and naive timestamps marked UTC, so Spark
    makes plain STRING and TIMESTAMP columns of them."""
    fields = []
    for f in table.schema:
        t = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        if pa.types.is_timestamp(t) and not t.tz:
            t = pa.timestamp("us", tz="UTC")
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields))


class ArrowMap:
    """Picklable ``mapInArrow`` body: ``fn`` over each batch, as a table."""

    def __init__(self, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema):
        self.fn, self.schema = fn, schema

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _plain(self.fn(naive_utc(pa.Table.from_batches([batch])))).cast(self.schema)
            yield from out.to_batches()


def _free(df) -> None:
    """Drop a checkpointed frame's blocks now rather than at the driver's
    next garbage collection (the steps of one query hold gigabytes at 10M
    posts).  The plan of a checkpointed frame, local or reliable, is a
    ``LogicalRDD`` leaf holding that RDD."""
    df._jdf.queryExecution().logical().rdd().unpersist(False)


def _param(value: Any) -> Any:
    # A naive datetime would be read in the Python process's local zone;
    # marked UTC it means what DuckDB reads (naive values are UTC here).
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class SparkStore:
    """Contract tables of a Parquet dataset as Spark temp views."""

    engine = "spark"
    distributed = True  # tables live with the executors: bring back reduced results only

    def __init__(self, dataset: str, master: str | None = "local[*]", spark=None, conf: Mapping[str, str] | None = None):
        self.dataset = str(dataset).rstrip("/")
        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.getActiveSession()  # a notebook's or test's session is reused, and left running
            self._own = spark is None
            spark = spark or spark_session(master, conf)
        else:
            self._own = False
        self.spark = spark
        self._views: set[str] = set()
        self._queries = itertools.count(1)
        self._kept: dict = {}  # checkpointed views: view name -> DataFrame
        self._tables: set[str] = set()
        try:
            self._election = self._read_election()
            self._load_tables()
        except BaseException:
            self.close()
            raise

    # -- the dataset -----------------------------------------------------
    def _fs(self):
        jvm = self.spark.sparkContext._jvm
        root = jvm.org.apache.hadoop.fs.Path(self.dataset)
        return root, root.getFileSystem(self.spark.sparkContext._jsc.hadoopConfiguration())

    def _read_election(self) -> Election:
        path = f"{self.dataset}/election.toml"
        root, fs = self._fs()
        if not fs.exists(root) or not fs.getFileStatus(root).isDirectory():
            raise DataError(self.dataset, None, None, "not a folder: a dataset is a folder with election.toml and accounts")
        if not fs.exists(self.spark.sparkContext._jvm.org.apache.hadoop.fs.Path(path)):
            raise DataError(path, None, None, "file not found: a dataset needs election.toml")
        text = self.spark.read.text(path, wholetext=True).collect()[0][0]
        return loads_election(text, path)

    def _files(self) -> dict[str, list[str]]:
        root, fs = self._fs()
        found: dict[str, list[tuple[int, str]]] = {}
        for status in fs.listStatus(root):
            name = status.getPath().getName()
            m = _NAME.match(name)
            if status.isDirectory() or not m or m["table"] not in TABLES:
                continue
            path = f"{self.dataset}/{name}"
            if m["ext"].lower() != "parquet":
                raise DataError(path, None, None, "the Spark engine reads Parquet only; convert the table, or ingest "
                                "the dataset and use the DuckDB engine")
            found.setdefault(m["table"], []).append((int(m["part"] or 0), path))
        if "accounts" not in found:
            raise DataError(self.dataset, None, None, "required table 'accounts' is missing (no accounts.parquet)")
        return {t: [p for _, p in sorted(v)] for t, v in found.items()}

    def _load_tables(self) -> None:
        for table, paths in self._files().items():
            present = None
            for path in paths:
                types = {f.name: f.dataType.simpleString() for f in self.spark.read.parquet(path).schema.fields}
                check_file(table, path, types)
                present = set(types) if present is None else present & set(types)
            raw = f"cs_raw_{table}"
            self.spark.read.parquet(*paths).createOrReplaceTempView(raw)
            self._views.add(raw)
            self.spark.sql(view_sql(table, raw, present)).createOrReplaceTempView(table)
            self._views.add(table)
            self._tables.add(table)

    def election(self) -> Election:
        return self._election

    def tables(self) -> set[str]:
        return set(self._tables)

    def has(self, table: str) -> bool:
        return table in self._tables

    def count(self, table: str) -> int:
        return self.spark.table(table).count()

    # -- queries ---------------------------------------------------------
    def query(self, sql: str, params: list | None = None) -> pa.Table:
        args = [_param(p) for p in params] if params else None
        # With ``?`` parameters the text stays whole: splitting would reorder them.
        steps, main = split_ctes(sql, f"cs_step{next(self._queries)}_") if not args else ([], sql)
        try:
            for name, step in steps:
                self.create_view(name, step)
            return naive_utc(self.spark.sql(to_spark_sql(main), args=args).toArrow())
        finally:
            for name, _ in steps:
                self.unregister(name)

    def register(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(_plain(table)).createOrReplaceTempView(name)
        self._views.add(name)

    def create_view(self, name: str, sql: str) -> None:
        """A named query, computed now and checkpointed: plans that read it
        see one leaf, not its definition.  A cached view would keep its
        definition in every reader's plan, and views over views grew the
        projection's plan until analysing it took minutes of driver CPU
        (docs/spark.md, "Why steps are checkpointed").  The checkpoint is
        local (executor memory, then disk) unless the session has a
        checkpoint directory (``spark.checkpoint.dir``), which survives the
        loss of an executor."""
        from pyspark import StorageLevel

        df = self.spark.sql(to_spark_sql(sql))
        if self.spark.sparkContext.getCheckpointDir():
            df = df.checkpoint(eager=True)
        else:
            df = df.localCheckpoint(eager=True, storageLevel=StorageLevel.MEMORY_AND_DISK)
        df.createOrReplaceTempView(name)
        self._views.add(name)
        self._kept[name] = df

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self._views.discard(name)
        kept = self._kept.pop(name, None)
        if kept is not None:
            _free(kept)

    @contextmanager
    def mapped(self, name: str, sql: str, fn: Callable[[pa.Table], pa.Table], schema: pa.Schema) -> Iterator[None]:
        """``fn`` over Arrow batches of ``sql``'s result on the executors, kept
        (memory, then disk) as view ``name`` for one block.  ``fn`` must be
        per-row: batches are arbitrary slices of the rows."""
        from pyspark import StorageLevel
        from pyspark.sql.pandas.types import from_arrow_schema

        plain = _plain(schema.empty_table()).schema
        df = self.spark.sql(to_spark_sql(sql)).mapInArrow(ArrowMap(fn, plain), from_arrow_schema(plain))
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        df.createOrReplaceTempView(name)
        self._views.add(name)
        try:
            yield
        finally:
            self.unregister(name)
            df.unpersist()

    @contextmanager
    def memory_limit(self, gb: float) -> Iterator[None]:
        """No-op: Spark's memory is set when the session starts
        (``spark.driver.memory``, ``spark.executor.memory``) and it spills
        shuffles to disk by itself."""
        yield

    # -- life ------------------------------------------------------------
    def close(self) -> None:
        for name in list(self._views):
            self.unregister(name)
        if self._own:
            self.spark.stop()

    def __enter__(self) -> SparkStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
