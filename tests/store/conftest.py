"""One SparkSession for every Spark test: starting the JVM costs 10-40 s."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark", reason="the Spark engine needs the 'spark' extra: pip install -e '.[dev,spark]'")
    from civicshield.store.spark import spark_session

    # Few shuffle partitions: the test datasets are small, and each task
    # costs more than it saves on two cores.
    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2",
                                         "spark.driver.memory": "2g"})
    yield session
    session.stop()
