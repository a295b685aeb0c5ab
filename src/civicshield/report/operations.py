"""The covert influence operations report: one entry per disrupted network.

A network is a ``coordinated_network`` finding (its evidence carries the
network report row, see ``detect/network/profile.py``); it was disrupted in
the period when the case store holds active bans on its members applied in
the period, and the earliest of those is the disruption date.  Recidivism
findings that share members with the network are its re-emergence attempts.
"""

from __future__ import annotations

import json


def _names(promotes) -> list[str]:
    return [p["name"] if isinstance(p, dict) else str(p) for p in promotes or ()]


def _sentence(e: dict) -> str:
    where = f" operating from {e['operates_from']}" if e["operates_from"] else ""
    target = f", targeting {e['target_country']}" if e["target_country"] else ""
    aims = []
    if e["promotes"]:
        aims.append("attempted to promote " + ", ".join(e["promotes"]))
    if e["narratives"]:
        aims.append("spread narratives tagged " + ", ".join("#" + h for h in e["narratives"]))
    aim = (" that " + " and ".join(aims)) if aims else ""
    return (f"A network of {e['accounts']} accounts{where}{target}, with {e['total_followers']:,} followers in "
            f"total,{aim}; disrupted on {e['disrupted_on']}.")


def operations(events, actions_in_period: list[dict], all_actions: list[dict]) -> list[dict]:
    """Entries for networks with members banned in the period, largest first."""
    bans_in_period: dict[str, dict] = {a["target_id"]: a for a in actions_in_period if a["kind"] == "ban_account"}
    banned_ever = {a["target_id"] for a in all_actions if a["kind"] == "ban_account"}
    recid = [(set(r["account_ids"]), json.loads(r["evidence"] or "{}"))
             for r in events.findings(kind="recidivism").to_pylist()]
    entries = []
    for f in events.findings(kind="coordinated_network").to_pylist():
        members = list(dict.fromkeys(f["account_ids"]))
        hits = [bans_in_period[m] for m in members if m in bans_in_period]
        if not hits:
            continue
        ev = json.loads(f["evidence"] or "{}")
        returning = [(acc & set(members), e) for acc, e in recid if acc & set(members)]
        recidivists = set().union(*(acc for acc, _ in returning)) if returning else set()
        signals = sorted((ev.get("signals") or {}).items(), key=lambda kv: -kv[1])[:3]
        e = {
            "network_id": f["network_id"],
            "accounts": len(members),
            "accounts_removed": len({m for m in members if m in banned_ever}),
            "operates_from": ev.get("operates_from"),
            "target_country": ev.get("target_country"),
            "total_followers": int(ev.get("total_followers") or 0),
            "posts": int(ev.get("posts") or 0),
            "promotes": _names(ev.get("promotes")),
            "narratives": list(ev.get("top_hashtags") or ())[:5],
            "first_activity": ev.get("first_activity"),
            "last_activity": ev.get("last_activity"),
            "disrupted_on": min(a["at"] for a in hits).date().isoformat(),
            "recidivist_accounts_removed": len(recidivists & banned_ever),
            "returning_from": sorted({e_.get("ban_reason") for _, e_ in returning if e_.get("ban_reason")}),
            "detection": (f"automated detection by {f['detector']} (score {f['score']:.2f})"
                          + (": " + ", ".join(f"{k} {v:.2f}" for k, v in signals) if signals else "")),
            "automated_decision": all(a["automated_decision"] for a in hits),
            "member_ids": members,
        }
        e["summary"] = _sentence(e)
        entries.append(e)
    entries.sort(key=lambda e: (-e["accounts"], e["network_id"]))
    return entries


def reemergence(events, all_actions: list[dict]) -> list[dict]:
    """One row per returning group (a recidivism finding): what it returns,
    how many accounts tried, how many are banned now."""
    banned = {a["target_id"] for a in all_actions if a["kind"] == "ban_account"}
    rows = []
    for r in events.findings(kind="recidivism").to_pylist():
        ev = json.loads(r["evidence"] or "{}")
        accounts = set(r["account_ids"])
        rows.append({"group": r["network_id"] or r["finding_id"], "returns": ev.get("ban_reason"),
                     "accounts": len(accounts), "accounts_removed": len(accounts & banned),
                     "linked_banned_accounts": ev.get("banned_accounts_linked"),
                     "first_seen": r["first_seen"].isoformat() if r["first_seen"] else None})
    rows.sort(key=lambda x: (-x["accounts"], x["group"]))
    return rows


def recidivists_removed(events, all_actions: list[dict]) -> int:
    """Accounts named by any recidivism finding that are under an active ban."""
    banned = {a["target_id"] for a in all_actions if a["kind"] == "ban_account"}
    named = {a for r in events.findings(kind="recidivism").to_pylist() for a in r["account_ids"]}
    return len(named & banned)
