"""Networks found by the detectors, as GraphML or GEXF (for Gephi).

Nodes are the accounts of the workspace's findings of one kind, with their
account fields, the network they belong to, and their highest score per
finding kind.  For ``coordinated_network`` findings the edges are
recomputed from the posts of the members: the coordination detector keeps
no edge list, so the export re-runs its public key extraction
(``keys.extract_keys``) and pair projection (``projection.pair_events_sql``)
over the members only, with no thresholds, and keeps pairs inside one
network.  Edge attributes: ``weight`` (distinct co-action events),
``cells`` (co-actions), ``keys`` (the most shared keys), ``min_gap_s`` and
``median_gap_s`` (seconds between the two accounts' posts), first and last
co-action.  Other finding kinds give nodes only.  Writers are networkx's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import networkx as nx
import pyarrow as pa

from civicshield.contract import FINDING_KINDS
from civicshield.detect.network.coordination import PARAMS as COORDINATION_PARAMS
from civicshield.detect.network.keys import KEY_KINDS, extract_keys
from civicshield.detect.network.projection import KEYS_VIEW, pair_events_sql
from civicshield.errors import CivicshieldError
from civicshield.workspace import Workspace

FORMATS = ("graphml", "gexf")
_DEFAULTS = {p.name: p.default for p in COORDINATION_PARAMS}
_MEMBERS = "cs_export_members"
_ACCOUNT_FIELDS = ("handle", "display_name", "created_at", "registration_country", "language", "verified",
                   "account_type", "follower_count", "following_count", "status")


@dataclass(frozen=True)
class GraphExport:
    path: Path
    nodes: int
    edges: int
    networks: int


def _nodes(store, found: list[dict]) -> tuple[nx.Graph, dict[str, str]]:
    g = nx.Graph()
    net_of: dict[str, str] = {}
    for f in sorted(found, key=lambda f: -f["score"]):  # an account in two networks keeps the stronger one
        for a in f["account_ids"] or []:
            net_of.setdefault(a, f["network_id"] or f["finding_id"])
    if not net_of:
        return g, net_of
    store.con.register(_MEMBERS, pa.table({"account_id": sorted(net_of)}))
    try:
        accounts = {r["account_id"]: r for r in store.query(
            f"SELECT a.* FROM accounts a JOIN {_MEMBERS} m ON a.account_id = m.account_id").to_pylist()} \
            if store.has("accounts") else {}
        scores = store.query(
            f"SELECT m.account_id, f.kind, MAX(f.score) AS score FROM findings f, UNNEST(f.account_ids) AS u(account_id) "
            f"JOIN {_MEMBERS} m ON u.account_id = m.account_id GROUP BY m.account_id, f.kind").to_pylist()
    finally:
        store.con.unregister(_MEMBERS)
    for a, net in net_of.items():
        attrs = {"network_id": net}
        for k in _ACCOUNT_FIELDS:
            v = accounts.get(a, {}).get(k)
            if v is not None:  # neither format has a null: a missing attribute is left out
                attrs[k] = v.isoformat() if hasattr(v, "isoformat") else v
        g.add_node(a, **attrs)
    for s in scores:
        g.nodes[s["account_id"]][f"score_{s['kind']}"] = float(s["score"])
    return g, net_of


def _coaction_edges(store, g: nx.Graph, net_of: dict[str, str], window: int) -> None:
    store.con.register(_MEMBERS, pa.table({"account_id": sorted(net_of)}))
    try:
        posts = store.query(f"SELECT p.post_id, p.account_id, p.created_at, p.text, p.hashtags, p.urls, p.mentions, "
                            f"p.audio_id FROM posts p JOIN {_MEMBERS} m ON p.account_id = m.account_id")
    finally:
        store.con.unregister(_MEMBERS)
    keys = extract_keys(posts, KEY_KINDS, _DEFAULTS["min_text_words"], _DEFAULTS["near_threshold"])
    if keys.num_rows == 0:
        return
    plain = pa.table({c: keys.column(c).cast(pa.string()) for c in ("account_id", "kind", "key")} | {"ts": keys.column("ts")})
    store.con.register(KEYS_VIEW, plain)
    try:
        big = 1 << 40  # no thresholds: every co-action among members is an edge statistic
        pe = store.query(pair_events_sql(window, _DEFAULTS["event_seconds"], big, 1, 1, big)).to_pylist()
    finally:
        store.con.unregister(KEYS_VIEW)
    by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in pe:
        if net_of.get(r["u"]) == net_of.get(r["v"]):
            by_pair[(r["u"], r["v"])].append(r)
    for (u, v), rows in sorted(by_pair.items()):
        gaps = [float(r["dt"]) for r in rows]
        top = Counter(f"{r['kind']}:{r['key']}" for r in rows).most_common(5)
        g.add_edge(u, v, weight=len({r["ev"] for r in rows}), cells=len(rows), keys="; ".join(k for k, _ in top),
                   min_gap_s=min(gaps), median_gap_s=float(median(gaps)),
                   first_at=_iso(min(r["t"] for r in rows)), last_at=_iso(max(r["t"] for r in rows)))


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def network_graph(workspace: Workspace, kind: str = "coordinated_network", window: int | None = None) -> nx.Graph:
    """The accounts of ``kind`` findings as a networkx graph (co-action edges for coordinated networks)."""
    with workspace.events(read_only=True) as store:
        found = store.findings(kind=kind).to_pylist()
        g, net_of = _nodes(store, found)
        if kind == "coordinated_network" and net_of and store.has("posts"):
            _coaction_edges(store, g, net_of, int(window or _DEFAULTS["window"]))
    g.graph["kind"] = kind
    g.graph["findings"] = len(found)
    g.graph["finding_scores"] = json.dumps({f["network_id"] or f["finding_id"]: f["score"] for f in found})
    return g


def export_graph(workspace: Workspace, out: Path, fmt: str = "graphml", kind: str = "coordinated_network",
                 window: int | None = None) -> GraphExport:
    """Write the ``kind`` network of the workspace as GraphML or GEXF."""
    if kind not in FINDING_KINDS:
        raise CivicshieldError(f"--kind must be a finding kind ({', '.join(FINDING_KINDS)}), got {kind!r}")
    if fmt not in FORMATS:
        raise CivicshieldError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    g = network_graph(workspace, kind, window)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(g, out)
    else:
        nx.write_gexf(g, out)
    networks = len(set(nx.get_node_attributes(g, "network_id").values()))
    return GraphExport(out, g.number_of_nodes(), g.number_of_edges(), networks)
