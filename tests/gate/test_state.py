"""The in-process and the Redis state: same primitives, same answers."""

from __future__ import annotations

import random

import pytest

from civicshield.gate.model import Engagement, Signup
from civicshield.gate.redis_state import RedisState
from civicshield.gate.rules import load_rules
from civicshield.gate.state import MemoryState, Op, facts_engagement, plan_engagement

R = load_rules()


def test_window_counts_expire_and_keep_a_members_latest_time(state):
    w = lambda t, m: state.run([Op("w", "k", t, 10, m)])[0]  # noqa: E731
    # Window 10 s: a member leaves once its latest time is at or before now - 10.
    assert [w(0, "a"), w(1, "b"), w(2, "a")] == [1, 2, 2]  # a re-seen: counted once, now at t=2
    assert w(10.5, "c") == 3  # cutoff 0.5: nothing leaves
    assert w(11, "d") == 3  # cutoff 1: b leaves
    assert w(12, "e") == 3  # cutoff 2: a (latest 2) leaves
    assert w(5, "e") == 3  # a late event never moves e back to an earlier time...
    assert w(21.9, "x") == 2  # ...so at cutoff 11.9 e (12) stays while c and d leave
    assert w(22.5, "y") == 2  # cutoff 12.5: e leaves


def test_count_reads_a_shorter_window_of_the_same_key(state):
    # One account's burst and long rates come from one window read twice.
    for t in (0.0, 1.0, 5.5, 9.0):
        state.run([Op("w", "a", t, 60, f"m{t}")])
    counts = state.run([Op("c", "a", 9.0, 4), Op("c", "a", 9.0, 8), Op("c", "a", 9.0, 8.5), Op("c", "a", 9.0, 60),
                        Op("c", "nope", 9.0, 60)])
    assert counts == [2, 2, 3, 4, 0]  # the cutoff is exclusive, as for windows: at 9 - 8 = 1, m1.0 is out
    assert state.run([Op("c", "a", 1732000009.123457, 3.123456)]) == [0]  # big times keep their precision
    state.run([Op("w", "b", 1732000005.5, 60, "x")])
    assert state.run([Op("c", "b", 1732000009.25, 3.75), Op("c", "b", 1732000009.25, 3.750001)]) == [0, 1]


def test_sets_ints_and_missing_values(state):
    member, strikes, skipped = state.run([Op("s", "c:account", member="a1"), Op("g", "k:d1"), None])
    assert (bool(member), strikes, skipped) == (False, 0, None)
    assert state.confirm("account", ["a1", "a2", ""]) == 2
    assert state.confirm("account", ["a2"]) == 0
    assert bool(state.run([Op("s", "c:account", member="a1")])[0])
    assert state.run([Op("i", "k:d1", window=60, member="2"), Op("i", "k:d1", window=60, member="1")]) == [2, 3]
    assert state.run([Op("g", "k:d1")]) == [3]
    assert state.unconfirm("account", ["a1"]) == 1
    assert not state.run([Op("s", "c:account", member="a1")])[0]


def test_decision_counts_accumulate(state):
    state.add_counts({"signup:block:enforced": 2})
    state.add_counts({"signup:block:enforced": 1, "engagement:allow:enforced": 5})
    assert state.counts() == {"signup:block:enforced": 3, "engagement:allow:enforced": 5}


def _events(seed: int, n: int) -> list[Engagement]:
    rnd = random.Random(seed)
    evs, t = [], 1_700_000_000.0
    for _ in range(n):
        t += rnd.expovariate(5.0)
        a = rnd.randrange(60)
        evs.append(Engagement(at=t, actor_id=f"a{a}", action=rnd.choice(["like", "follow"]),
                              target_id=f"p{rnd.randrange(8)}", device_id=f"d{a // rnd.choice([1, 6])}",
                              ip_prefix=f"10.0.{a % 5}" if rnd.random() < 0.9 else ""))
    return evs


def test_memory_and_redis_give_identical_facts_on_one_event_stream(redis_state):
    mem = MemoryState()
    mem.confirm("account", ["a3"])
    redis_state.confirm("account", ["a3"])
    evs = _events(5, 600)
    got = {}
    for name, st in (("memory", mem), ("redis", redis_state)):
        facts = []
        for i in range(0, len(evs), 25):  # batches, as the HTTP endpoint sends them
            plans = [plan_engagement(e, R) for e in evs[i:i + 25]]
            vals = st.run([op for p in plans for op in p])
            w = len(plans[0])
            facts += [facts_engagement(vals[j * w:(j + 1) * w]) for j in range(len(plans))]
        got[name] = facts
    assert got["memory"] == got["redis"]
    assert any(f.target_device_actors > 1 for f in got["memory"])  # the stream exercised the windows
    assert sum(f.actor_confirmed for f in got["memory"]) > 0


def test_redis_state_keys_carry_the_prefix_and_expire(redis_state: RedisState):
    redis_state.run([Op("w", "k", 1.0, 30, "m")])
    keys = list(redis_state.r.scan_iter(match=redis_state.prefix + "*"))
    assert keys == [(redis_state.prefix + "k").encode()]
    assert 0 < redis_state.r.pttl(keys[0]) <= 90_000


def test_memory_state_sweeps_idle_windows():
    st = MemoryState()
    st.SWEEP_EVERY = 10
    st.run([Op("w", f"old{i}", 0.0, 5, "m") for i in range(5)])
    st.run([Op("w", "new", 100.0, 5, "m")] * 6)
    assert set(st._windows) == {"new"}


def test_signup_plan_skips_signals_that_are_absent():
    from civicshield.gate.state import plan_signup

    ops = plan_signup(Signup(at=1.0), (), R)
    assert all(op is None for op in ops)


def test_ids_with_tabs_and_newlines_do_not_break_the_redis_wire_format(redis_state):
    ops = [Op("w", "k\tx", 1.0, 30, "a\nb"), Op("w", "k\tx", 2.0, 30, "c"), Op("s", "c:account", member="z\t")]
    assert redis_state.run(ops)[:2] == [1, 2]


def _rules_with(**values):
    import tomllib

    from civicshield.gate.rules import DEFAULT_RULES, parse_rules

    doc = tomllib.loads(DEFAULT_RULES.read_text())
    for key, v in values.items():
        section, name = key.split(".")
        doc[section][name] = v
    return parse_rules(doc)


@pytest.mark.parametrize("windows", [{}, {"engagement.actor_burst_window_s": 600, "engagement.actor_long_window_s": 120}],
                         ids=["long-window-longer", "burst-window-longer"])
def test_the_services_async_path_on_redis_decides_as_the_sync_path_in_memory(redis_state, windows):
    """The HTTP service decides engagements through ``aengagements`` (an awaited
    Redis round trip); replays and tests through ``engagements``.  One stream,
    both paths: the same verdicts, whichever of the actor's two windows is longer."""
    import asyncio

    from civicshield.gate import Gate

    rules = _rules_with(**windows, **{"engagement.actor_burst_max": 4, "engagement.actor_long_max": 6})
    evs = _events(9, 500)
    sync_gate, async_gate = Gate(MemoryState(), rules), Gate(redis_state, rules)

    async def decide_all():
        return [v for i in range(0, len(evs), 10) for v in await async_gate.aengagements(evs[i:i + 10])]

    want = [v for i in range(0, len(evs), 10) for v in sync_gate.engagements(evs[i:i + 10])]
    got = asyncio.run(decide_all())
    assert [(v.decision, v.reasons) for v in got] == [(v.decision, v.reasons) for v in want]
    codes = {r.code for v in want for r in v.reasons}
    assert {"actor_velocity_burst", "actor_velocity_long"} <= codes  # both actor windows were exercised


@pytest.mark.parametrize("burst,long", [(60, 3600), (600, 120), (300, 300)])
def test_actor_counts_are_the_actors_actions_in_each_window(state, burst, long):
    """The window op's own count stands in for the longer of the two actor
    windows; checked against counting the stream by hand."""
    rules = _rules_with(**{"engagement.actor_burst_window_s": burst, "engagement.actor_long_window_s": long})
    evs = _events(4, 400)
    facts = []
    for i in range(0, len(evs), 10):
        plans = [plan_engagement(e, rules) for e in evs[i:i + 10]]
        vals = state.run([op for p in plans for op in p])
        w = len(plans[0])
        facts += [facts_engagement(vals[j * w:(j + 1) * w]) for j in range(len(plans))]

    def by_hand(i, window):
        e = evs[i]
        return sum(1 for x in evs[:i + 1] if x.actor_id == e.actor_id and x.at > e.at - window)

    assert [f.actor_burst for f in facts] == [by_hand(i, burst) for i in range(len(evs))]
    assert [f.actor_long for f in facts] == [by_hand(i, long) for i in range(len(evs))]
