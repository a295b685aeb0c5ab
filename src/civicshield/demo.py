"""The demo: a whole election run end to end on the embedded defaults.

simulate -> ingest -> detect -> export -> evaluate -> HTML summary, all in
one folder the demo owns (it refuses to clear a folder it did not create).
"""

from __future__ import annotations

import base64
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from civicshield.detect import detect
from civicshield.errors import CivicshieldError
from civicshield.evaluate import Evaluation, evaluate_files
from civicshield.factchecks import FILE_NAME as FACTCHECKS
from civicshield.factchecks import read_factchecks, write_factchecks
from civicshield.findings import export_findings, iter_findings
from civicshield.html import render
from civicshield.ingest import ingest_dataset
from civicshield.progress import Progress, no_progress
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace

MARKER = ".civicshield-demo"


@dataclass(frozen=True)
class DemoResult:
    dataset: Path
    workspace: Workspace
    findings: Path
    evaluation: Evaluation
    html: Path


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).exists():
            raise CivicshieldError(f"{out_dir} exists and was not made by the demo; choose another --out")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text("made by 'civicshield demo'; safe to delete\n")


def _chart(counts: dict[str, int]) -> str:
    """Findings per kind as a horizontal bar chart, PNG as a data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = sorted(counts, key=counts.get)
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(kinds) + 1))
    values = [counts[k] for k in kinds]
    ax.barh(kinds, values, color="#33658a")
    ax.set_xscale("log")  # per-post labels outnumber network findings by 1000x
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:,}", va="center", fontsize=8)
    ax.set_xlabel("findings (log scale)")
    ax.set_title("Findings per kind")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def run_demo(out_dir: Path, seed: int = 7, accounts: int = 5000, progress: Progress | None = None) -> DemoResult:
    progress = progress or no_progress
    out_dir = Path(out_dir)
    _prepare(out_dir)
    dataset, ws = out_dir / "dataset", Workspace(out_dir / "workspace").ensure()
    progress("demo: simulate", 0, 5)
    simulate(dataset, SimConfig(seed=seed, accounts=accounts), progress=progress)
    progress("demo: ingest", 1, 5)
    ingest_dataset(dataset, ws, progress=progress)
    progress("demo: detect", 2, 5)
    # The scenario's claims stand for a fact-checking partner's database: one
    # verdict per claim, which the misinformation detector matches posts against.
    write_factchecks(ws.path / FACTCHECKS, read_factchecks(dataset / "truth" / "claims.jsonl"))
    results = detect(ws)
    progress("demo: evaluate", 3, 5)
    findings_path = out_dir / "findings.jsonl"
    export_findings(ws, findings_path)
    ev = evaluate_files(dataset / "truth" / "labels.jsonl", findings_path)
    (out_dir / "evaluation.json").write_text(json.dumps(ev.to_dict(), indent=2))
    counts: dict[str, int] = {}
    networks = []
    for f in iter_findings(ws):
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
        if f["network_id"] and len(f["account_ids"]) > 1:
            networks.append(f)
    networks.sort(key=lambda f: (-len(f["account_ids"]), f["network_id"]))
    with ws.events(read_only=True) as store:
        election = store.election()
        rows = {t: store.count(t) for t in sorted(store.tables())}
    html = out_dir / "summary.html"
    html.write_text(
        render(
            "summary.html",
            election=election,
            rows=rows,
            results=results,
            evaluation=ev,
            networks=networks[:20],
            chart=_chart(counts) if counts else None,
        ),
        encoding="utf-8",
    )
    progress("demo: done", 5, 5)
    return DemoResult(dataset, ws, findings_path, ev, html)
