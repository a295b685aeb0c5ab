"""Fact-checks (the claims group: queue, verdicts, matching) and the root
command search-notice (registered by ``civicshield.cli``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from civicshield.cli._common import Db_, Role_, User_, Workspace_, _cases, out
from civicshield.errors import CivicshieldError

claims_app = typer.Typer(help="Fact-checks: the claims queue, partners' verdicts, claim matching.", no_args_is_help=True)


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
