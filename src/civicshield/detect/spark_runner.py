"""Run detectors on Spark over a Parquet dataset and write their findings.

The detectors are the same modules the DuckDB path runs (docs/spark.md):
their set-based steps are portable SQL and their per-row Python steps go
through ``ctx.mapped``.  Only detectors listed in ``SPARK_DETECTORS`` are
run here; the others still read whole tables into this process and are
refused with a clear message rather than run slowly or out of memory.

Findings go to a findings export file (JSONL in the contract's shape, the
same file ``civicshield export findings`` writes), since a cluster's
dataset has no workspace beside it; ``civicshield evaluate`` and case
intake read that file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from civicshield.detect.base import DetectorResult, run_detector
from civicshield.detect.context import DetectionContext
from civicshield.detect.registry import get
from civicshield.errors import ParameterError
from civicshield.findings import export_row, write_export

# Detectors whose set-based steps are portable SQL and whose Python steps
# are per-row (ctx.mapped) or read reduced results only.
SPARK_DETECTORS = ("coordination", "lockstep_engagement", "batch_created", "sleeper_activation")


def detect_spark(
    dataset: str,
    out: Path,
    only: list[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    master: str | None = "local[*]",
    conf: Mapping[str, str] | None = None,
    spark=None,
    on_start: Callable[[str], None] | None = None,
    on_result: Callable[[DetectorResult], None] | None = None,
) -> list[DetectorResult]:
    """Run the chosen detectors (all of ``SPARK_DETECTORS`` by default) on
    Spark over the Parquet dataset at ``dataset`` (a path or a
    Hadoop-compatible URI) and write every finding to ``out``.

    ``master=None`` takes the master spark-submit set; ``spark`` reuses a
    running SparkSession (left running afterwards).  Parameters are
    validated before Spark starts; ``out`` is written whole at the end, or
    not at all.
    """
    from civicshield.store.spark import SparkStore

    names = list(only) if only else list(SPARK_DETECTORS)
    refused = [n for n in names if n not in SPARK_DETECTORS]
    if refused:
        get(refused[0])  # an unknown name is a KeyError naming it
        raise ParameterError(
            f"detector {refused[0]!r} does not run on the Spark engine (it reads whole tables into one process); "
            f"Spark runs {', '.join(SPARK_DETECTORS)}. Ingest the dataset and use the DuckDB engine for the others."
        )
    chosen = [get(n) for n in names]
    params = params or {}
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise KeyError(f"parameters given for {unknown[0]!r}, which is not among the detectors run")
    for d in chosen:
        d.resolve(params.get(d.name))
    results = []
    with SparkStore(dataset, master=master, spark=spark, conf=conf) as store:
        ctx = DetectionContext(store=store, election=store.election())
        for d in chosen:
            if on_start:
                on_start(d.name)
            res = run_detector(d, ctx, params.get(d.name))
            results.append(res)
            if on_result:
                on_result(res)
    rows = sorted((export_row(f.to_row()) for r in results for f in r.findings), key=lambda r: (r["kind"], r["finding_id"]))
    write_export(rows, out)
    return results
