"""The HTTP service in-process: shapes, batching, bad input, shadow, rules reload."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from civicshield.gate import Gate
from civicshield.gate.app import RulesWatcher, create_app
from civicshield.gate.rules import DEFAULT_RULES, load_rules


def client(state, **kw):
    gate = Gate(state, **kw)
    return gate, TestClient(create_app(gate))


def test_signup_answers_a_verdict_with_reasons(state):
    _, c = client(state)
    body = {"attempt_id": "x1", "device_id": "emu", "ip_prefix": "185.2.3", "country": "RO",
            "email_domain": "mailinator.com", "phone_country": "VN"}
    r = c.post("/v1/signup", json=body)
    assert r.status_code == 200
    assert r.json() == {"decision": "challenge", "would": "challenge", "id": "x1",
                        "reasons": [{"code": "disposable_email", "value": True},
                                    {"code": "phone_country_mismatch", "value": True}],
                        "rules_version": load_rules().version}
    last = [c.post("/v1/signup", json={**body, "attempt_id": f"x{i}"}).json() for i in range(2, 6)][-1]
    assert last["decision"] == "block"
    assert {"code": "device_signup_velocity", "value": 5, "limit": 3} in last["reasons"]


def test_engagement_single_and_batch(state):
    _, c = client(state)
    one = c.post("/v1/engagement", json={"actor_id": "a", "action": "like", "target_id": "p"}).json()
    assert one["decision"] == "allow" and one["id"] == "a|like|p"
    numeric = c.post("/v1/engagement", json={"actor_id": 1029, "action": "follow", "target_id": 2044}).json()
    assert numeric["id"] == "1029|follow|2044"  # numeric ids are read as strings, as in the data contract
    events = [{"actor_id": f"f{i}", "action": "follow", "target_id": "cand", "device_id": "farm-phone"}
              for i in range(8)]
    r = c.post("/v1/engagement", json={"events": events}).json()
    assert [d["decision"] for d in r["decisions"]] == ["allow"] * 3 + ["block"] * 5
    assert [d["id"] for d in r["decisions"]] == [f"f{i}|follow|cand" for i in range(8)]


def test_bad_requests_say_which_event_and_field(state):
    _, c = client(state)
    r = c.post("/v1/engagement", json={"events": [{"actor_id": "a", "action": "like", "target_id": "p"},
                                                  {"actor_id": "b", "action": "poke", "target_id": "p"}]})
    assert r.status_code == 400 and r.json()["row"] == 2 and r.json()["column"] == "action"
    r = c.post("/v1/engagement", json={"events": [{"actor_id": "a", "action": "like"}]})
    assert r.status_code == 400 and r.json()["column"] == "target_id"
    r = c.post("/v1/signup", content=b"{not json")
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]
    r = c.post("/v1/signup", json={"device_id": 7.5})
    assert r.status_code == 400 and r.json()["column"] == "device_id"
    r = c.post("/v1/signup", json={"device_id": True})
    assert r.status_code == 400 and r.json()["column"] == "device_id"
    r = c.post("/v1/engagement", json={"events": []})
    assert r.status_code == 400
    assert state.counts() == {}


def test_shadow_mode_over_http_answers_allow(state):
    _, c = client(state, shadow=True)
    events = [{"actor_id": f"f{i}", "action": "like", "target_id": "p", "device_id": "d"} for i in range(6)]
    ds = c.post("/v1/engagement", json={"events": events}).json()["decisions"]
    assert {d["decision"] for d in ds} == {"allow"} and ds[-1]["would"] == "block" and ds[-1]["shadow"] is True


def test_health_and_counts(state):
    gate, c = client(state)
    h = c.get("/v1/health").json()
    assert h["state"] == "ok" and h["mode"] == "enforce" and h["failure"] == {"signup": "challenge", "engagement": "allow"}
    c.post("/v1/engagement", json={"actor_id": "a", "action": "like", "target_id": "p"})
    assert c.get("/v1/counts").json()["engagement:allow:enforced"] == 1


def test_rules_reload_on_change_and_a_broken_edit_keeps_the_old_rules(tmp_path):
    path = tmp_path / "rules.toml"
    text = DEFAULT_RULES.read_text()
    path.write_text(text)
    gate = Gate(rules=load_rules(path))
    w = RulesWatcher(gate, path, every_s=0.0)
    path.write_text(text.replace('version = "2026-11-22.1"', 'version = "v2"').replace("device_max = 3", "device_max = 1"))
    _bump(path)
    w.poll()
    assert gate.rules.version == "v2" and gate.rules["signup.device_max"] == 1
    path.write_text(text.replace("device_max = 3", "device_max = -1"))
    _bump(path)
    w.poll()
    assert gate.rules.version == "v2"


def _bump(path):
    # File systems with coarse timestamps: make the change visible.
    t = time.time() + 2
    import os

    os.utime(path, (t, t))
