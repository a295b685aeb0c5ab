"""Every case-store test runs against SQLite and a real PostgreSQL.

PostgreSQL: the server named by ``CIVICSHIELD_TEST_PG`` (default
``postgresql://postgres:postgres@127.0.0.1:5432/postgres``; scripts/services.sh
starts it and sets that password on a fresh Debian cluster).  If it does not answer we
try to start the local Debian cluster(s) with ``pg_ctlcluster``; if that
fails too the tests FAIL (never skip).  Each test gets its own database,
dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from civicshield.cases.db import CaseStore
from civicshield.cases.roles import Actor

PG_URL = os.environ.get("CIVICSHIELD_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")
_pg_ready: bool | None = None


def _answers() -> str | None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as con:
            con.execute("SELECT 1")
        return None
    except psycopg.Error as e:
        return str(e).strip()


def _start_local_clusters() -> str:
    etc = Path("/etc/postgresql")
    if not etc.is_dir():
        return "no /etc/postgresql: PostgreSQL is not installed (scripts/setup.sh installs it)"
    notes = []
    for version in sorted(p.name for p in etc.iterdir()):
        for cluster in sorted(p.name for p in (etc / version).iterdir()):
            res = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"],
                                 capture_output=True, text=True, timeout=60)
            notes.append(f"pg_ctlcluster {version} {cluster} start -> {res.returncode} {res.stderr.strip()[:200]}")
    return "; ".join(notes) or "no clusters under /etc/postgresql"


def ensure_postgres() -> None:
    """Find the server or start it; fail loudly otherwise (once per session)."""
    global _pg_ready
    if _pg_ready:
        return
    first = _answers()
    if first is None:
        _pg_ready = True
        return
    started = _start_local_clusters()
    for _ in range(40):
        if _answers() is None:
            _pg_ready = True
            return
        time.sleep(0.5)
    pytest.fail(f"PostgreSQL is required for the case-store tests and is not reachable at {PG_URL}: {first}. "
                f"Tried to start it: {started}. Set CIVICSHIELD_TEST_PG to a server with trust or password auth.",
                pytrace=False)


def _admin(sql: str) -> None:
    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=5) as con:
        con.execute(sql)


@pytest.fixture
def pg_database_url():
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    ensure_postgres()
    name = f"cs_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def case_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite'}"
    else:
        yield request.getfixturevalue("pg_database_url")


@pytest.fixture
def store(case_url):
    s = CaseStore(case_url)
    yield s
    s.close()


def actor(role: str, name: str | None = None) -> Actor:
    return Actor(name or f"{role}-1", role)
