"""The gate end to end on planted operations and their organic look-alikes,
against both the in-process and the Redis state."""

from __future__ import annotations

import logging
import random

from civicshield.gate import Gate

from . import scenes


def run_engagements(gate, stream, batch=20):
    verdicts = {}
    for i in range(0, len(stream), batch):
        chunk = stream[i:i + batch]
        for e, v in zip(chunk, gate.engagements(chunk), strict=True):
            verdicts.setdefault(e.actor_id.rsplit("-", 1)[0], []).append(v)
    return verdicts


def stopped(vs):
    return sum(v.stopped for v in vs) / len(vs)


def test_spam_wave_is_stopped_and_the_campus_nat_beside_it_passes(state):
    rnd = random.Random(1)
    g = Gate(state)
    stream = scenes.mix(scenes.campus_signups(rnd), scenes.spam_signups(rnd))
    verdicts = {s.attempt_id: g.signup(s) for s in stream}
    campus = [v for k, v in verdicts.items() if k.startswith("campus")]
    spam = [v for k, v in verdicts.items() if k.startswith("spam")]
    assert stopped(campus) == 0
    assert stopped(spam) >= 0.8
    codes = {r.code for v in spam for r in v.reasons}
    assert {"device_signup_velocity", "prefix_flagged_velocity"} <= codes


def test_phone_and_proxy_farms_are_stopped_viral_moment_fan_club_and_family_pass(state):
    rnd = random.Random(2)
    g = Gate(state)
    stream = scenes.mix(scenes.viral_likes(rnd), scenes.fan_club(rnd), scenes.family_tablet(rnd),
                        scenes.phone_farm(rnd), scenes.proxy_follow_farm(rnd))
    by = run_engagements(g, stream)
    for organic in ("fan", "club", "family"):
        assert stopped(by[organic]) == 0, organic
    assert stopped(by["farm"]) >= 0.8
    assert stopped(by["proxy"]) >= 0.8
    farm_codes = {r.code for v in by["farm"] for r in v.reasons}
    assert "device_many_accounts" in farm_codes or "target_device_accounts" in farm_codes
    assert "target_prefix_share" in {r.code for v in by["proxy"] for r in v.reasons}


def test_blocked_devices_earn_strikes_and_are_then_blocked_outright(state):
    rnd = random.Random(3)
    g = Gate(state)
    run_engagements(g, scenes.phone_farm(rnd, accounts=20, devices=2, targets=3))
    from civicshield.gate.model import Engagement

    # A brand-new account on a struck device, acting alone on a fresh target, is still blocked.
    v = g.engagement(Engagement(at=scenes.T0 + 5000, actor_id="new", action="like", target_id="x",
                                device_id="farm-dev-0"))
    assert v.decision == "block" and [r.code for r in v.reasons] == ["device_reputation"]


def test_confirmed_accounts_from_batch_are_blocked(state):
    from civicshield.gate.model import Engagement

    g = Gate(state)
    state.confirm("account", ["troll-1"])
    e = Engagement(at=scenes.T0, actor_id="troll-1", action="share", target_id="p")
    assert g.engagement(e).to_dict()["reasons"] == [{"code": "confirmed_account", "value": True}]
    assert g.engagement(Engagement(at=scenes.T0, actor_id="someone", action="share", target_id="p")).decision == "allow"


def test_shadow_mode_answers_allow_logs_and_counts_what_it_would_have_done(state, caplog):
    rnd = random.Random(4)
    g = Gate(state, shadow=True)
    with caplog.at_level(logging.INFO, logger="civicshield.gate.decisions"):
        verdicts = [g.signup(s) for s in scenes.spam_signups(rnd, n=30)]
    g.flush()
    assert all(v.decision == "allow" and v.shadow for v in verdicts)
    would = sum(v.would != "allow" for v in verdicts)
    assert would >= 20
    assert len([r for r in caplog.records if '"shadow": true' in r.getMessage()]) == would
    counts = state.counts()
    assert counts.get("signup:block:shadow", 0) + counts.get("signup:challenge:shadow", 0) == would
    assert not any(k.endswith(":enforced") and not k.startswith("signup:allow") for k in counts)


def test_decision_counts_reach_the_state_on_flush(state):
    g = Gate(state, flush_every=10_000)
    rnd = random.Random(5)
    vs = [g.signup(s) for s in scenes.spam_signups(rnd, n=20)]
    assert state.counts() == {}
    g.flush()
    c = state.counts()
    assert sum(v for k, v in c.items() if k.startswith("signup:") and ":reason:" not in k) == 20
    assert c.get("signup:block:enforced", 0) == sum(v.decision == "block" for v in vs)


def test_every_reason_the_gate_gives_is_a_declared_code(state):
    from civicshield.gate.decide import REASON_CODES

    rnd = random.Random(6)
    g = Gate(state)
    verdicts = [g.signup(s) for s in scenes.mix(scenes.campus_signups(rnd, n=50), scenes.spam_signups(rnd))]
    verdicts += g.engagements(scenes.mix(scenes.phone_farm(rnd), scenes.proxy_follow_farm(rnd)))
    codes = {r.code for v in verdicts for r in v.reasons}
    assert len(codes) >= 5 and codes <= set(REASON_CODES)


def test_gate_processes_sharing_one_redis_share_their_state(redis_state):
    from civicshield.gate.redis_state import RedisState

    other = RedisState(redis_state.url, prefix=redis_state.prefix, timeout_s=1.0)
    a, b = Gate(redis_state), Gate(other)
    farm = scenes.phone_farm(random.Random(7), accounts=12, devices=1, targets=1)
    # Alternate the farm's actions between two gate processes: the device window is one.
    verdicts = [(a if i % 2 else b).engagement(e) for i, e in enumerate(farm)]
    assert [v.decision for v in verdicts[:3]] == ["allow"] * 3
    assert all(v.decision == "block" for v in verdicts[5:])
