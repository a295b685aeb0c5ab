"""Feedback between batch detection and the gate.

* Confirmed cases push their accounts into the gate's state, together with
  the devices and IP prefixes those accounts used, but only the ones that
  are *theirs*: a device any other account used, or a prefix where confirmed
  accounts are fewer than ``feedback.prefix_share`` of the accounts seen (a carrier or
  campus NAT), is left out, so feedback cannot turn a shared NAT into a
  blocklist.  A prefix also needs ``feedback.prefix_min_accounts`` confirmed accounts:
  residential proxies exit through real people's home lines, so the home
  prefix one farm account used says nothing about the neighbours who sign
  up from it next; a prefix several farm accounts share is the farm's own.  Reinstated accounts (appeals) leave the state on the next sync.
* The gate's decision counters give the transparency figures: what the gate
  *prevented* (challenged or blocked at write time) next to what the case
  process *removed* afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

from civicshield.gate.rules import Rules, load_rules
from civicshield.gate.state import GateState
from civicshield.workspace import Workspace

_SEEN = {
    "logins": "SELECT account_id AS acc, device_id, ip_prefix FROM logins",
    "engagements": "SELECT actor_id AS acc, device_id, ip_prefix FROM engagements",
    "signups": "SELECT account_id AS acc, device_id, ip_prefix FROM signups WHERE coalesce(account_id, '') <> ''",
}


@dataclass(frozen=True)
class Confirmed:
    accounts: frozenset[str]
    devices: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SyncSummary:
    added: dict[str, int]
    removed: dict[str, int]


def footprint(ws: Workspace, accounts: Iterable[str], rules: Rules | None = None) -> Confirmed:
    """The confirmed accounts with the devices and prefixes only they use (see
    module doc), under the ``[feedback]`` thresholds of ``rules`` (the shipped
    rules by default)."""
    with ws.events(read_only=True) as store:
        return footprint_in(store, accounts, rules)


def footprint_in(store, accounts: Iterable[str], rules: Rules | None = None) -> Confirmed:
    """``footprint`` on an open event store."""
    v = (rules or load_rules()).values
    prefix_share, prefix_min_accounts = v["feedback.prefix_share"], v["feedback.prefix_min_accounts"]
    accs = frozenset(a for a in accounts if a)
    if not accs:
        return Confirmed(accs)
    parts = [sql for t, sql in _SEEN.items() if store.has(t)]
    if not parts:
        return Confirmed(accs)
    store.con.register("_confirmed", pa.table({"acc": sorted(accs)}))
    try:
        seen = " UNION ALL ".join(parts)

        def owned(col: str, share: float, least: int = 1) -> frozenset[str]:
            rows = store.rows(
                f"""SELECT {col}, count(DISTINCT acc) FILTER (WHERE acc IN (SELECT acc FROM _confirmed)) AS c,
                           count(DISTINCT acc) AS n
                    FROM ({seen}) WHERE coalesce({col}, '') <> '' GROUP BY {col}"""
            )
            return frozenset(k for k, c, n in rows if c >= least and c / n >= share)

        return Confirmed(accs, owned("device_id", 1.0), owned("ip_prefix", prefix_share, prefix_min_accounts))
    finally:
        store.con.unregister("_confirmed")


def sync(state: GateState, confirmed: Confirmed) -> SyncSummary:
    """Make the state's confirmed sets equal ``confirmed`` (adds new, drops reinstated)."""
    added, removed = {}, {}
    for kind, want in (("account", confirmed.accounts), ("device", confirmed.devices), ("prefix", confirmed.prefixes)):
        have = state.members(kind)
        added[kind] = state.confirm(kind, sorted(want - have))
        removed[kind] = state.unconfirm(kind, sorted(have - want))
    return SyncSummary(added, removed)


def banned_accounts(case_store) -> set[str]:
    """Accounts under an active ban in the case store."""
    from civicshield.cases.enforce import active_actions

    return {a["target_id"] for a in active_actions(case_store, "ban_account") if a["target_type"] == "account"}


def sync_from_cases(state: GateState, case_store, ws: Workspace | None = None, rules: Rules | None = None) -> SyncSummary:
    """Push the case store's banned accounts (and, with the workspace, their own
    devices and prefixes) into the gate's state."""
    accs = banned_accounts(case_store)
    return sync(state, footprint(ws, accs, rules) if ws is not None else Confirmed(frozenset(accs)))


def transparency_figures(state: GateState, case_store=None) -> dict:
    """Prevented at write time (enforced challenges and blocks, per endpoint)
    next to removed afterwards (engagements stripped and accounts banned by cases)."""
    counts = state.counts()
    fig: dict = {"prevented": {}, "shadow_would_have_stopped": {}, "decided": {}}
    for key, n in counts.items():
        endpoint, what, mode = key.split(":", 2)
        if what == "reason":
            continue
        fig["decided"][endpoint] = fig["decided"].get(endpoint, 0) + n
        if what != "allow":
            bucket = "prevented" if mode == "enforced" else "shadow_would_have_stopped"
            fig[bucket][endpoint] = fig[bucket].get(endpoint, 0) + n
    if case_store is not None:
        from civicshield.cases.enforce import stripped_engagements

        fig["removed"] = {"engagement": len(stripped_engagements(case_store)), "account": len(banned_accounts(case_store))}
    return fig


def sync_workspace(ws: Workspace, state: GateState, db_url: str | None = None,
                   rules: Rules | None = None) -> tuple[SyncSummary, dict]:
    """``civicshield gate sync``: push the workspace's confirmed cases into the
    gate's state and return the transparency figures that follow."""
    from civicshield.cases import open_case_store

    store = open_case_store(ws, db_url)
    try:
        summary = sync_from_cases(state, store, ws if ws.events_path.exists() else None, rules)
        return summary, transparency_figures(state, store)
    finally:
        store.close()
