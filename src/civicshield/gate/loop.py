"""The production loop, replayed honestly: batch detection every few hours of
event time over the events *before* that moment, its findings pushed into
the gate as feedback, and only what reaches the gate afterwards affected.

On a platform the gate decides at write time while batch detectors run
periodically over the stream so far; a farm they confirm is pushed into the
gate's confirmed sets (``feedback.sync``) and its later actions are blocked.
``FeedbackLoop.confirmed_before(ws, t)`` reproduces one such round on a
replay: it copies the replay tables with ``created_at < t`` into a scratch
event store, runs the chosen detectors there, and returns the accounts they
found with the devices and prefixes only those accounts used (up to ``t``).

Findings are taken as confirmed without a reviewer: a detector's false
positive becomes genuine activity stopped, which the replay counts against
the gate like any other genuine activity stopped.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civicshield.gate.feedback import Confirmed, footprint_in
from civicshield.gate.rules import Rules
from civicshield.store.events import META_TABLE, EventStore, create_schema
from civicshield.workspace import Workspace

# Detectors that find engagement farms (their findings name the farm's accounts).
DEFAULT_DETECTORS = ("dense_block", "lockstep_engagement")
# What the detectors and the footprint read: posts tell whose targets a block
# hit (a fan club liking one creator is not a farm), logins which devices and
# prefixes other accounts use too.
TABLES = ("accounts", "signups", "engagements", "posts", "logins")


@dataclass(frozen=True)
class FeedbackLoop:
    """Run ``detectors`` every ``every_s`` seconds of event time over the
    events of the last ``lookback_s`` seconds (all so far when None)."""

    every_s: float = 24 * 3600.0
    detectors: tuple[str, ...] = DEFAULT_DETECTORS
    lookback_s: float | None = None

    def __post_init__(self) -> None:
        from civicshield.detect.registry import get
        from civicshield.errors import ParameterError

        if not 600 <= self.every_s <= 90 * 86400:
            raise ParameterError(f"The feedback interval must be between 10 minutes and 90 days. Got {self.every_s} s.")
        if self.lookback_s is not None and self.lookback_s < self.every_s:
            raise ParameterError("The feedback look-back must be at least the feedback interval.")
        if not self.detectors:
            raise ParameterError("The feedback loop needs at least one detector.")
        for name in self.detectors:
            try:
                get(name)  # an unknown name fails here, before the replay starts
            except KeyError as e:
                raise ParameterError(f"The feedback loop cannot run {name!r}: {e.args[0]}") from e

    def confirmed_before(self, ws: Workspace, t: float, scratch: Path, rules: Rules | None = None) -> Confirmed:
        """Accounts the detectors find in the events before ``t`` (unix
        seconds), with their own devices and prefixes (``rules``' ``[feedback]``)."""
        from civicshield.detect.base import run_detector
        from civicshield.detect.context import DetectionContext
        from civicshield.detect.registry import get

        with tempfile.TemporaryDirectory(dir=scratch) as tmp:  # a round's copy goes as soon as it is read
            path = Path(tmp) / "events.duckdb"
            _snapshot(ws.events_path, path, t, None if self.lookback_s is None else t - self.lookback_s)
            with EventStore(path, read_only=True) as store:
                ctx = DetectionContext(store=store, election=store.election())
                accounts: set[str] = set()
                for name in self.detectors:
                    res = run_detector(get(name), ctx)
                    for f in res.findings:
                        accounts.update(f.account_ids)
                return footprint_in(store, accounts, rules)


def _snapshot(src: Path, dst: Path, t: float, since: float | None) -> None:
    """Copy the replay tables' rows created before ``t`` (and at or after
    ``since``) into a new event store at ``dst``."""
    until = dt.datetime.fromtimestamp(t, dt.UTC).replace(tzinfo=None)
    con = duckdb.connect(str(dst))
    try:
        create_schema(con)
        quoted = str(src).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS src (READ_ONLY)")
        con.execute(f"INSERT INTO {META_TABLE} SELECT * FROM src.{META_TABLE}")
        have = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'").fetchall()}
        for table in TABLES:
            if table not in have:
                continue
            where, params = "coalesce(created_at < ?, true)", [until]
            if since is not None and table not in ("accounts", "posts"):  # old accounts and posts still matter
                where += " AND created_at >= ?"
                params.append(dt.datetime.fromtimestamp(since, dt.UTC).replace(tzinfo=None))
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM src."{table}" WHERE {where}', params)
        con.execute("DETACH src")
    finally:
        con.close()
