"""The gate group: serve, sync and replay the real-time gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civicshield.cli._common import Workspace_, _fail, out
from civicshield.errors import CivicshieldError
from civicshield.progress import progress_bar

gate_app = typer.Typer(help="The real-time gate: allow, challenge or block sign-ups and engagement.", no_args_is_help=True)


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
