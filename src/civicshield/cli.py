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
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from civicshield.errors import CivicshieldError
from civicshield.progress import progress_bar


class _Root(TyperGroup):
    """Every command's user errors end the same way: one red line on stderr
    and exit 2.  Caught here once instead of in each command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CivicshieldError as e:
            _fail(e)


app = typer.Typer(
    cls=_Root,
    name="civicshield",
    help="Election integrity: find covert networks and fake engagement, review cases, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Write what the workspace holds in exchange formats.", no_args_is_help=True)
app.add_typer(export_app, name="export")

# Piped output (CI logs, files) gets a wide fixed width instead of rich's 80
# columns, so tables of finding kinds are not cut.
out = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

Workspace_ = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder (created by ingest).")]


def _fail(e: Exception, code: int = 2) -> None:
    # Messages quote user data ('[/]', '[bold]x'): escape it so rich shows it
    # as written instead of reading it as markup.
    err.print(f"[bold red]error:[/] {escape(str(e))}", markup=True, highlight=False, soft_wrap=True)
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
                results = detect_spark(input_dir, out_file, only=only, params=_parse_params(param or []), master=master,
                                       on_start=lambda name: bar.step(f"detect (spark): {name}"))
            else:
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
    if engine == "spark":
        out.print(f"wrote the findings to {out_file}")


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

    n = run_export(open_workspace(workspace), out_file)
    out.print(f"wrote {n:,} findings to {out_file}")


@app.command()
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

    with progress_bar("demo") as bar:
        res = run_demo(out_dir, seed=seed, accounts=accounts, progress=bar)
    from civicshield.evaluate import render_table

    out.print(render_table(res.evaluation))
    out.print(f"HTML summary: {res.html}")


# --- network commands (coordination, networks) ---


@app.command()
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


# --- content commands ---


# --- cases commands ---
# Acting user and role: --as/--role or CIVICSHIELD_USER/CIVICSHIELD_ROLE.
# Case store: --db URL (or CIVICSHIELD_DB), else the workspace's cases.sqlite.

cases_app = typer.Typer(help="Cases: intake findings, list, show, assign, decide.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
hold_app = typer.Typer(help="Legal holds (data-retention orders) from authorities.", no_args_is_help=True)
app.add_typer(hold_app, name="hold")
evidence_app = typer.Typer(help="Evidence bundles for authorities.", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")
sor_app = typer.Typer(help="DSA statements of reasons.", no_args_is_help=True)
app.add_typer(sor_app, name="sor")
authority_app = typer.Typer(help="Leads and requests for information from authorities.", no_args_is_help=True)
app.add_typer(authority_app, name="authority")

Db_ = Annotated[str | None, typer.Option("--db", envvar="CIVICSHIELD_DB",
                                         help="Case store URL (postgresql://...); default: the workspace's SQLite.")]
User_ = Annotated[str, typer.Option("--as", envvar="CIVICSHIELD_USER", help="Acting user.")]
Role_ = Annotated[str, typer.Option("--role", envvar="CIVICSHIELD_ROLE",
                                    help="Acting role: analyst, moderator, lead, auditor, liaison, factchecker.")]
Version_ = Annotated[int | None, typer.Option("--version", help="Case version you read (refuses if it changed).")]


def _cases(workspace: Path, db: str | None, user: str, role: str):
    from civicshield.cases import Actor, open_case_store
    from civicshield.workspace import open_workspace

    return open_case_store(open_workspace(workspace), db), Actor(user, role)


@cases_app.command("intake")
def cases_intake(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "") -> None:
    """Turn the workspace's findings into cases (new, updated, merged)."""
    from civicshield.cases.intake import intake
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    with progress_bar("intake") as bar:
        s = intake(store, open_workspace(workspace), actor, progress=bar)
    out.print(f"{s.findings:,} findings: {s.new_findings:,} new, {s.updated_findings:,} updated, "
              f"{s.withdrawn_findings:,} withdrawn; cases: {s.new_cases:,} new, {s.updated_cases:,} updated, "
              f"{s.merged_cases:,} merged, {s.reopened_cases:,} reopened")


@cases_app.command("list")
def cases_list(
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
    queue: Annotated[str | None, typer.Option(help="Only this queue, e.g. network-ro.")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status (open, assigned, confirmed, ...).")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only cases held by this reviewer.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, highest priority first.")] = 50,
) -> None:
    """List cases, highest priority first."""
    from civicshield.cases.review import list_cases

    store, actor = _cases(workspace, db, user, role)
    rows = list_cases(store, actor, queue=queue, status=status, assignee=assignee, limit=limit)
    t = Table(title="Cases")
    for col in ("id", "priority", "status", "queue", "kind", "reach", "assignee", "version"):
        t.add_column(col, justify="right" if col in ("id", "priority", "reach", "version") else "left")
    for c in rows:
        t.add_row(str(c.id), f"{c.priority:.1f}", c.status, c.queue, c.kind, f"{c.reach:,}", c.assignee or "",
                  str(c.version))
    out.print(t)


@cases_app.command("show")
def cases_show(case_id: Annotated[int, typer.Argument(help="Case id.")], workspace: Workspace_ = Path("workspace"),
               db: Db_ = None, user: User_ = "", role: Role_ = "") -> None:
    """Show one case: findings, decisions, actions (JSON)."""
    from dataclasses import asdict

    from civicshield.cases.review import get_case

    store, actor = _cases(workspace, db, user, role)
    detail = get_case(store, actor, case_id)
    out.print_json(json.dumps(asdict(detail), default=str))


@cases_app.command("assign")
def cases_assign(case_id: Annotated[int, typer.Argument(help="Case id.")], workspace: Workspace_ = Path("workspace"),
                 db: Db_ = None, user: User_ = "", role: Role_ = "",
                 to: Annotated[str | None, typer.Option("--to", help="Reviewer (default: yourself; leads only).")] = None,
                 version: Version_ = None) -> None:
    """Take a case (or, as a lead, give it to a reviewer)."""
    from civicshield.cases.review import assign

    store, actor = _cases(workspace, db, user, role)
    c = assign(store, actor, case_id, reviewer=to, expected_version=version)
    out.print(f"case {c.id} assigned to {c.assignee} (version {c.version})")


@cases_app.command("decide")
def cases_decide(
    case_id: Annotated[int, typer.Argument(help="Case id.")],
    decision: Annotated[str, typer.Argument(help="confirm, dismiss, escalate or request_evidence.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required, at least 10 characters).")],
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
    version: Version_ = None,
    automated: Annotated[bool, typer.Option(help="The decision was taken by a rule, not a person.")] = False,
) -> None:
    """Decide a case you hold."""
    from civicshield.cases.review import decide

    store, actor = _cases(workspace, db, user, role)
    c = decide(store, actor, case_id, decision, reason, expected_version=version, automated=automated)
    out.print(f"case {c.id} {c.status} (version {c.version})")


@cases_app.command("auto-confirm")
def cases_auto_confirm(
    kind: Annotated[list[str], typer.Option("--kind", help="Finding kind the rule confirms (repeatable).")],
    reason: Annotated[str, typer.Option("--reason", help="The rule's reason (required).")],
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Confirm open cases made only of these kinds, as automated decisions (leads)."""
    from civicshield.cases.review import auto_confirm

    store, actor = _cases(workspace, db, user, role)
    n = auto_confirm(store, actor, kind, reason)
    out.print(f"{n:,} case(s) confirmed by the rule")


@app.command("enforce")
def enforce_cmd(
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
    case: Annotated[list[int] | None, typer.Option("--case", help="Only this confirmed case (repeatable).")] = None,
    puid_prefix: Annotated[str, typer.Option(help="Prefix of the statements' platform unique ids.")] = "civicshield",
) -> None:
    """Apply the actions of confirmed cases, in one transaction, with statements of reasons."""
    from civicshield.cases.enforce import enforce

    store, actor = _cases(workspace, db, user, role)
    with progress_bar("enforce") as bar:
        s = enforce(store, actor, case_ids=case, puid_prefix=puid_prefix, progress=bar)
    out.print(f"{s.cases} case(s): {s.applied:,} actions applied, {s.already_applied:,} already in force, "
              f"{s.skipped_reversed:,} reversed on appeal (not re-applied); {s.statements:,} statements of reasons")


@app.command("appeal")
def appeal_cmd(
    action: Annotated[list[int] | None, typer.Argument(help="Action id(s) to reverse.")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why the appeal is upheld (required).")] = "",
    case: Annotated[int | None, typer.Option("--case", help="Reverse every action of this case.")] = None,
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Uphold an appeal: reinstate (reverse) actions, with a reason."""
    from civicshield.cases.enforce import reinstate

    store, actor = _cases(workspace, db, user, role)
    n = reinstate(store, actor, reason, action_ids=action or None, case_id=case)
    out.print(f"{n} action(s) reversed")


@audit_app.command("verify")
def audit_verify(
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
    anchor: Annotated[list[str] | None, typer.Option(help="SEQ:HASH published earlier (repeatable).")] = None,
) -> None:
    """Check the audit chain; exit 1 if any entry was edited, deleted or reordered."""
    from civicshield.cases.audit import verify

    store, actor = _cases(workspace, db, user, role)
    try:
        anchors = {int(a.split(":", 1)[0]): a.split(":", 1)[1] for a in anchor or []}
    except (ValueError, IndexError):
        _fail(CivicshieldError("--anchor takes SEQ:HASH"))
    rep = verify(store, actor, anchors)
    for p in rep.problems:
        err.print(f"[red]{p}[/]", highlight=False)
    out.print(f"{rep.entries:,} entries; head {rep.head_seq}:{rep.head_hash}; "
              + ("chain intact" if rep.ok else f"{len(rep.problems)} problem(s)"))
    if not rep.ok:
        raise typer.Exit(1)


@audit_app.command("log")
def audit_log(
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
    subject: Annotated[str | None, typer.Option(help="Only entries about this subject, e.g. case:12 or hold:3.")] = None,
    event: Annotated[str | None, typer.Option(help="Only this event, e.g. case.decided.")] = None,
    limit: Annotated[int, typer.Option(help="The newest this many entries.")] = 100,
) -> None:
    """Print audit entries as JSON lines, oldest first."""
    from civicshield.cases.audit import read

    store, actor = _cases(workspace, db, user, role)
    rows = read(store, actor, subject=subject, event=event, limit=limit)
    for r in rows:
        out.print(json.dumps(r, ensure_ascii=False, sort_keys=True), highlight=False, soft_wrap=True)


def _when(text: str | None):
    import datetime as dt

    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _fail(CivicshieldError(f"expected an ISO date or time, got {text!r}"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


@hold_app.command("add")
def hold_add(
    authority: Annotated[str, typer.Option(help="Who ordered the hold.")],
    reference: Annotated[str, typer.Option(help="The order's reference.")],
    election: Annotated[str | None, typer.Option(help="Hold everything of this election.")] = None,
    network: Annotated[list[str] | None, typer.Option(help="Network id (repeatable).")] = None,
    account: Annotated[list[str] | None, typer.Option(help="Account id (repeatable).")] = None,
    post: Annotated[list[str] | None, typer.Option(help="Post id (repeatable).")] = None,
    time_from: Annotated[str | None, typer.Option("--from", help="Start of the time range (ISO, UTC).")] = None,
    time_to: Annotated[str | None, typer.Option("--to", help="End of the time range (ISO, UTC).")] = None,
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Place a legal hold: nothing in its scope is purged or altered until released."""
    from civicshield.cases.holds import Scope, add_hold

    store, actor = _cases(workspace, db, user, role)
    scope = Scope(election, tuple(network or ()), tuple(account or ()), tuple(post or ()),
                  _when(time_from), _when(time_to))
    h = add_hold(store, actor, authority, reference, scope)
    out.print(f"hold {h.id} placed for {h.authority} ({h.reference})")


@hold_app.command("list")
def hold_list(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
              all_: Annotated[bool, typer.Option("--all", help="Include released holds.")] = False) -> None:
    """List legal holds."""
    from civicshield.cases.holds import list_holds

    store, actor = _cases(workspace, db, user, role)
    rows = list_holds(store, actor, include_released=all_)
    t = Table(title="Legal holds")
    for col in ("id", "status", "authority", "reference", "scope", "since"):
        t.add_column(col)
    for h in rows:
        scope = ", ".join(f"{k}={v}" for k, v in h.scope.items() if v)
        t.add_row(str(h.id), h.status, h.authority, h.reference, scope, h.created_at[:19])
    out.print(t)


@hold_app.command("release")
def hold_release(hold_id: Annotated[int, typer.Argument(help="Hold id.")],
                 reason: Annotated[str, typer.Option("--reason", help="Why the hold ends (required).")],
                 workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                 role: Role_ = "") -> None:
    """Release a legal hold."""
    from civicshield.cases.holds import release_hold

    store, actor = _cases(workspace, db, user, role)
    h = release_hold(store, actor, hold_id, reason)
    out.print(f"hold {h.id} released")


@authority_app.command("lead-add")
def authority_lead_add(
    authority: Annotated[str, typer.Option(help="Who sends the lead.")],
    reference: Annotated[str, typer.Option(help="The authority's reference.")],
    description: Annotated[str, typer.Option(help="What the authority saw (10 to 20,000 characters).")],
    account: Annotated[list[str], typer.Option(help="Account id (repeatable, at least one).")],
    hashtag: Annotated[list[str] | None, typer.Option(help="Hashtag, with or without # (repeatable).")] = None,
    channel: Annotated[list[str] | None, typer.Option(help="Channel: URL, Telegram or WhatsApp group (repeatable).")] = None,
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Record a lead from an authority (liaisons)."""
    from civicshield.cases.requests import submit_lead

    store, actor = _cases(workspace, db, user, role)
    x = submit_lead(store, actor, authority, reference, account, hashtag or [], channel or [], description)
    out.print(f"lead {x.id} recorded: {len(x.accounts)} accounts, {len(x.hashtags)} hashtags, {len(x.channels)} channels")


@authority_app.command("leads")
def authority_leads(status: Annotated[str | None, typer.Option(help="open, converted or declined.")] = None,
                    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                    role: Role_ = "") -> None:
    """List leads, newest first."""
    from civicshield.cases.requests import list_leads

    store, actor = _cases(workspace, db, user, role)
    t = Table(title="Leads")
    for col in ("id", "status", "authority", "reference", "accounts", "hashtags", "case", "received"):
        t.add_column(col)
    for x in list_leads(store, actor, status):
        t.add_row(str(x.id), x.status, x.authority, x.reference, ", ".join(x.accounts[:5]) + (" ..." if len(x.accounts) > 5 else ""),
                  " ".join(f"#{h}" for h in x.hashtags), str(x.case_id or ""), x.submitted_at[:19])
    out.print(t)


@authority_app.command("lead-case")
def authority_lead_case(lead_id: Annotated[int, typer.Argument(help="Lead id.")],
                        workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                        role: Role_ = "") -> None:
    """Turn a lead into a case: intake of its accounts (analysts and leads)."""
    from civicshield.cases.lead_intake import lead_to_case
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    x = lead_to_case(store, actor, lead_id, open_workspace(workspace))
    out.print(f"lead {x.id} -> case {x.case_id}")


@authority_app.command("lead-decline")
def authority_lead_decline(lead_id: Annotated[int, typer.Argument(help="Lead id.")],
                           reason: Annotated[str, typer.Option("--reason", help="Why no case is opened (required).")],
                           workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                           role: Role_ = "") -> None:
    """Decline a lead, with a reason."""
    from civicshield.cases.requests import decline_lead

    store, actor = _cases(workspace, db, user, role)
    out.print(f"lead {decline_lead(store, actor, lead_id, reason).id} declined")


@authority_app.command("rfi-add")
def authority_rfi_add(
    authority: Annotated[str, typer.Option(help="Who asks.")],
    reference: Annotated[str, typer.Option(help="The authority's reference.")],
    question: Annotated[str, typer.Option(help="What is asked.")],
    legal_basis: Annotated[str, typer.Option(help="The legal basis the authority gives.")],
    deadline: Annotated[str, typer.Option(help="Deadline: a date (end of that day, UTC) or an ISO time.")],
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Record a request for information from an authority (liaisons)."""
    from civicshield.cases.requests import submit_rfi

    store, actor = _cases(workspace, db, user, role)
    when = _when(deadline)
    if len(deadline.strip()) == 10:
        when = when.date()  # a date is due at the end of that day
    x = submit_rfi(store, actor, authority, reference, question, legal_basis, when)
    out.print(f"request for information {x.id} recorded, due {x.deadline}")


@authority_app.command("rfis")
def authority_rfis(status: Annotated[str | None, typer.Option(help="open, answered or refused.")] = None,
                   workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                   role: Role_ = "") -> None:
    """List requests for information, newest first."""
    from civicshield.cases.requests import list_rfis

    store, actor = _cases(workspace, db, user, role)
    t = Table(title="Requests for information")
    for col in ("id", "status", "authority", "reference", "question", "deadline", "bundle"):
        t.add_column(col)
    for x in list_rfis(store, actor, status):
        t.add_row(str(x.id), x.status, x.authority, x.reference, x.question[:80], x.deadline[:19],
                  (x.bundle_sha256 or "")[:12])
    out.print(t)


@authority_app.command("rfi-answer")
def authority_rfi_answer(
    rfi_id: Annotated[int, typer.Argument(help="Request id.")],
    status: Annotated[str, typer.Option(help="answered or refused.")],
    response: Annotated[str, typer.Option(help="The answer given to the authority.")],
    bundle: Annotated[str | None, typer.Option(help="Manifest SHA-256 of the evidence bundle handed over.")] = None,
    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
) -> None:
    """Record the answer to a request for information (leads)."""
    from civicshield.cases.requests import answer_rfi

    store, actor = _cases(workspace, db, user, role)
    x = answer_rfi(store, actor, rfi_id, status, response, bundle)
    out.print(f"request for information {x.id} {x.status}")


@app.command("purge")
def purge_cmd(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
              retention_days: Annotated[int, typer.Option(help="Keep closed cases' evidence this long.")] = 180) -> None:
    """Retention clean-up and pending account erasures, except what legal holds cover."""
    from civicshield.cases.holds import purge

    store, actor = _cases(workspace, db, user, role)
    s = purge(store, actor, retention_days=retention_days)
    out.print(f"{s.evidence_deleted:,} evidence items deleted, {s.findings_scrubbed:,} findings scrubbed, "
              f"{s.erasures_done:,} erasures done; kept by holds {s.holds_in_force}: {s.kept_by_hold:,} items, "
              f"{len(s.erasures_waiting):,} erasures waiting")


@app.command("erase")
def erase_cmd(account_id: Annotated[str, typer.Argument(help="The account whose deletion was requested.")],
              workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "") -> None:
    """Record an account-deletion request; 'purge' carries it out unless a hold covers the account."""
    from civicshield.cases.holds import request_erasure

    store, actor = _cases(workspace, db, user, role)
    n = request_erasure(store, actor, account_id)
    out.print(f"erasure request {n} recorded for {account_id}")


@evidence_app.command("export")
def evidence_export(hold_id: Annotated[int, typer.Argument(help="The hold whose scope to export.")],
                    out_dir: Annotated[Path, typer.Option("--out", help="New folder for the bundle.")],
                    workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                    role: Role_ = "") -> None:
    """Write an evidence bundle (data, case history, audit slice, SHA-256 manifest)."""
    from civicshield.cases.evidence import export_bundle
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    ws = open_workspace(workspace)
    b = export_bundle(store, actor, hold_id, out_dir, workspace=ws if ws.events_path.exists() else None)
    out.print(f"wrote {len(b.files)} files to {b.path}; manifest sha256 {b.manifest_sha256}")


@evidence_app.command("verify")
def evidence_verify(bundle: Annotated[Path, typer.Argument(help="Bundle folder.")]) -> None:
    """Check a bundle against its manifest; exit 1 on any difference."""
    from civicshield.cases.evidence import verify_bundle

    problems = verify_bundle(bundle)
    for p in problems:
        err.print(f"[red]{p}[/]", highlight=False)
    if problems:
        raise typer.Exit(1)
    out.print(f"{bundle}: every file matches the manifest")


@sor_app.command("export")
def sor_export(out_dir: Annotated[Path, typer.Option("--out", help="Folder for the batches and the CSV.")],
               workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
               platform_name: Annotated[str, typer.Option(help="platform_name column of the CSV.")] = "civicshield",
               all_: Annotated[bool, typer.Option("--all", help="Include statements exported before.")] = False) -> None:
    """Validate and write statements of reasons: API batches of <= 100 (JSON) and the database's CSV."""
    from civicshield.cases.sor import export_statements

    store, actor = _cases(workspace, db, user, role)
    s = export_statements(store, actor, out_dir, platform_name=platform_name, include_exported=all_)
    out.print(f"{s.statements:,} statements in {len(s.batches)} batch file(s) and {s.csv}")


# --- fact-checks (claims queue, verdicts, matching) and search notices ---

claims_app = typer.Typer(help="Fact-checks: the claims queue, partners' verdicts, claim matching.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")


@claims_app.command("queue")
def claims_queue(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
                 intake: Annotated[bool, typer.Option(help="First queue flagged and reported posts (analyst, lead).")]
                 = False,
                 status: Annotated[str, typer.Option(help="pending, checked or all.")] = "pending",
                 limit: Annotated[int, typer.Option(help="At most this many claims.")] = 50) -> None:
    """List the claims queue (optionally taking in new flagged and reported posts first)."""
    from civicshield.cases import claims
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    if intake:
        s = claims.intake_claims(store, open_workspace(workspace), actor)
        out.print(f"{s['candidates']:,} candidate posts: {s['joined']:,} joined known claims, "
                  f"{s['new_claims']:,} new claims")
    t = Table(title="Claims")
    for col in ("id", "claim", "status", "verdict", "posts", "language", "text"):
        t.add_column(col, justify="right" if col in ("id", "posts") else "left")
    for c in claims.list_claims(store, actor, None if status == "all" else status, limit):
        t.add_row(str(c.id), escape(c.key), c.status, c.verdict or "", f"{c.posts:,}", c.language, escape(c.text[:80]))
    out.print(t)


def _apply_line(s) -> str:
    return (f"{s.matched_posts:,} posts matched; actions: {s.applied:,} applied, {s.already_applied:,} already in force, "
            f"{s.skipped_reversed:,} reversed on appeal (kept so), {s.reversed:,} withdrawn by a revised verdict")


@claims_app.command("verdict")
def claims_verdict(claim_id: Annotated[int, typer.Argument(help="Claim id (claims queue).")],
                   verdict: Annotated[str, typer.Argument(help="false, misleading, missing_context, unverifiable, true.")],
                   source_url: Annotated[str, typer.Option("--source", help="The published fact-check (http/https).")],
                   translation: Annotated[list[str] | None, typer.Option(
                       "--translation", help="LANG=TEXT: the claim in another language (repeatable).")] = None,
                   voting_process: Annotated[bool | None, typer.Option(
                       "--voting-process/--not-voting-process", help="About how, when or where to vote "
                       "(default: the claim-pattern classifier decides).")] = None,
                   workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                   role: Role_ = "") -> None:
    """Rate a claim (factchecker); its policy is applied to every post repeating it."""
    from civicshield.cases import claims
    from civicshield.workspace import open_workspace

    pairs = [t.split("=", 1) for t in translation or []]
    if any(len(p) != 2 for p in pairs):
        raise CivicshieldError("--translation takes LANG=TEXT")
    store, actor = _cases(workspace, db, user, role)
    s = claims.give_verdict(store, open_workspace(workspace), actor, claim_id, verdict, source_url, dict(pairs),
                            voting_process)
    out.print(_apply_line(s))


@claims_app.command("match")
def claims_match(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                 role: Role_ = "") -> None:
    """Apply every checked claim to posts that arrived since (run after each ingest)."""
    from civicshield.cases import claims
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    out.print(_apply_line(claims.match_claims(store, open_workspace(workspace), actor)))


@claims_app.command("import")
def claims_import(path: Annotated[Path, typer.Argument(help="Fact-check JSONL (docs/misinformation.md).")],
                  workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "",
                  role: Role_ = "") -> None:
    """Import a partner's verdicts in bulk (factchecker) and apply them."""
    from civicshield.cases import claims
    from civicshield.workspace import open_workspace

    store, actor = _cases(workspace, db, user, role)
    out.print(_apply_line(claims.import_factchecks(store, open_workspace(workspace), actor, path)))


@app.command("search-notice")
def search_notice_cmd(query: Annotated[str, typer.Argument(help="The search query.")],
                      workspace: Workspace_ = Path("workspace"),
                      election: Annotated[Path | None, typer.Option(
                          help="election.toml to use instead of the workspace's election.")] = None,
                      language: Annotated[str | None, typer.Option(help="Language of the notice (ro, hu, en).")]
                      = None,
                      as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False) -> None:
    """Is a search query about the election? Print the notice with the authority's link (the labels' classifier)."""
    from civicshield.election import load_election
    from civicshield.notices import search_notice
    from civicshield.workspace import open_workspace

    if election is not None:
        e = load_election(election)
    else:
        with open_workspace(workspace).events(read_only=True) as ev:
            e = ev.election()
    n = search_notice(e, query, language)
    if as_json:
        out.print_json(json.dumps(n.to_dict(), ensure_ascii=False))
    elif n.about_election:
        out.print(escape(n.notice), highlight=False)
    else:
        out.print("not about the election: no notice")


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
    election: Annotated[Path | None, typer.Option(
        help="election.toml: enables POST /v1/search-notice (notices for election searches).")] = None,
) -> None:
    """Serve POST /v1/signup, POST /v1/engagement (and /v1/search-notice with --election) until interrupted."""
    from civicshield.gate.app import serve

    serve(redis_url=redis, rules_path=rules, shadow=shadow, host=host, port=port, workers=workers,
          key_prefix=key_prefix, election_path=election)


@gate_app.command("sync")
def gate_sync(
    redis: Annotated[str, typer.Option("--redis", help="Redis URL of the gates' shared state.")],
    workspace: Workspace_ = Path("workspace"),
    db: Annotated[str | None, typer.Option("--db", envvar="CIVICSHIELD_DB",
                                           help="Case store URL; default: the workspace's SQLite.")] = None,
    key_prefix: Annotated[str, typer.Option(help="Prefix of the gate's Redis keys.")] = "cs:gate:",
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules file whose [feedback] section says which "
                                                               "prefixes are a farm's own; the shipped rules without it.")] = None,
) -> None:
    """Push accounts banned by cases (and their own devices and prefixes) into the gates; print prevented vs removed."""
    from civicshield.gate import load_rules
    from civicshield.gate.feedback import sync_workspace
    from civicshield.gate.redis_state import RedisState
    from civicshield.gate.state import StateUnavailable
    from civicshield.workspace import open_workspace

    try:
        summary, fig = sync_workspace(open_workspace(workspace), RedisState(redis, prefix=key_prefix, timeout_s=5.0), db,
                                      load_rules(rules))
    except StateUnavailable as e:
        _fail(CivicshieldError(str(e)))
    for kind in ("account", "device", "prefix"):
        out.print(f"{kind}: +{summary.added[kind]:,} -{summary.removed[kind]:,}")
    out.print(json.dumps(fig, indent=2, sort_keys=True))


@gate_app.command("replay")
def gate_replay(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder with signups and/or engagements.")],
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules file (TOML); the shipped rules without it.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON here.")] = None,
    feedback_every: Annotated[float | None, typer.Option(
        "--feedback-every", help="Run batch detection every this many hours of event time over the events before "
        "that moment and push what it finds into the gate (the production loop); off without it.")] = None,
    feedback_detectors: Annotated[str, typer.Option(
        help="Comma-separated detectors the feedback loop runs.")] = "dense_block,lockstep_engagement",
    feedback_lookback: Annotated[float | None, typer.Option(
        help="Days of events each feedback round reads (all so far without it).")] = None,
) -> None:
    """Feed a dataset's sign-ups and engagements through the gate in time order; score against truth."""
    from civicshield.gate import Gate, load_rules
    from civicshield.gate.loop import FeedbackLoop
    from civicshield.gate.replay import TALLIES, replay

    loop = None
    if feedback_every is not None:
        loop = FeedbackLoop(every_s=feedback_every * 3600, detectors=tuple(d.strip() for d in feedback_detectors.split(",")
                                                                         if d.strip()),
                            lookback_s=None if feedback_lookback is None else feedback_lookback * 86400)
    with progress_bar("replay") as bar:
        fig = replay(dataset, gate=Gate(rules=load_rules(rules)), progress=bar, loop=loop)
    t = Table(title=f"Gate replay of {dataset} (rules {fig.rules_version})")
    cols = ("activity", "total", "stopped", "share") + (("by gate rules", "by feedback") if loop else ())
    for col in cols:
        t.add_column(col, justify="left" if col == "activity" else "right")
    for name in TALLIES:
        tally = getattr(fig, name)
        row = [name.replace("_", " "), f"{tally.total:,}", f"{tally.stopped:,}", f"{tally.share:.2%}"]
        if loop:
            fb = fig.stopped_by_feedback[name]
            row += [f"{tally.stopped - fb:,}", f"{fb:,}"]
        t.add_row(*row)
    out.print(t)
    if loop:
        last = fig.feedback_rounds[-1] if fig.feedback_rounds else {"accounts": 0, "devices": 0, "prefixes": 0}
        out.print(f"feedback: {len(fig.feedback_rounds)} rounds of {', '.join(loop.detectors)} every "
                  f"{feedback_every:g} h; last round confirmed {last['accounts']:,} accounts, {last['devices']:,} "
                  f"devices, {last['prefixes']:,} prefixes")
    if not fig.labelled:
        out.print("no truth/labels.jsonl: every account counts as genuine")
    out.print(f"targets (genuine <= 0.5% stopped, farm and spam >= 80%): {'met' if fig.meets_targets() else 'NOT met'}")
    if json_out:
        json_out.write_text(json.dumps(fig.to_dict(), indent=2))


# --- report commands ---
@app.command()
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



# --- web commands ---

users_app = typer.Typer(help="Console users and API tokens (local administration on the server).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command("serve")
def serve(
    workspace: Workspace_ = Path("workspace"),
    db: Db_ = None,
    host: Annotated[str, typer.Option(help="Address to listen on (keep it local; put TLS in front).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    redis: Annotated[str | None, typer.Option("--redis", help="Count failed logins in Redis at this URL "
                                              "instead of the case store.")] = None,
) -> None:
    """Start the web console and API (/api/v1)."""
    from civicshield.web.server import serve as run
    from civicshield.workspace import open_workspace

    run(open_workspace(workspace), db, host, port, redis_url=redis)


@users_app.command("add")
def users_add(
    name: str,
    role: Annotated[str, typer.Option("--role", help="analyst, moderator, lead, auditor, liaison or factchecker.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True,
                                          envvar="CIVICSHIELD_PASSWORD", help="At least 12 characters.")],
    workspace: Workspace_ = Path("workspace"),
    db: Db_ = None,
) -> None:
    """Add a console user (the password is stored as an argon2id hash)."""
    from civicshield.cases import users

    store, _ = _cases(workspace, db, name or "?", role if role else "analyst")
    users.add_user(store, name, role, password)
    out.print(f"user {escape(name)} ({escape(role)}) added")


@users_app.command("list")
def users_list(workspace: Workspace_ = Path("workspace"), db: Db_ = None) -> None:
    """List console users."""
    from civicshield.cases import users

    store, _ = _cases(workspace, db, "admin", "analyst")
    for u in users.list_users(store):
        out.print(f"{escape(u['name'])}\t{u['role']}\t{'active' if u['active'] else 'disabled'}", highlight=False)


@users_app.command("disable")
def users_disable(name: str, workspace: Workspace_ = Path("workspace"), db: Db_ = None) -> None:
    """Disable a user: ends their sessions and revokes their API tokens."""
    from civicshield.cases import users

    store, _ = _cases(workspace, db, "admin", "analyst")
    users.set_active(store, name, False)
    out.print(f"user {escape(name)} disabled")


@users_app.command("token")
def users_token(
    name: str,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    workspace: Workspace_ = Path("workspace"),
    db: Db_ = None,
) -> None:
    """Make an API token acting as NAME (printed once; only its hash is kept)."""
    from civicshield.cases import users

    store, _ = _cases(workspace, db, "admin", "analyst")
    print(users.add_token(store, name, label))


# --- interop commands ---

import_app = typer.Typer(help="Convert research-API and tool formats into a dataset folder.", no_args_is_help=True)
app.add_typer(import_app, name="import")
Out_ = Annotated[Path, typer.Option("--out", help="Dataset folder to write (must not exist or be empty).")]
ElectionFile_ = Annotated[Path, typer.Option("--election", help="election.toml describing the election.")]


def _imported(res) -> None:
    for note in res.notes:
        err.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    out.print(f"wrote {res.out}: " + ", ".join(f"{k} {v:,}" for k, v in res.rows.items()), highlight=False)


@import_app.command("tiktok-research")
def import_tiktok(
    folder: Annotated[Path, typer.Argument(help="Folder of saved TikTok Research API responses (.json/.jsonl).")],
    out_dir: Out_,
    election_file: ElectionFile_,
) -> None:
    """Convert saved TikTok Research API responses (videos, user info, comments, followers) into a dataset."""
    from civicshield.interop import import_tiktok_research

    _imported(import_tiktok_research(folder, out_dir, election_file))


@import_app.command("coortweet")
def import_coortweet_cmd(
    csv_file: Annotated[Path, typer.Argument(help="CooRTweet CSV (shares or posts shape).")],
    out_dir: Out_,
    election_file: ElectionFile_,
    objects: Annotated[str, typer.Option(help="Shares shape: objects are 'share' (retweets), 'url' or 'hashtag'.")] = "share",
) -> None:
    """Convert a CooRTweet CSV into a dataset."""
    from civicshield.interop import import_coortweet

    _imported(import_coortweet(csv_file, out_dir, election_file, objects))


@import_app.command("toolkit")
def import_toolkit_cmd(
    csv_file: Annotated[Path, typer.Argument(help="coordination-network-toolkit CSV (message_id, user_id, ...).")],
    out_dir: Out_,
    election_file: ElectionFile_,
) -> None:
    """Convert a coordination-network-toolkit CSV into a dataset (reposts become shares)."""
    from civicshield.interop import import_toolkit

    _imported(import_toolkit(csv_file, out_dir, election_file))


@export_app.command("graph")
def export_graph_cmd(
    workspace: Workspace_ = Path("workspace"),
    fmt: Annotated[str, typer.Option("--format", help="graphml or gexf.")] = "graphml",
    out_file: Annotated[Path, typer.Option("--out", help="File to write.")] = Path("network.graphml"),
    kind: Annotated[str, typer.Option(help="Finding kind whose accounts are the nodes.")] = "coordinated_network",
    window: Annotated[int | None, typer.Option(help="Co-action window in seconds (default: coordination's).")] = None,
) -> None:
    """Write the accounts of one finding kind as a graph for Gephi (co-action edges for coordinated networks)."""
    from civicshield.interop import export_graph
    from civicshield.workspace import open_workspace

    res = export_graph(open_workspace(workspace), out_file, fmt, kind, window)
    out.print(f"wrote {res.path}: {res.nodes:,} accounts, {res.edges:,} edges, {res.networks:,} networks", highlight=False)


@export_app.command("table")
def export_table_cmd(
    name: Annotated[str, typer.Argument(help="A contract table or 'findings'.")],
    workspace: Workspace_ = Path("workspace"),
    out_file: Annotated[Path, typer.Option("--out", help="Parquet file to write.")] = Path("table.parquet"),
) -> None:
    """Write one workspace table as Parquet."""
    from civicshield.interop import export_table
    from civicshield.workspace import open_workspace

    n = export_table(open_workspace(workspace), name, out_file)
    out.print(f"wrote {n:,} rows of {name} to {out_file}", highlight=False)


def main() -> None:
    try:
        app()
    except CivicshieldError as e:  # errors raised outside a command body
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
