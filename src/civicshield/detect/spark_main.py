"""Entry point for ``spark-submit``: run the Spark detectors on a cluster.

    spark-submit --master yarn --deploy-mode client \\
        "$(python -c 'import civicshield.detect.spark_main as m; print(m.__file__)')" \\
        --input hdfs:///elections/ro-2024 --out findings.jsonl

The master, executors and memory come from spark-submit; civicshield must
be installed on the driver and on every executor, with ``PYSPARK_PYTHON``
naming that Python (docs/spark.md, "Running on a cluster").  ``--out`` is written by the driver.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from civicshield.detect.base import parse_params
from civicshield.detect.spark_runner import SPARK_DETECTORS, detect_spark
from civicshield.errors import CivicshieldError


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="civicshield-spark", description=__doc__.splitlines()[0])
    ap.add_argument("--input", required=True, help="Parquet dataset folder: a path or a Hadoop-compatible URI")
    ap.add_argument("--out", type=Path, required=True, help="findings export (JSONL) the driver writes")
    ap.add_argument("--only", action="append", choices=SPARK_DETECTORS, help="run only this detector (repeatable)")
    ap.add_argument("--param", action="append", default=[], help="DETECTOR.NAME=VALUE (repeatable)")
    args = ap.parse_args(argv)
    try:
        results = detect_spark(args.input, args.out, only=args.only, params=parse_params(args.param), master=None,
                               on_start=lambda name: print(f"detect: {name}", flush=True))
    except (CivicshieldError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for r in results:
        print(f"{r.detector}: {'skipped: ' + r.skipped if r.skipped else len(r.findings)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
