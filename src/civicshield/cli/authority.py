"""The authority group: leads and requests for information from authorities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civicshield.cli._common import Db_, Role_, User_, Workspace_, _cases, _when, out

authority_app = typer.Typer(help="Leads and requests for information from authorities.", no_args_is_help=True)


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
