"""Organic explanations for a dense group of engaging accounts.

A fan club whose members get notifications likes every official post of its
candidate within minutes: as dense as a farm.  Two things tell them apart in
the real world: a farm sells to many clients (its targets belong to many
owners) and runs on shared kit (devices, a few non-NAT connections), while
fans like one owner's posts from their own phones.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa


def owner_shares(ctx, groups: list[set[str]]) -> list[float]:
    """For each group of engagement targets (``action|target_id``), the share
    that belongs to its single largest owner: the posting account for posts,
    the account itself for follows."""
    targets = sorted({t for g in groups for t in g})
    owner: dict[str, str] = {}
    post_ids = [t.split("|", 1)[1] for t in targets if not t.startswith("follow|")]
    if post_ids and ctx.has("posts"):
        with ctx.views(_targets=pa.table({"post_id": sorted(set(post_ids))})):
            for r in ctx.query("SELECT p.post_id, p.account_id FROM posts p JOIN _targets t ON t.post_id = p.post_id").to_pylist():
                owner[r["post_id"]] = r["account_id"]
    out = []
    for g in groups:
        owners = Counter()
        for t in g:
            action, tid = t.split("|", 1)
            owners[tid if action == "follow" else owner.get(tid, f"?{tid}")] += 1
        out.append(max(owners.values()) / len(g) if g else 0.0)
    return out


def tie_shares(ctx, groups: list[set[str]], nat_devices: int) -> list[float]:
    """For each group of accounts, the share that shares a device, or an IP
    prefix that is not a NAT (fewer than ``nat_devices`` distinct devices seen
    behind it), with another member, in logins or engagements."""
    parts = []
    if ctx.has("logins"):
        parts.append("SELECT account_id, device_id, ip_prefix FROM logins")
    parts.append("SELECT actor_id AS account_id, device_id, ip_prefix FROM engagements")
    src = " UNION ALL ".join(parts)
    members = sorted({a for g in groups for a in g})
    with ctx.views(_members=pa.table({"account_id": members})):
        rows = ctx.query(f"""
WITH src AS ({src}),
nat AS (SELECT ip_prefix FROM src WHERE ip_prefix IS NOT NULL GROUP BY ip_prefix
        HAVING COUNT(DISTINCT device_id) >= {int(nat_devices)})
SELECT DISTINCT s.account_id, s.device_id,
       CASE WHEN n.ip_prefix IS NULL THEN s.ip_prefix ELSE NULL END AS ip_prefix
FROM src s JOIN _members m ON m.account_id = s.account_id
LEFT JOIN nat n ON n.ip_prefix = s.ip_prefix
""").to_pylist()
    kit: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in rows:
        if r["device_id"]:
            kit[r["account_id"]].add(("device", r["device_id"]))
        if r["ip_prefix"]:
            kit[r["account_id"]].add(("prefix", r["ip_prefix"]))
    out = []
    for g in groups:
        holders: dict[tuple[str, str], int] = Counter(k for a in g for k in kit.get(a, ()))
        tied = sum(1 for a in g if any(holders[k] > 1 for k in kit.get(a, ())))
        out.append(tied / len(g) if g else 0.0)
    return out
