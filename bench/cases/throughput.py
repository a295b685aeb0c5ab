"""Case-store throughput: intake, re-intake, review, bulk enforcement, audit
verify and SoR export on a synthetic set of findings.

    python bench/cases/throughput.py --networks 500 --singles 2000 [--db postgresql://...]

Prints wall times and rates; records nothing by itself.  Uses a temporary
workspace (and, by default, a temporary SQLite case store).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from civicshield.cases import Actor, CaseStore, audit, review  # noqa: E402  # noqa: E402
from civicshield.cases.enforce import enforce  # noqa: E402
from civicshield.cases.intake import intake  # noqa: E402
from civicshield.cases.sor import export_statements  # noqa: E402
from civicshield.detect.base import Finding  # noqa: E402
from civicshield.store.build import build_store  # noqa: E402
from civicshield.workspace import Workspace  # noqa: E402
from conftest import ro_election  # noqa: E402


def build(tmp: Path, networks: int, size: int, singles: int) -> Workspace:
    t0 = dt.datetime(2024, 11, 20)
    accounts, posts, fs = [], [], []
    for n in range(networks):
        ids = [f"net{n}-a{i}" for i in range(size)]
        accounts += [{"account_id": a, "handle": a, "created_at": t0, "language": "ro", "follower_count": 10}
                     for a in ids]
        fs.append(Finding("coordinated_network", "coordination", 0.9, account_ids=tuple(ids), network_id=f"net-{n}",
                          first_seen=t0, last_seen=t0))
    for i in range(singles):
        a, p = f"s{i}", f"p{i}"
        accounts.append({"account_id": a, "handle": a, "created_at": t0, "language": "hu"})
        posts.append({"post_id": p, "account_id": a, "created_at": t0, "language": "hu", "view_count": 100})
        fs.append(Finding("unlabelled_ai", "c2pa", 0.8, post_ids=(p,), first_seen=t0, last_seen=t0))
    ws = Workspace(tmp / "ws").ensure()
    build_store(ws.events_path, ro_election(), {"accounts": accounts, "posts": posts})
    with ws.events() as ev:
        ev.replace_findings("coordination", [f.to_row() for f in fs if f.detector == "coordination"])
        ev.replace_findings("c2pa", [f.to_row() for f in fs if f.detector == "c2pa"])
    return ws


def timed(label: str, fn, unit: str | None = None, n: int | None = None):
    t = time.perf_counter()
    out = fn()
    dt_s = time.perf_counter() - t
    rate = f"  ({n / dt_s:,.0f} {unit}/s)" if n else ""
    print(f"{label:<34} {dt_s:8.2f} s{rate}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--networks", type=int, default=500)
    ap.add_argument("--size", type=int, default=5)
    ap.add_argument("--singles", type=int, default=2000)
    ap.add_argument("--db", default=None, help="case store URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ws = build(tmp, args.networks, args.size, args.singles)
        store = CaseStore(args.db or f"sqlite:///{tmp / 'cases.sqlite'}")
        nf = args.networks + args.singles
        print(f"{nf:,} findings, {args.networks * args.size + args.singles:,} accounts, store {store.dialect}")
        analyst, mod, lead = Actor("a", "analyst"), Actor("m", "moderator"), Actor("l", "lead")
        timed("intake (new)", lambda: intake(store, ws, analyst), "findings", nf)
        timed("intake (unchanged re-run)", lambda: intake(store, ws, analyst), "findings", nf)
        ids = [c.id for c in review.list_cases(store, lead, limit=10**9)]

        def review_all():
            for cid in ids:
                review.assign(store, mod, cid)
                review.decide(store, mod, cid, "confirm", "Benchmark confirmation text.")

        timed("assign + decide, one case at a time", review_all, "cases", len(ids))
        s = timed("enforce (one transaction)", lambda: enforce(store, mod))
        print(f"  {s.applied:,} actions, {s.statements:,} statements of reasons")
        rep = timed("audit verify", lambda: audit.verify(store, Actor("x", "auditor")))
        print(f"  {rep.entries:,} audit entries, ok={rep.ok}")
        timed("sor export", lambda: export_statements(store, lead, tmp / "sor"), "statements", s.applied)
        store.close()


if __name__ == "__main__":
    main()
