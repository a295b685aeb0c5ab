"""The web console: the root command serve (registered by ``civicshield.cli``)
and the users group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from civicshield.cli._common import Db_, Workspace_, _cases, out

users_app = typer.Typer(help="Console users and API tokens (local administration on the server).", no_args_is_help=True)


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
