"""The network of one case as nodes and edges for the console's graph.

Nodes: the case's accounts, the hashtags their posts share, and each
finding.  Edges: account -> finding (flagged together), account -> hashtag
(used it), actor -> account (liked, shared... the account's post, or followed it).  Hashtags used
by only one account are left out: they connect nothing.  ``max_nodes``
keeps very large networks drawable (the page says when it cut).
"""

from __future__ import annotations

from collections import defaultdict


def case_graph(members: list[dict], accounts: list[dict], posts: list[dict], max_nodes: int = 400) -> dict:
    author = {p["post_id"]: p["account_id"] for p in posts if p.get("account_id")}
    label = {a["account_id"]: a.get("handle") or a["account_id"] for a in accounts}
    nodes: dict[str, dict] = {}
    edges: set[tuple[str, str, str]] = set()

    def node(nid: str, kind: str, text: str) -> None:
        nodes.setdefault(nid, {"id": nid, "kind": kind, "label": str(text)[:60]})

    for f in members:
        if f["withdrawn"]:
            continue
        fid = f"finding:{f['finding_id']}"
        node(fid, "finding", f["network_id"] or f["kind"])
        for a in f["account_ids"]:
            node(f"account:{a}", "account", label.get(a, a))
            edges.add((f"account:{a}", fid, "flagged"))
        for key in f["engagements"]:
            actor, action, target = (str(key).split("|") + ["", ""])[:3]
            other = author.get(target) or (target if action == "follow" else None)
            if actor and other and other != actor:
                node(f"account:{actor}", "account", label.get(actor, actor))
                node(f"account:{other}", "account", label.get(other, other))
                edges.add((f"account:{actor}", f"account:{other}", action or "engaged"))
    users_of: dict[str, set[str]] = defaultdict(set)
    for p in posts:
        for h in p.get("hashtags") or ():
            users_of[str(h)].add(p["account_id"])
    for h, who in users_of.items():
        if len(who) > 1:
            node(f"hashtag:{h}", "hashtag", f"#{h}")
            for a in who:
                node(f"account:{a}", "account", label.get(a, a))
                edges.add((f"account:{a}", f"hashtag:{h}", "used"))
    kept = dict(list(nodes.items())[:max_nodes])
    return {
        "nodes": list(kept.values()),
        "edges": [{"source": s, "target": t, "kind": k} for s, t, k in sorted(edges) if s in kept and t in kept],
        "truncated": len(nodes) > len(kept),
    }
