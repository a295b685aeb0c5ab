"""Time the transparency report on a simulated election run through the
whole pipeline (simulate -> ingest -> detect -> intake -> auto-confirm ->
enforce).  Prints the pipeline steps' times and the report's, per part.

    python bench/report/run.py --accounts 5000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from civicshield.cases.db import CaseStore
from civicshield.cases.enforce import enforce
from civicshield.cases.intake import intake
from civicshield.cases.review import auto_confirm
from civicshield.cases.roles import Actor
from civicshield.contract import FINDING_KINDS
from civicshield.detect import detect
from civicshield.ingest import ingest_dataset
from civicshield.report import Period, build
from civicshield.report.render import write_data, write_html, write_pdf
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cs-bench-report-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()

        def lap(label: str) -> None:
            nonlocal t
            now = time.perf_counter()
            print(f"{label:<28} {now - t:7.2f} s")
            t = now

        simulate(root / "ds", SimConfig(seed=args.seed, accounts=args.accounts))
        lap("simulate")
        ws = Workspace(root / "ws").ensure()
        ingest_dataset(root / "ds", ws)
        lap("ingest")
        detect(ws)
        lap("detect")
        store = CaseStore(ws.cases_url)
        intake(store, ws, Actor("bench", "analyst"))
        lap("intake")
        auto_confirm(store, Actor("bench", "lead"), list(FINDING_KINDS), "Benchmark: confirm every case.")
        enforce(store, Actor("bench", "lead"))
        lap("auto-confirm + enforce")
        period = Period.parse("2000-01-01..2100-01-01")  # actions carry today's date
        data = build.compute(ws, store, period)
        lap("report: figures")
        pictures = build.draw(ws, data, period)
        lap("report: charts")
        out = root / "out"
        out.mkdir()
        write_data(data, out)
        html = write_html(data, pictures, out / "report.html")
        lap("report: JSON, CSV, HTML")
        write_pdf(html, out / "report.pdf")
        lap("report: PDF (Chromium)")
        n_actions = sum(v or 0 for v in data["enforcement"].values())
        print(f"accounts {args.accounts}, operations {len(data['operations'])}, counted actions {n_actions:,}, "
              f"PDF {os.path.getsize(out / 'report.pdf') / 1e3:.0f} kB")
        store.close()


if __name__ == "__main__":
    main()
