"""Exchange formats: the import group (research-API and tool formats into a
dataset folder) and the export group (findings, graphs, tables)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from civicshield.cli._common import Workspace_, err, out

export_app = typer.Typer(help="Write what the workspace holds in exchange formats.", no_args_is_help=True)


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


import_app = typer.Typer(help="Convert research-API and tool formats into a dataset folder.", no_args_is_help=True)
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
