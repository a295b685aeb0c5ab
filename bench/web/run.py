"""Console page latency under load: the queue page and random case pages,
measured with wrk against `civicshield serve` on a synthetic store.

    python bench/web/run.py --cases 20000 --posts-per-case 10 [--seconds 20] [--conns 8] [--db URL | --pg ADMIN_URL]

The issue's target is 100k cases and 1M posts (``--cases 100000
--posts-per-case 10``), p95 under 300 ms for both pages.  Each case is one
network of 3 accounts and its posts (with hashtags), taken in through the real
intake.  Prints build and intake times, then p50/p95/p99 per page, with the
load average and the server process's CPU time.  ``--pg ADMIN_URL`` creates a
PostgreSQL database of the bench's own on that server, uses it as the case
store and drops it at the end.  With ``--db URL --keep DIR`` a later run finds
``DIR/ready`` and reuses the workspace and that database (no build, no
intake: only the timing; the server applies any pending migration when it
starts); with ``--pg`` the data is always taken in again.  Needs wrk (Debian
package; installed with apt-get if missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from civicshield.cases import open_case_store, users  # noqa: E402
from civicshield.cases.intake import intake  # noqa: E402
from civicshield.cases.roles import Actor  # noqa: E402
from civicshield.detect.base import Finding  # noqa: E402
from civicshield.store.build import build_store  # noqa: E402
from civicshield.workspace import Workspace  # noqa: E402
from conftest import ro_election  # noqa: E402

PASSWORD = "bench password 123"


def build(path: Path, n_cases: int, per_case: int) -> Workspace:
    t0 = dt.datetime(2024, 11, 20)
    accounts, posts, fs = [], [], []
    for n in range(n_cases):
        ids = [f"c{n}-a{i}" for i in range(3)]
        accounts += [{"account_id": a, "handle": a, "display_name": f"Name {a}", "created_at": t0 - dt.timedelta(days=n % 90),
                      "language": "ro", "follower_count": 10 + n % 1000} for a in ids]
        pids = [f"c{n}-p{j}" for j in range(per_case)]
        posts += [{"post_id": p, "account_id": ids[j % 3], "created_at": t0 + dt.timedelta(minutes=j),
                   "text": f"Vote for candidate {n % 7}! Shared message {n}", "hashtags": [f"tag{n % 50}", "alegeri"],
                   "language": "ro", "view_count": 100 + j} for j, p in enumerate(pids)]
        fs.append(Finding("coordinated_network", "coordination", 0.5 + (n % 50) / 100, account_ids=tuple(ids),
                          post_ids=tuple(pids), network_id=f"net-{n}", first_seen=t0, last_seen=t0,
                          evidence={"pairs": 3, "shared_text": f"Shared message {n}"}))
    ws = Workspace(path).ensure()
    build_store(ws.events_path, ro_election(), {"accounts": accounts, "posts": posts})
    with ws.events() as ev:
        ev.replace_findings("coordination", [f.to_row() for f in fs])
    return ws


def wrk(base: str, cookie: str, mode: str, cases: int, seconds: int, conns: int) -> str:
    env = {**os.environ, "CS_COOKIE": cookie, "CS_MODE": mode, "CS_CASES": str(cases)}
    res = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s",
                          "-s", str(Path(__file__).with_name("pages.lua")), base], env=env,
                         capture_output=True, text=True, check=True)
    return next(line for line in res.stdout.splitlines() if line.startswith("RESULT"))


@contextmanager
def own_database(admin_url: str):
    """A fresh database on the server at ``admin_url``, dropped afterwards."""
    name = f"cs_web_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped database {name}", flush=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--posts-per-case", type=int, default=10)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--conns", type=int, default=8)
    ap.add_argument("--db", default=None, help="case store URL (default: the workspace's SQLite)")
    ap.add_argument("--pg", default=None, metavar="ADMIN_URL",
                    help="create a PostgreSQL database of its own on this server, use it, drop it at the end")
    ap.add_argument("--keep", type=Path, default=None,
                    help="build the workspace here, or reuse it if it is already there (skips build and intake)")
    a = ap.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["sudo", "apt-get", "install", "-y", "-qq", "wrk"] if os.getuid() else
                       ["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if a.pg:
        with own_database(a.pg) as url:
            a.db = url
            run(a)
    else:
        run(a)


def run(a) -> None:
    with tempfile.TemporaryDirectory(prefix="cs-web-bench-") as tmp:
        path = a.keep or Path(tmp) / "ws"
        # the event store can be reused; a fresh --pg database always needs its intake
        if a.keep and (a.keep / "ready").exists() and not a.pg:
            ws = Workspace(a.keep)
            print(f"reusing {a.keep}", flush=True)
        else:
            t = time.perf_counter()
            if a.keep and (a.keep / "events-ready").exists():
                ws = Workspace(a.keep)
                print(f"reusing the event store in {a.keep}", flush=True)
            else:
                ws = build(path, a.cases, a.posts_per_case)
                (path / "events-ready").touch()
                print(f"event store: {a.cases:,} networks, {a.cases * 3:,} accounts, {a.cases * a.posts_per_case:,} "
                      f"posts in {time.perf_counter() - t:.1f} s", flush=True)
            store = open_case_store(ws, a.db)
            t, c = time.perf_counter(), time.process_time()
            s = intake(store, ws, Actor("bench", "analyst"))
            print(f"intake: {s.new_cases:,} cases in {time.perf_counter() - t:.1f} s "
                  f"(CPU of this process {time.process_time() - c:.1f} s; load average {os.getloadavg()[0]:.1f})",
                  flush=True)
            users.add_user(store, "lena", "lead", PASSWORD)
            store.close()
            if not a.pg:
                (path / "ready").touch()
        port = subprocess.run([sys.executable, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); "
                               "print(s.getsockname()[1])"], capture_output=True, text=True).stdout.strip()
        cmd = [sys.executable, "-c", "from civicshield.cli import main; main()", "serve", "--workspace", str(ws.path),
               "--port", port] + (["--db", a.db] if a.db else [])
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    httpx.get(base + "/login", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            r = httpx.post(base + "/login", data={"name": "lena", "password": PASSWORD})
            cookie = f"cs_session={r.cookies['cs_session'] if 'cs_session' in r.cookies else _from_history(r)}"
            check = httpx.get(base + "/cases/1", headers={"Cookie": cookie})
            if check.status_code != 200 or "Case #1" not in check.text:
                raise SystemExit(f"the session does not reach the case page: {check.status_code}")
            for mode in ("queue", "case"):
                cpu, load0 = cpu_seconds(server.pid), os.getloadavg()[0]
                line = wrk(base, cookie, mode, a.cases, a.seconds, a.conns)
                cpu = cpu_seconds(server.pid) - cpu
                print(f"{mode:<5} page, {a.conns} connections, {a.seconds} s: {line[7:]}  "
                      f"(server CPU {cpu:.1f} s in {a.seconds} s; load average {load0:.1f} before, "
                      f"{os.getloadavg()[0]:.1f} after)", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _from_history(r: httpx.Response) -> str:
    # The login answer is a redirect; the cookie is on it.
    for h in [*r.history, r]:
        for k, v in h.headers.multi_items():
            if k.lower() == "set-cookie" and v.startswith("cs_session="):
                return v.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("login failed: no session cookie")


if __name__ == "__main__":
    main()
