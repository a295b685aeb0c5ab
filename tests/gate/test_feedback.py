"""Feedback: confirmed accounts (and only their own devices and prefixes) reach
the gate; reinstated ones leave it; decision counters become transparency figures."""

from __future__ import annotations

import datetime as dt

from civicshield.gate import Gate
from civicshield.gate.feedback import Confirmed, footprint, sync, sync_from_cases, transparency_figures
from civicshield.gate.model import Engagement
from civicshield.gate.rules import DEFAULT_RULES, load_rules

T = dt.datetime(2024, 11, 20, 12, 0, 0)


def _login(acc, dev, pfx, minutes=0):
    return {"account_id": acc, "created_at": T + dt.timedelta(minutes=minutes), "device_id": dev, "ip_prefix": pfx}


def _world(make_workspace):
    farm = [f"farm-{i}" for i in range(6)]
    logins = [_login(a, f"farm-phone-{i % 2}", "45.140.7", i) for i, a in enumerate(farm)]
    logins += [_login("farm-5", "family-tablet", "86.120.4")]  # one farm account also used a shared tablet
    logins += [_login("mum", "family-tablet", "86.120.4")]
    # A campus NAT: 30 students and one farm account behind it.
    logins += [_login(f"student-{i}", f"sdev-{i}", "81.180.1", i) for i in range(30)]
    logins += [_login("farm-0", "farm-phone-0", "81.180.1")]
    return farm, make_workspace(logins=logins, engagements=[
        {"actor_id": "farm-1", "action": "like", "target_id": "p", "created_at": T, "device_id": "farm-phone-1",
         "ip_prefix": "45.140.7"}])


def test_footprint_keeps_devices_and_prefixes_that_are_the_farms_own(make_workspace):
    farm, ws = _world(make_workspace)
    c = footprint(ws, farm)
    assert c.accounts == frozenset(farm)
    assert c.devices == {"farm-phone-0", "farm-phone-1"}  # not the family tablet
    assert c.prefixes == {"45.140.7"}  # not the campus NAT, not the family's home prefix


def test_a_home_prefix_one_farm_account_used_is_not_the_farms(make_workspace, tmp_path):
    # A drip-feed farm exits through residential proxies: each account on someone's home line.
    drip = [f"drip-{i}" for i in range(5)]
    logins = [_login(a, f"drip-phone-{i}", f"86.12{i}.9", i) for i, a in enumerate(drip)]
    logins += [_login(a, "emu", "45.140.7", i) for i, a in enumerate(drip[:3])]  # three share the farm's proxy
    ws = make_workspace(logins=logins)
    c = footprint(ws, drip)
    assert c.devices == {f"drip-phone-{i}" for i in range(5)} | {"emu"}
    assert c.prefixes == {"45.140.7"}  # a neighbour signing up from 86.120.9 next is not challenged for it
    # The threshold is data in the rules file.
    loose = tmp_path / "rules.toml"
    loose.write_text(DEFAULT_RULES.read_text().replace("prefix_min_accounts = 3", "prefix_min_accounts = 1"))
    assert footprint(ws, drip, load_rules(loose)).prefixes == {"45.140.7"} | {f"86.12{i}.9" for i in range(5)}


def test_sync_adds_then_drops_reinstated_and_the_gate_uses_it(make_workspace, state):
    farm, ws = _world(make_workspace)
    s = sync(state, footprint(ws, farm))
    assert s.added == {"account": 6, "device": 2, "prefix": 1} and s.removed == {"account": 0, "device": 0, "prefix": 0}
    g = Gate(state)
    # A fresh account on a confirmed farm phone, and a confirmed account on a fresh phone: both blocked.
    v1 = g.engagement(Engagement(at=1.0, actor_id="new", action="like", target_id="x", device_id="farm-phone-0"))
    v2 = g.engagement(Engagement(at=1.0, actor_id="farm-3", action="like", target_id="y", device_id="new-phone"))
    v3 = g.engagement(Engagement(at=1.0, actor_id="student-1", action="like", target_id="x", device_id="sdev-1",
                                 ip_prefix="81.180.1"))
    assert (v1.decision, v2.decision, v3.decision) == ("block", "block", "allow")
    # Appeal: farm-3 reinstated, the phones turn out to be shared after all.
    s = sync(state, Confirmed(frozenset(farm) - {"farm-3"}))
    assert s.removed == {"account": 1, "device": 2, "prefix": 1}
    assert state.members("account") == set(farm) - {"farm-3"}


def test_transparency_figures_split_prevented_from_shadow(state):
    state.add_counts({"engagement:block:enforced": 7, "engagement:challenge:enforced": 2,
                      "engagement:allow:enforced": 90, "signup:block:shadow": 3, "signup:allow:shadow": 10,
                      "engagement:reason:device_many_accounts": 7})
    f = transparency_figures(state)
    assert f["prevented"] == {"engagement": 9}
    assert f["shadow_would_have_stopped"] == {"signup": 3}
    assert f["decided"] == {"engagement": 99, "signup": 13}


def test_sync_from_the_case_store_takes_active_bans_only(tmp_path):
    from civicshield.cases.db import CaseStore
    from civicshield.gate.state import MemoryState

    store = CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite'}")
    ban(store, ["farm-1"], reversed_=["farm-2"], stripped=["farm-1|like|p"])
    st = MemoryState()
    assert sync_from_cases(st, store).added["account"] == 1
    assert st.members("account") == {"farm-1"}
    assert transparency_figures(st, store)["removed"] == {"engagement": 1, "account": 1}


def ban(store, accounts, reversed_=(), stripped=()):
    """Write a confirmed case with its actions straight into a real case store."""
    from civicshield.cases.models import Action, Case

    with store.session() as s:
        case = Case(queue="engagement", kind="fake_engagement", kinds=["fake_engagement"], version=1)
        s.add(case)
        s.flush()
        common = dict(case_id=case.id, finding_kind="fake_engagement", automated_detection=True,
                      automated_decision=False, actor="reviewer")
        s.add_all([Action(kind="ban_account", target_type="account", target_id=a, **common) for a in accounts]
                  + [Action(kind="ban_account", target_type="account", target_id=a, status="reversed", **common)
                     for a in reversed_]
                  + [Action(kind="strip_engagement", target_type="engagement", target_id=e, **common) for e in stripped])
        s.commit()
