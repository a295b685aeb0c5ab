"""The ``civicshield`` command: a thin shell over the Python API.

Each command parses its options, calls one API function and formats what
comes back.  No SQL and no detection logic lives here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from civicshield.errors import CivicshieldError
from civicshield.progress import progress_bar

app = typer.Typer(
    name="civicshield",
    help="Election integrity: find covert networks and fake engagement, review cases, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Write what the workspace holds in exchange formats.", no_args_is_help=True)
app.add_typer(export_app, name="export")

out = Console()
err = Console(stderr=True)

Workspace_ = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (created by ingest).")]


def _fail(e: Exception, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {e}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _parse_params(items: list[str]) -> dict[str, dict]:
    """``detector.name=value`` pairs; values are read as JSON where they parse."""
    params: dict[str, dict] = {}
    for item in items:
        if "=" not in item or "." not in item.split("=", 1)[0]:
            raise CivicshieldError(f"--param takes DETECTOR.NAME=VALUE, got {item!r}")
        key, raw = item.split("=", 1)
        det, name = key.split(".", 1)
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        params.setdefault(det, {})[name] = value
    return params


@app.command()
def ingest(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder (see docs/dataset.md).")],
    workspace: Workspace_ = Path("workspace"),
) -> None:
    """Validate a dataset folder and load it into the workspace's event store."""
    from civicshield.ingest import ingest_dataset
    from civicshield.workspace import open_workspace

    try:
        with progress_bar("ingest") as bar:
            summary = ingest_dataset(dataset, open_workspace(workspace), progress=bar)
    except CivicshieldError as e:
        _fail(e)
    t = Table(title=f"{'Unchanged, already loaded' if summary.unchanged else 'Ingested'}: {dataset}")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in summary.rows.items():
        t.add_row(name, f"{n:,}")
    for note in summary.notes:
        err.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    out.print(t)


@app.command()
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


@app.command()
def detect(
    workspace: Workspace_ = Path("workspace"),
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this detector (repeatable).")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Override a parameter: DETECTOR.NAME=VALUE (repeatable).")
    ] = None,
) -> None:
    """Run the detectors over the workspace and store their findings."""
    from civicshield.detect import detect as run_detect
    from civicshield.workspace import open_workspace

    t = Table(title="Detectors")
    t.add_column("detector")
    t.add_column("findings", justify="right")
    t.add_column("note")
    try:
        with progress_bar("detect") as bar:
            results = run_detect(
                open_workspace(workspace),
                only=only,
                params=_parse_params(param or []),
                on_start=lambda name: bar.step(f"detect: {name}"),
            )
    except (CivicshieldError, KeyError) as e:
        _fail(e)
    for r in results:
        t.add_row(r.detector, "-" if r.skipped else str(len(r.findings)), f"skipped: {r.skipped}" if r.skipped else "")
    out.print(t)


@app.command("detectors")
def list_detectors() -> None:
    """List the detectors, the tables they need and their parameters."""
    from civicshield.detect import detectors

    for d in detectors().values():
        out.print(f"[bold]{d.name}[/]: {d.summary}", highlight=False)
        out.print(f"  kinds: {', '.join(d.kinds)}; needs: {', '.join(d.requires)}", highlight=False)
        for p in d.params:
            out.print(f"  --param {d.name}.{p.name}={p.default!r}  ({p.describe()}) {p.help}", highlight=False)


@export_app.command("findings")
def export_findings(
    workspace: Workspace_ = Path("workspace"),
    out_file: Annotated[Path, typer.Option("--out", help="JSONL file to write.")] = Path("findings.jsonl"),
) -> None:
    """Write the workspace's findings as JSONL in the contract's format."""
    from civicshield.findings import export_findings as run_export
    from civicshield.workspace import open_workspace

    try:
        n = run_export(open_workspace(workspace), out_file)
    except CivicshieldError as e:
        _fail(e)
    out.print(f"wrote {n:,} findings to {out_file}")


@app.command()
def evaluate(
    truth: Annotated[Path, typer.Option(help="truth/labels.jsonl of a synthetic dataset.")],
    findings: Annotated[Path, typer.Option(help="Findings JSONL written by 'export findings'.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Precision, recall and F1 per kind and entity, and operation recovery."""
    from civicshield.evaluate import evaluate_files, render_table

    try:
        report = evaluate_files(truth, findings)
    except CivicshieldError as e:
        _fail(e)
    out.print(render_table(report))
    if json_out:
        json_out.write_text(json.dumps(report.to_dict(), indent=2))


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes its dataset, workspace and summary.")] = Path(
        "demo-out"
    ),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    accounts: Annotated[int, typer.Option(help="Organic accounts to simulate.")] = 5000,
) -> None:
    """Simulate an election, ingest it, detect, evaluate, and write an HTML summary."""
    from civicshield.demo import run_demo

    try:
        with progress_bar("demo") as bar:
            res = run_demo(out_dir, seed=seed, accounts=accounts, progress=bar)
    except CivicshieldError as e:
        _fail(e)
    from civicshield.evaluate import render_table

    out.print(render_table(res.evaluation))
    out.print(f"HTML summary: {res.html}")


# --- network commands (coordination, networks) ---


@app.command()
def networks(workspace: Workspace_ = Path("workspace")) -> None:
    """Print the coordinated networks found by 'detect': size, reach, origin, target, what they promote."""
    from civicshield.detect.network.reports import network_reports
    from civicshield.workspace import open_workspace

    try:
        rows = network_reports(open_workspace(workspace))
    except CivicshieldError as e:
        _fail(e)
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


@app.command()
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


@app.command()
def recount(
    workspace: Workspace_ = Path("workspace"),
    top: Annotated[int, typer.Option(help="Show this many targets that lost the most engagement.")] = 10,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every recounted target to this CSV.")] = None,
) -> None:
    """Recount likes, shares and followers without the fake engagement found, per target."""
    from civicshield.recount import recount as run_recount
    from civicshield.workspace import open_workspace

    try:
        res = run_recount(open_workspace(workspace))
    except CivicshieldError as e:
        _fail(e)
    t = Table(title="Engagement recount")
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


# --- content commands ---


# --- cases commands ---


# --- gate commands (gate serve, gate replay) ---

gate_app = typer.Typer(help="The real-time gate: allow, challenge or block sign-ups and engagement.", no_args_is_help=True)
app.add_typer(gate_app, name="gate")


@gate_app.command("serve")
def gate_serve(
    redis: Annotated[str | None, typer.Option("--redis", help="Redis URL for shared state; in-process state without it.")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules file (TOML); the shipped rules without it.")] = None,
    shadow: Annotated[bool, typer.Option("--shadow", help="Decide and log, but answer allow.")] = False,
    port: Annotated[int, typer.Option(help="TCP port.")] = 8090,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Worker processes (more than one needs --redis).")] = 1,
    key_prefix: Annotated[str, typer.Option(help="Prefix of every Redis key the gate writes.")] = "cs:gate:",
) -> None:
    """Serve POST /v1/signup and POST /v1/engagement until interrupted."""
    from civicshield.gate.app import serve

    try:
        serve(redis_url=redis, rules_path=rules, shadow=shadow, host=host, port=port, workers=workers,
              key_prefix=key_prefix)
    except CivicshieldError as e:
        _fail(e)


@gate_app.command("replay")
def gate_replay(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder with signups and/or engagements.")],
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules file (TOML); the shipped rules without it.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
) -> None:
    """Feed a dataset's sign-ups and engagements through the gate in time order; score against truth."""
    from civicshield.gate import Gate, load_rules
    from civicshield.gate.replay import replay

    try:
        with progress_bar("replay") as bar:
            fig = replay(dataset, gate=Gate(rules=load_rules(rules)), progress=bar)
    except CivicshieldError as e:
        _fail(e)
    t = Table(title=f"Gate replay of {dataset} (rules {fig.rules_version})")
    for col in ("activity", "total", "stopped", "share"):
        t.add_column(col, justify="left" if col == "activity" else "right")
    for name in ("genuine_signups", "spam_signups", "other_signups", "genuine_engagements", "farm_engagements",
                 "other_engagements"):
        tally = getattr(fig, name)
        t.add_row(name.replace("_", " "), f"{tally.total:,}", f"{tally.stopped:,}", f"{tally.share:.2%}")
    out.print(t)
    if not fig.labelled:
        out.print("no truth/labels.jsonl: every account counts as genuine")
    out.print(f"targets (genuine <= 0.5% stopped, farm and spam >= 80%): {'met' if fig.meets_targets() else 'NOT met'}")
    if json_out:
        json_out.write_text(json.dumps(fig.to_dict(), indent=2))



def main() -> None:
    try:
        app()
    except CivicshieldError as e:  # errors raised outside a command body
        err.print(f"[bold red]error:[/] {e}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
