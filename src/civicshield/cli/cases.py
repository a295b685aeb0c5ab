"""Case work: the cases, audit, hold, evidence and sor groups, and the root
commands enforce, appeal, purge and erase (registered by ``civicshield.cli``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civicshield.cli._common import Db_, Role_, User_, Version_, Workspace_, _cases, _fail, _when, err, out
from civicshield.errors import CivicshieldError
from civicshield.progress import progress_bar

cases_app = typer.Typer(help="Cases: intake findings, list, show, assign, decide.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
hold_app = typer.Typer(help="Legal holds (data-retention orders) from authorities.", no_args_is_help=True)
evidence_app = typer.Typer(help="Evidence bundles for authorities.", no_args_is_help=True)
sor_app = typer.Typer(help="DSA statements of reasons.", no_args_is_help=True)


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


def purge_cmd(workspace: Workspace_ = Path("workspace"), db: Db_ = None, user: User_ = "", role: Role_ = "",
              retention_days: Annotated[int, typer.Option(help="Keep closed cases' evidence this long.")] = 180) -> None:
    """Retention clean-up and pending account erasures, except what legal holds cover."""
    from civicshield.cases.holds import purge

    store, actor = _cases(workspace, db, user, role)
    s = purge(store, actor, retention_days=retention_days)
    out.print(f"{s.evidence_deleted:,} evidence items deleted, {s.findings_scrubbed:,} findings scrubbed, "
              f"{s.erasures_done:,} erasures done; kept by holds {s.holds_in_force}: {s.kept_by_hold:,} items, "
              f"{len(s.erasures_waiting):,} erasures waiting")


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
