"""The set-based steps of the engagement family are portable SQL (ANCHORS.md
"Engines"): they parse as DuckDB, transpile to Spark SQL, and avoid the
constructs that do not carry over."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot

from civicshield.detect.engagement import batch_created, dense_block, lockstep, recidivism, sleeper, spam_signup
from civicshield.election import Election


class _Ctx:
    """Just enough context to render the SQL: every optional table present."""

    election = Election(id="e", country="RO", name="e", rounds=(dt.date(2024, 11, 24),), watch_from=dt.date(2024, 9, 1))

    def has(self, table):
        return True


def _texts():
    yield "lockstep.pair", lockstep.pair_sql(lockstep.DETECTOR.defaults())
    yield "lockstep.rows", lockstep.rows_sql()
    yield "dense_block.edges", dense_block.edge_sql(dense_block.DETECTOR.defaults())
    ctx = _Ctx()
    yield "batch_created.pairs", batch_created.pair_sql(
        batch_created.DETECTOR.defaults(), batch_created._sources(ctx, "device_id"), batch_created._sources(ctx, "ip_prefix"))
    yield "batch_created.first_prefix", batch_created._first_prefix_sql(ctx)
    yield "sleeper.activation", sleeper.activation_sql(ctx, sleeper.DETECTOR.defaults())
    yield "spam_signup.bursts", spam_signup.burst_sql(spam_signup.DETECTOR.defaults())
    yield "recidivism.shared", recidivism.shared_sql(recidivism._signal_source(ctx, "device_id"))
    yield "recidivism.hashtags", recidivism.hashtag_sql(recidivism.DETECTOR.defaults())


@pytest.mark.parametrize("name, sql", list(_texts()), ids=[n for n, _ in _texts()])
def test_sql_is_portable(name, sql):
    assert "//" not in sql and "QUALIFY" not in sql.upper()
    spark = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
    assert "EPOCH(" not in spark.upper()  # became UNIX_TIMESTAMP
    sqlglot.parse_one(spark, read="spark")
