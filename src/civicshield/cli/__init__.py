"""The ``civicshield`` command: a thin shell over the Python API.

Each command parses its options, calls one API function and formats what
comes back.  No SQL and no detection logic lives here.

This module holds the root app and its wiring; the commands live in one
module per area (``pipeline``, ``cases``, ``authority``, ``claims``, ``gate``,
``web``, ``interop``), their shared options and helpers in ``_common``.
Root commands are registered here, in the order ``civicshield --help`` lists
them; the groups are added after them, as typer lists groups after commands.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape
from typer.core import TyperGroup

from civicshield.cli import authority, cases, claims, gate, interop, pipeline, web
from civicshield.cli._common import _fail, err
from civicshield.errors import CivicshieldError


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

# Root commands.
app.command()(pipeline.ingest)
app.command()(pipeline.simulate)
app.command()(pipeline.detect)
app.command("detectors")(pipeline.list_detectors)
app.command()(pipeline.evaluate)
app.command()(pipeline.demo)
app.command()(pipeline.networks)
app.command()(pipeline.coordination)
app.command()(pipeline.recount)
app.command("enforce")(cases.enforce_cmd)
app.command("appeal")(cases.appeal_cmd)
app.command("purge")(cases.purge_cmd)
app.command("erase")(cases.erase_cmd)
app.command("search-notice")(claims.search_notice_cmd)
app.command()(pipeline.report)
app.command("serve")(web.serve)

# Groups.
app.add_typer(interop.export_app, name="export")
app.add_typer(cases.cases_app, name="cases")
app.add_typer(cases.audit_app, name="audit")
app.add_typer(cases.hold_app, name="hold")
app.add_typer(cases.evidence_app, name="evidence")
app.add_typer(cases.sor_app, name="sor")
app.add_typer(authority.authority_app, name="authority")
app.add_typer(claims.claims_app, name="claims")
app.add_typer(gate.gate_app, name="gate")
app.add_typer(web.users_app, name="users")
app.add_typer(interop.import_app, name="import")


def main() -> None:
    try:
        app()
    except CivicshieldError as e:  # errors raised outside a command body
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        sys.exit(2)
