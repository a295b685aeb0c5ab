"""`civicshield users ...` and `civicshield serve`: the CLI wiring, checked
through the case API and against the real server started by the command."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from civicshield.cases import open_case_store, users
from civicshield.cli import app

from .conftest import PASSWORD, build
from .server import free_port

runner = CliRunner()


def test_users_add_token_disable(make_workspace):
    ws = build(make_workspace)
    common = ["--workspace", str(ws.path)]
    res = runner.invoke(app, ["users", "add", "mara", "--role", "moderator", *common],
                        env={"CIVICSHIELD_PASSWORD": PASSWORD})
    assert res.exit_code == 0, res.output
    bad = runner.invoke(app, ["users", "add", "x", "--role", "root", *common], env={"CIVICSHIELD_PASSWORD": PASSWORD})
    assert bad.exit_code == 2 and "unknown role" in bad.output
    short = runner.invoke(app, ["users", "add", "y", "--role", "lead", *common], env={"CIVICSHIELD_PASSWORD": "short"})
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    token = runner.invoke(app, ["users", "token", "mara", "--label", "bot", *common]).output.strip()
    with open_case_store(ws) as store:
        assert users.token_actor(store, token).role == "moderator"
        assert users.login(store, "mara", PASSWORD) is not None
        assert runner.invoke(app, ["users", "disable", "mara", *common]).exit_code == 0
        assert users.token_actor(store, token) is None and users.login(store, "mara", PASSWORD) is None


def test_serve_starts_the_real_server(make_workspace):
    ws = build(make_workspace)
    with open_case_store(ws) as store:
        users.add_user(store, "mara", "moderator", PASSWORD)
        token = users.add_token(store, "mara", "smoke")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "from civicshield.cli import main; main()", "serve",
                             "--workspace", str(ws.path), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                r = httpx.get(f"{base}/api/v1/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.1)
        assert r.status_code == 200 and "/api/v1/cases" in r.json()["paths"]
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["name"] == "mara" and "content-security-policy" in me.headers
        assert httpx.get(f"{base}/api/v1/cases").status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
