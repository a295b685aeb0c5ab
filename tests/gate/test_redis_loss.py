"""Losing Redis: the gate keeps answering with each endpoint's failure policy,
and recovers by itself when Redis comes back.  Uses a Redis server of its own
(never the shared one), killed and restarted on the same port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from starlette.testclient import TestClient

from civicshield.gate import Gate
from civicshield.gate.app import create_app
from civicshield.gate.redis_state import RedisState


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port: int) -> subprocess.Popen:
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed (scripts/setup.sh installs it)")
    p = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = redis.Redis(port=port)
    for _ in range(100):
        try:
            if r.ping():
                return p
        except redis.ConnectionError:
            time.sleep(0.05)
    p.kill()
    pytest.fail(f"own redis-server on port {port} did not start")


@pytest.fixture
def own_redis():
    port = _free_port()
    procs = [_start(port)]
    yield port, procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


def _farm(i: int) -> dict:
    return {"actor_id": f"farm-{i}", "action": "like", "target_id": "post", "device_id": "farm-phone"}


def test_gate_fails_per_endpoint_policy_while_redis_is_down_and_recovers(own_redis):
    port, procs = own_redis
    state = RedisState(f"redis://127.0.0.1:{port}/0", prefix="cs:loss:", timeout_s=0.1, retry_s=0.2)
    c = TestClient(create_app(Gate(state, flush_every=1)))
    ordinary = {"attempt_id": "s1", "device_id": "phone-1", "ip_prefix": "81.180.1", "country": "RO",
                "email_domain": "gmail.com", "phone_country": "RO"}

    assert c.post("/v1/signup", json=ordinary).json()["decision"] == "allow"
    farm = c.post("/v1/engagement", json={"events": [_farm(i) for i in range(6)]}).json()["decisions"]
    assert farm[-1]["decision"] == "block"

    procs[0].kill()
    procs[0].wait()
    for i in range(20):
        s = c.post("/v1/signup", json={**ordinary, "attempt_id": f"down-{i}"})
        e = c.post("/v1/engagement", json={"events": [_farm(i), {"actor_id": "u", "action": "like", "target_id": "p"}]})
        assert s.status_code == 200 and e.status_code == 200
        assert s.json()["decision"] == "challenge" and s.json()["degraded"] is True  # sign-ups fail closed
        assert s.json()["reasons"] == [{"code": "state_unavailable", "value": True}]
        assert {d["decision"] for d in e.json()["decisions"]} == {"allow"}  # engagement fails open
    assert c.get("/v1/health").status_code == 503

    procs.append(_start(port))  # a fresh Redis: empty, and without the gate's Lua script
    time.sleep(0.25)  # the state's retry pause
    assert c.get("/v1/health").json()["state"] == "ok"
    back = c.post("/v1/signup", json={**ordinary, "attempt_id": "back"}).json()
    assert back["decision"] == "allow" and "degraded" not in back
    farm = c.post("/v1/engagement", json={"events": [_farm(i) for i in range(10, 16)]}).json()["decisions"]
    assert [d["decision"] for d in farm] == ["allow"] * 3 + ["block"] * 3  # windows work again from scratch
    counts = c.get("/v1/counts").json()
    assert counts["engagement:block:enforced"] >= 3 and counts["signup:challenge:enforced"] == 20
