"""The gate's commands: replay through CliRunner, serve as a real server process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid

import httpx
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.gate.redis_state import RedisState
from civicshield.gate.rules import DEFAULT_RULES

from .test_replay import build_dataset


def test_gate_replay_command_writes_the_figures(tmp_path):
    ds = build_dataset(tmp_path / "ds")
    res = CliRunner().invoke(app, ["gate", "replay", str(ds), "--json", str(tmp_path / "fig.json")])
    assert res.exit_code == 0, res.output
    assert "targets" in res.output and "met" in res.output
    fig = json.loads((tmp_path / "fig.json").read_text())
    assert fig["genuine_signups"]["total"] == 200 and fig["meets_targets"] is True


def test_gate_replay_command_refuses_bad_rules_with_exit_2(tmp_path):
    ds = build_dataset(tmp_path / "ds")
    bad = tmp_path / "rules.toml"
    bad.write_text(DEFAULT_RULES.read_text().replace('mode = "enforce"', 'mode = "loud"'))
    res = CliRunner().invoke(app, ["gate", "replay", str(ds), "--rules", str(bad)])
    assert res.exit_code == 2 and "mode" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gate_serve_runs_a_real_server_in_shadow_mode_against_redis(tmp_path):
    port = _free_port()
    prefix = f"cs:test:{uuid.uuid4().hex}:"
    rules = tmp_path / "rules.toml"
    rules.write_text(DEFAULT_RULES.read_text())
    proc = subprocess.Popen([sys.executable, "-m", "civicshield.cli", "gate", "serve", "--port", str(port),
                             "--redis", "redis://127.0.0.1:6379/0", "--rules", str(rules), "--shadow", "--key-prefix", prefix],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                health = httpx.get(f"{base}/v1/health", timeout=1).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"gate serve did not come up: {proc.stdout.read1().decode()}")
        assert health == {"state": "ok", "state_kind": "RedisState", "rules_version": "2026-11-22.1",
                          "rules_digest": health["rules_digest"], "mode": "shadow",
                          "failure": {"signup": "challenge", "engagement": "allow"}}
        events = [{"actor_id": f"a{i}", "action": "like", "target_id": "p", "device_id": "phone"}
                  for i in range(6)]
        ds = httpx.post(f"{base}/v1/engagement", json={"events": events}).json()["decisions"]
        assert [d["decision"] for d in ds] == ["allow"] * 6 and ds[-1]["would"] == "block"
        st = RedisState(prefix=prefix, timeout_s=1.0)
        assert st.r.exists(prefix + "e:d:phone")  # the service wrote under the prefix it was given
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        RedisState(prefix=prefix, timeout_s=1.0).clear()


def test_gate_serve_refuses_workers_without_redis():
    res = CliRunner().invoke(app, ["gate", "serve", "--workers", "2"])
    assert res.exit_code == 2 and "--redis" in res.output


def test_gate_sync_pushes_the_workspaces_bans_into_redis(make_workspace, redis_state):
    from civicshield.cases.db import CaseStore

    from .test_feedback import _world, ban

    farm, ws = _world(make_workspace)
    store = CaseStore(ws.cases_url)
    ban(store, farm)
    store.close()
    res = CliRunner().invoke(app, ["gate", "sync", "--redis", redis_state.url, "--workspace", str(ws.path),
                                   "--key-prefix", redis_state.prefix])
    assert res.exit_code == 0, res.output
    assert redis_state.members("account") == set(farm)
    assert redis_state.members("device") == {"farm-phone-0", "farm-phone-1"}  # not the shared family tablet
    assert redis_state.members("prefix") == {"45.140.7"}
    assert '"removed"' in res.output


def test_gate_sync_says_when_redis_is_unreachable(tmp_path):
    res = CliRunner().invoke(app, ["gate", "sync", "--redis", f"redis://127.0.0.1:{_free_port()}/0",
                                   "--workspace", str(tmp_path / "ws")])
    assert res.exit_code == 2 and "Redis" in res.output
