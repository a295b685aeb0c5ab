"""Root commands of the analysis pipeline: ingest, simulate, detect, detectors,
evaluate, demo, networks, coordination, recount, report.

Plain functions: ``civicshield.cli`` registers them on the root app, in the
order ``civicshield --help`` lists them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civicshield.cli._common import Db_, Workspace_, _fail, err, out
from civicshield.detect.base import parse_params
from civicshield.errors import CivicshieldError
from civicshield.progress import progress_bar


def ingest(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder (see docs/dataset.md).")],
    workspace: Workspace_ = Path("workspace"),
) -> None:
    """Validate a dataset folder and load it into the workspace's event store."""
    from civicshield.ingest import ingest_dataset
    from civicshield.workspace import open_workspace

    with progress_bar("ingest") as bar:
        summary = ingest_dataset(dataset, open_workspace(workspace), progress=bar)
    t = Table(title=f"{'Unchanged, already loaded' if summary.unchanged else 'Ingested'}: {dataset}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in summary.rows.items():
        t.add_row(name, f"{n:,}")
    for note in summary.notes:
        err.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    out.print(t)


def simulate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the dataset to (must not exist or be empty).")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same dataset.")] = 7,
    accounts: Annotated[int, typer.Option(help="Organic accounts to simulate.")] = 5000,
    scale: Annotated[float, typer.Option(help="Multiplies activity per account (engagements, posts).")] = 1.0,
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl.")] = "parquet",
) -> None:
    """Write a synthetic election dataset with planted operations and ground truth."""
    from civicshield.sim import SimConfig
    from civicshield.sim import simulate as run_sim

    try:
        with progress_bar("simulate") as bar:
            res = run_sim(out_dir, SimConfig(seed=seed, accounts=accounts, scale=scale, fmt=fmt), progress=bar)
    except (CivicshieldError, ValueError) as e:
        _fail(e)
    out.print(f"wrote {out_dir}: " + ", ".join(f"{k} {v:,}" for k, v in res.rows.items()))


def detect(
    workspace: Workspace_ = Path("workspace"),
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this detector (repeatable).")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Override a parameter: DETECTOR.NAME=VALUE (repeatable).")
    ] = None,
    engine: Annotated[str, typer.Option(help="duckdb (the workspace) or spark (a Parquet dataset, see docs/spark.md).")] = "duckdb",
    input_dir: Annotated[str | None, typer.Option("--input", help="Spark: Parquet dataset folder, a path or a Hadoop URI.")] = None,
    out_file: Annotated[Path, typer.Option("--out", help="Spark: findings export (JSONL) to write.")] = Path("findings.jsonl"),
    master: Annotated[str, typer.Option(help="Spark: the master URL.")] = "local[*]",
) -> None:
    """Run the detectors over the workspace and store their findings (or, with
    --engine spark, over a Parquet dataset into a findings export)."""
    from civicshield.detect import detect as run_detect
    from civicshield.detect.spark_runner import detect_spark
    from civicshield.workspace import open_workspace

    if engine not in ("duckdb", "spark") or (engine == "spark") != (input_dir is not None):
        _fail(CivicshieldError("--engine is duckdb (with --workspace) or spark (with --input PARQUET_DIR)"))
    t = Table(title="Detectors")
    t.add_column("detector")
    t.add_column("findings", justify="right")
    t.add_column("note")
    try:
        with progress_bar("detect") as bar:
            if engine == "spark":
                results = detect_spark(input_dir, out_file, only=only, params=parse_params(param or []), master=master,
                                       on_start=lambda name: bar.step(f"detect (spark): {name}"))
            else:
                results = run_detect(
                    open_workspace(workspace),
                    only=only,
                    params=parse_params(param or []),
                    on_start=lambda name: bar.step(f"detect: {name}"),
                )
    except (CivicshieldError, KeyError) as e:
        _fail(e)
    for r in results:
        t.add_row(r.detector, "-" if r.skipped else str(len(r.findings)), f"skipped: {r.skipped}" if r.skipped else "")
    out.print(t)
    if engine == "spark":
        out.print(f"wrote the findings to {out_file}")


def list_detectors() -> None:
    """List the detectors, the tables they need and their parameters."""
    from civicshield.detect import detectors

    for d in detectors().values():
        out.print(f"[bold]{d.name}[/]: {d.summary}", highlight=False)
        out.print(f"  kinds: {', '.join(d.kinds)}; needs: {', '.join(d.requires)}", highlight=False)
        for p in d.params:
            out.print(f"  --param {d.name}.{p.name}={p.default!r}  ({p.describe()}) {p.help}", highlight=False)


def evaluate(
    truth: Annotated[Path, typer.Option(help="truth/labels.jsonl of a synthetic dataset.")],
    findings: Annotated[Path, typer.Option(help="Findings JSONL written by 'export findings'.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Precision, recall and F1 per kind and entity, and operation recovery."""
    from civicshield.evaluate import evaluate_files, render_table

    report = evaluate_files(truth, findings)
    out.print(render_table(report))
    if json_out:
        json_out.write_text(json.dumps(report.to_dict(), indent=2))


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes its dataset, workspace and summary.")] = Path(
        "demo-out"
    ),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    accounts: Annotated[int, typer.Option(help="Organic accounts to simulate.")] = 5000,
) -> None:
    """Simulate an election, ingest it, detect, evaluate, and write an HTML summary."""
    from civicshield.demo import run_demo

    with progress_bar("demo") as bar:
        res = run_demo(out_dir, seed=seed, accounts=accounts, progress=bar)
    from civicshield.evaluate import render_table

    out.print(render_table(res.evaluation))
    out.print(f"HTML summary: {res.html}")


# --- network commands (coordination, networks) ---


def networks(workspace: Workspace_ = Path("workspace")) -> None:
    """Print the coordinated networks found by 'detect': size, reach, origin, target, what they promote."""
    from civicshield.detect.network.reports import network_reports
    from civicshield.workspace import open_workspace

    rows = network_reports(open_workspace(workspace))
    if not rows:
        out.print("no coordinated networks (run 'civicshield detect' first)")
        return
    t = Table(title="Coordinated networks")
    for col in ("network", "score", "accounts", "followers", "operates from", "registered", "targets", "promotes",
                "top hashtags", "active"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            r["network_id"], f"{r['score']:.2f}", str(r["account_count"]), f"{r['total_followers']:,}",
            ", ".join(f"{c} {n}" for c, n in r["login_countries"].items()) or "-",
            ", ".join(f"{c} {n}" for c, n in r["registration_countries"].items()) or "-",
            f"{r['target_country'] or '-'} ({r['target_language'] or '-'})",
            ", ".join(p["name"] for p in r["promotes"]) or "-", " ".join("#" + h for h in r["top_hashtags"]),
            f"{(r['first_activity'] or '')[:10]} .. {(r['last_activity'] or '')[:10]}",
        )
    out.print(t)
    for r in rows:
        out.print(f"[bold]{r['network_id']}[/] strongest evidence:", highlight=False)
        for e in r["strongest_evidence"]:
            out.print(f"  {e['at']}  {e['kind']} {e['key'][:70]!r}: {e['accounts']} accounts, gap {e['min_gap_s']} s",
                      highlight=False, markup=False)


def coordination(
    coortweet: Annotated[Path, typer.Option("--coortweet", help="CSV with object_id, account_id, content_id, timestamp_share.")],
    window: Annotated[float, typer.Option(help="Seconds two shares of one object may be apart.")] = 60,
    min_participation: Annotated[int, typer.Option(help="Keep account pairs with at least this many co-shares.")] = 1,
    out_prefix: Annotated[Path, typer.Option("--out", help="Writes OUT.graphml and OUT.csv.")] = Path("coshare"),
) -> None:
    """Build the co-share network of a CooRTweet-format CSV (GraphML and CSV edge list)."""
    from civicshield.detect.network.coortweet import coortweet_network

    try:
        net = coortweet_network(coortweet, window, min_participation, out_prefix)
    except (CivicshieldError, ValueError) as e:
        _fail(e)
    out.print(f"{net.shares:,} shares -> {net.edges.num_rows:,} edges between {net.accounts:,} accounts; "
              f"wrote {net.graphml} and {net.csv}")


# --- engagement commands (recount) ---


def recount(
    workspace: Workspace_ = Path("workspace"),
    top: Annotated[int, typer.Option(help="Show this many targets that lost the most engagement.")] = 10,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every recounted target to this CSV.")] = None,
    confirmed: Annotated[bool, typer.Option(
        "--confirmed", help="Remove only what moderators confirmed (strip actions in force in the case store), "
        "not everything the detectors found.")] = False,
    db: Annotated[str | None, typer.Option("--db", envvar="CIVICSHIELD_DB",
                                           help="Case store URL for --confirmed (default: the workspace's).")] = None,
) -> None:
    """Recount likes, shares and followers without the fake engagement found, per target."""
    from civicshield.recount import recount as run_recount
    from civicshield.workspace import open_workspace

    res = run_recount(open_workspace(workspace), confirmed=confirmed, db=db)
    t = Table(title="Engagement recount (confirmed removals)" if confirmed else "Engagement recount")
    for col in ("count", "before", "removed", "after", "targets touched"):
        t.add_column(col, justify="left" if col == "count" else "right")
    for a in res.totals:
        t.add_row(a.count_name, f"{a.before:,}", f"{a.removed:,}", f"{a.after:,}", f"{a.targets_touched:,}")
    out.print(t)
    if res.targets and top > 0:
        tt = Table(title=f"Top {min(top, len(res.targets))} targets by removed engagement")
        for col in ("target", "action", "before", "removed", "after"):
            tt.add_column(col, justify="left" if col in ("target", "action") else "right")
        for r in res.targets[:top]:
            tt.add_row(r.target_id, r.action, f"{r.before:,}", f"{r.removed:,}", f"{r.after:,}")
        out.print(tt)
    if csv_out:
        res.write_csv(csv_out)
        out.print(f"wrote {len(res.targets):,} targets to {csv_out}")


# --- report commands ---


def report(
    period: Annotated[str, typer.Option(help="FROM..TO, ISO dates, both included (2024-09-01..2024-11-24).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for report.html, report.pdf, figures.json and CSVs.")],
    workspace: Workspace_ = Path("workspace"),
    db: Db_ = None,
    country: Annotated[str | None, typer.Option(help="Only accounts registered in (and viewers in) this country.")] = None,
    pdf: Annotated[bool, typer.Option(help="Also print the HTML to PDF with headless Chromium.")] = True,
    redis: Annotated[str | None, typer.Option("--redis", help="Redis URL of the gate: read its prevented figures.")] = None,
    gate_prefix: Annotated[str, typer.Option(help="Prefix of the gate's Redis keys.")] = "cs:gate:",
) -> None:
    """Write the transparency report: operations, enforcement, response times, amplification."""
    from civicshield.report import Period, build_report
    from civicshield.workspace import open_workspace

    with progress_bar("report") as bar:
        files = build_report(open_workspace(workspace), Period.parse(period), out_dir, db, country, pdf, bar,
                             redis, gate_prefix)
    for p in (files.html, files.pdf, files.json, *files.csv):
        if p is not None:
            out.print(f"wrote {p}")
