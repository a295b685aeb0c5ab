"""``civicshield report``: compute every figure as data, then write it as
JSON, CSV, HTML (with charts) and PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from civicshield.cases.claims import post_verdicts
from civicshield.cases.db import open_case_store
from civicshield.cases.reads import actions_in_force
from civicshield.errors import CivicshieldError
from civicshield.gate.feedback import transparency_figures
from civicshield.gate.redis_state import RedisState
from civicshield.gate.state import StateUnavailable
from civicshield.progress import Progress, no_progress
from civicshield.report import amplification as amp
from civicshield.report import chartdata, charts, figures, operations, render
from civicshield.report.misinformation import misinformation
from civicshield.report.period import Period
from civicshield.workspace import Workspace


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None
    json: Path
    csv: tuple[Path, ...]


def compute(ws: Workspace, case_store, period: Period, country: str | None = None,
            prevented: dict | None = None) -> dict:
    """Every figure of the report as plain data (what JSON and CSV hold)."""
    lo, hi = period.aware_bounds
    everything = actions_in_force(case_store)
    with ws.events(read_only=True) as events:
        election = events.election()
        in_period = figures.in_country(events, actions_in_force(case_store, lo, hi), country)
        ops = operations.operations(events, in_period, everything)
        amplification = amp.amplification(events, election, everything, period, country)
        return {
            "election": {"id": election.id, "name": election.name, "country": election.country},
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "country": country,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "enforcement": figures.enforcement(events, in_period, period, country, prevented),
            "response_times": figures.response_times(events, in_period),
            "misinformation": misinformation(events, in_period, post_verdicts(case_store)),
            "operations": ops,
            "recidivist_accounts_removed": operations.recidivists_removed(events, everything),
            "reemergence": operations.reemergence(events, everything),
            "amplification": amplification,
            "amplification_totals": amp.totals(amplification) if amplification is not None else None,
        }


def draw(ws: Workspace, data: dict, period: Period) -> dict:
    """The charts, from the computed data plus member-level reads."""
    out: dict = {"per_operation": {}}
    with ws.events(read_only=True) as events:
        out["activity"] = charts.activity_chart(chartdata.activity(events, data["operations"], period))
        for e in data["operations"]:
            members = e["member_ids"]
            out["per_operation"][e["network_id"]] = {
                "graph": charts.graph_chart(members, chartdata.graph_edges(events, members), e["network_id"]),
                "created": charts.creation_chart(chartdata.created_dates(events, members), e["network_id"]),
            }
    out["amplification"] = (charts.amplification_chart(data["amplification"], amp.ALL)
                            if data["amplification"] else None)
    return out


def gate_prevented(redis_url: str, prefix: str = "cs:gate:") -> dict:
    """What the real-time gate prevented, per endpoint, from its Redis counters."""
    try:
        return transparency_figures(RedisState(redis_url, prefix=prefix, timeout_s=5.0))["prevented"]
    except StateUnavailable as e:
        raise CivicshieldError(f"cannot read the gate's counters: {e}") from None


def build_report(ws: Workspace, period: Period, out_dir: Path, db_url: str | None = None, country: str | None = None,
                 pdf: bool = True, progress: Progress | None = None, redis_url: str | None = None,
                 gate_prefix: str = "cs:gate:") -> ReportFiles:
    """Write the report's files; with ``redis_url`` the gate's prevented
    figures are read too, otherwise they are "not measured"."""
    progress = progress or no_progress
    prevented = gate_prevented(redis_url, gate_prefix) if redis_url else None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = open_case_store(ws, db_url)
    try:
        progress("report: figures", 0, 4)
        data = compute(ws, store, period, country, prevented)
    finally:
        store.close()
    progress("report: charts", 1, 4)
    pictures = draw(ws, data, period)
    progress("report: files", 2, 4)
    json_path, csv_paths = render.write_data(data, out_dir)
    html = render.write_html(data, pictures, out_dir / "report.html")
    progress("report: pdf", 3, 4)
    pdf_path = render.write_pdf(html, out_dir / "report.pdf") if pdf else None
    progress("report: done", 4, 4)
    return ReportFiles(html, pdf_path, json_path, csv_paths)
