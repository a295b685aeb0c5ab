"""What every command module shares: the consoles, the option types, and the
helpers that open the case store, parse times and fail with one red line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from civicshield.errors import CivicshieldError

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


# Acting user and role: --as/--role or CIVICSHIELD_USER/CIVICSHIELD_ROLE.
# Case store: --db URL (or CIVICSHIELD_DB), else the workspace's cases.sqlite.
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


def _when(text: str | None):
    import datetime as dt

    if not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _fail(CivicshieldError(f"expected an ISO date or time, got {text!r}"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
