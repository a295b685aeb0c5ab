"""``coordination``: covert influence networks from co-action.

Pipeline (docs/coordination.md):

1. keys (Python, ``keys.py``): hashtags, normalised URLs, audio, mention
   patterns, exact and near-duplicate text -> ``(account, kind, key, ts)``.
2. projection (portable SQL, ``projection.py``): account pairs acting on the
   same key within ``window`` seconds, bucketed so hot keys cannot blow up,
   kept when they repeat over ``min_events`` distinct events and
   ``min_keys`` distinct keys.
3. edges: IDF weight, and a null model (expected chance coincidences given
   how often each account used each key and how bursty the key is); pairs
   below ``min_lift`` times chance are dropped.
4. networks (igraph): components, Leiden to split sparse ones.
5. score: what crowds lack (seconds-scale synchrony, repetition, templated
   text, accounts created together, shared devices / rare IP prefixes,
   little reach for much posting), combined as a noisy-OR so any one
   strong signal counts and several weak ones add up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Mapping
from statistics import median
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.network.clusters import cluster
from civicshield.detect.network.keys import KEY_KINDS
from civicshield.detect.network.keytable import EngineKeys, LocalKeys, key_table
from civicshield.detect.network.profile import MEMBERS_VIEW, Profile, created_together, profiles, report_row
from civicshield.detect.network.projection import PAIR_EVENTS_VIEW, edges_sql, pair_events_sql
from civicshield.errors import ParameterError

WANTED_VIEW = "cs_example_posts"

PARAMS = (
    Param("window", int, 300, "seconds two posts on the same key may be apart to count as one co-action", 1, 3600),
    Param("event_seconds", int, 3600, "co-actions in the same bucket of this many seconds count as one event", 60, 86400),
    Param("min_events", int, 3, "distinct events a pair must co-act on (a crowd reacts together once)", 1, 1000),
    Param("min_keys", int, 2, "distinct keys a pair must co-act on", 1, 1000),
    Param("min_lift", float, 3.0, "co-actions must exceed the null model's chance expectation by this factor", 0.0, 1e6),
    Param("max_key_share", float, 0.05, "keys used by more than this share of active accounts (and more than 100) are ignored", 0.0, 1.0),
    Param("cell_cap", int, 500, "a (key, window) cell with more posts is a viral burst and is dropped", 2, 1_000_000),
    Param("sync_seconds", int, 30, "a co-action this close counts as seconds-scale synchrony", 0, 3600),
    Param("min_accounts", int, 3, "smallest network reported", 2, 10_000),
    Param("min_score", float, 0.45, "networks scoring below this are not reported", 0.0, 1.0),
    Param("near_threshold", float, 0.6, "word-set Jaccard for near-duplicate text (MinHash LSH)", 0.1, 1.0),
    Param("min_text_words", int, 4, "texts with fewer words give no text keys", 1, 100),
    Param("creation_window", int, 3600, "seconds within which accounts count as created together", 1, 30 * 86400),
    Param("sql_memory_gb", float, 2.0, "memory DuckDB may use for the projection before it spills to disk", 0.1, 1024.0),
    Param("key_kinds", str, ",".join(KEY_KINDS), f"comma-separated key kinds to use, of {', '.join(KEY_KINDS)}"),
)

# Noisy-OR weights: how far one signal at full strength goes on its own.
# Co-action signals come first; account signals support but cannot make a
# network out of a crowd, since they only apply to pairs that co-acted.
# A signal counts only above SIGNAL_FLOOR: crowds show every signal a little
# (some coincidences within seconds, a few look-alike texts), and many weak
# signals must not add up to a network.
SIGNAL_FLOOR = 0.4
SIGNAL_WEIGHTS = {
    "repetition": 0.6,
    "synchrony": 0.5,
    "lift": 0.35,
    "templated_text": 0.45,
    "created_together": 0.4,
    "shared_infrastructure": 0.45,
    "low_reach": 0.15,
}


def _utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).replace(tzinfo=None)


def network_id(members: list[str]) -> str:
    return "net-" + hashlib.sha256("\x1f".join(sorted(members)).encode()).hexdigest()[:12]


def _kinds(raw: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in raw.split(",") if k.strip())
    bad = [k for k in kinds if k not in KEY_KINDS]
    if bad or not kinds:
        raise ParameterError(
            f"The 'key_kinds' parameter of coordination must be a comma-separated list of {', '.join(KEY_KINDS)}. "
            f"Got {raw!r} instead."
        )
    return kinds


def _edges(ctx, keys: LocalKeys | EngineKeys, p: Mapping[str, Any]) -> tuple[pa.Table, pa.Table]:
    """(pair events, edges) of pairs passing the event, key and lift thresholds."""
    n_accounts = keys.n_accounts
    # Without a cap DuckDB would take most of the machine's memory for the
    # join's hash tables; under one it spills to disk instead.
    max_df = max(100, int(p["max_key_share"] * n_accounts))
    with keys.view(), ctx.memory_limit(p["sql_memory_gb"]):
        pe = ctx.query(
            pair_events_sql(p["window"], p["event_seconds"], p["cell_cap"], p["min_events"], p["min_keys"], max_df)
        )
    pe = keys.decode(pe)
    with ctx.views(**{PAIR_EVENTS_VIEW: pe}):
        edges = ctx.query(edges_sql(p["window"], p["event_seconds"], p["sync_seconds"], n_accounts))
    if edges.num_rows:
        lift = pc.divide(pc.cast(edges.column("cells"), pa.float64()), pc.add(edges.column("expected"), 1.0))
        edges = edges.append_column("lift", lift).filter(pc.greater_equal(lift, p["min_lift"]))
    return pe, edges


def network_events(pe_rows: list[dict], members: int) -> int:
    """Distinct events in which a sizeable part of the network co-acted
    (at least 3 members, and at least a tenth of them).  Counted for the
    network, not per pair: in a large operation each event may use a random
    subset of accounts, so any one pair co-acts only a few times."""
    by_event: dict[int, set[str]] = defaultdict(set)
    for r in pe_rows:
        by_event[r["ev"]].update((r["u"], r["v"]))
    need = max(3, math.ceil(0.1 * members))
    return sum(1 for accts in by_event.values() if len(accts) >= need)


def _signals(inner: list[dict], pe_rows: list[dict], prof: Profile, members: int, p: Mapping[str, Any]) -> dict[str, float]:
    cells = sum(e["cells"] for e in inner) or 1
    per_member_posts = prof.posts / max(members, 1)
    low = sum(1 for f in prof.followers if f < 5 * per_member_posts) / max(len(prof.followers), 1)
    lift = min(1.0, math.log(max(median(e["lift"] for e in inner), 1.0)) / math.log(30))
    return {
        # Repeated coincidences that chance explains are no evidence: repetition
        # counts in full only where co-actions run at least ~5x the null model
        # (lift signal 0.5), and proportionally less below.
        "repetition": (1 - math.exp(-network_events(pe_rows, members) / 10)) * min(1.0, lift / 0.5),
        "synchrony": sum(e["sync_cells"] for e in inner) / cells,
        "lift": lift,
        "templated_text": sum(e["text_cells"] for e in inner) / cells,
        "created_together": created_together(prof.created, p["creation_window"]),
        "shared_infrastructure": len(prof.shared_infra) / max(members, 1),
        "low_reach": low,
    }


def _score(signals: Mapping[str, float]) -> float:
    miss = 1.0
    for name, w in SIGNAL_WEIGHTS.items():
        strength = (min(1.0, signals[name]) - SIGNAL_FLOOR) / (1 - SIGNAL_FLOOR)
        miss *= 1 - w * max(0.0, strength)
    return round(1 - miss, 4)


def _strongest(pe_rows: list[dict], members: set[str], n_accounts: int, texts: Mapping[str, str], top: int = 5) -> list[dict]:
    """The ``top`` co-action events with the most members on the rarest keys."""
    events: dict[tuple, dict] = {}
    for r in pe_rows:
        k = (r["kind"], r["key"], r["ev"])
        e = events.setdefault(k, {"accounts": set(), "t": r["t"], "gap": r["dt"], "df": r["df"]})
        e["accounts"].update((r["u"], r["v"]))
        e["t"], e["gap"] = min(e["t"], r["t"]), min(e["gap"], r["dt"])
    ranked = sorted(
        events.items(),
        key=lambda kv: (-len(kv[1]["accounts"]) * math.log(max(n_accounts, 2) / kv[1]["df"]), kv[1]["t"], kv[0]),
    )
    return [
        {
            "kind": kind,
            "key": texts.get(key, key),
            "at": _utc(e["t"]).isoformat(),
            "accounts": len(e["accounts"] & members),
            "min_gap_s": int(e["gap"]),
            "accounts_using_key": int(e["df"]),
        }
        for (kind, key, _), e in ranked[:top]
    ]


def _example_texts(ctx, keys: LocalKeys | EngineKeys, wanted: set[str]) -> dict[str, str]:
    """One original text per text / near-duplicate key (its smallest post
    id, the same on every engine), for moderators."""
    if not wanted:
        return {}
    first = keys.first_posts(wanted)
    with ctx.views(**{WANTED_VIEW: pa.table({"post_id": sorted(set(first.values()))})}):
        rows = ctx.query(f"SELECT p.post_id, p.text FROM posts p JOIN {WANTED_VIEW} w ON p.post_id = w.post_id").to_pylist()
    text_of = {r["post_id"]: (r["text"] or "")[:200] for r in rows}
    return {k: text_of.get(pid, k) for k, pid in first.items()}


def _inside(pe: pa.Table, net_of: Mapping[str, int]) -> np.ndarray:
    """Per pair event: the network both accounts belong to, or -1."""
    members = pa.array(list(net_of), pa.string())
    nets = np.array(list(net_of.values()) + [-1])

    def net(col: str) -> np.ndarray:
        idx = pc.fill_null(pc.index_in(pe.column(col), value_set=members), -1).to_numpy(zero_copy_only=False)
        return nets[idx]  # index -1 picks the trailing -1

    u, v = net("u"), net("v")
    return np.where(u == v, u, -1)


def run(ctx, params: Mapping[str, Any]) -> list[Finding]:
    kinds = _kinds(params["key_kinds"])
    # The key table stays in the engine where the engine is distributed (keytable.py).
    with key_table(ctx, kinds, params["min_text_words"], params["near_threshold"]) as keys:
        return _networks(ctx, keys, params)


def _networks(ctx, keys: LocalKeys | EngineKeys, params: Mapping[str, Any]) -> list[Finding]:
    if keys.empty:
        return []
    pe, edges = _edges(ctx, keys, params)
    groups = cluster(
        edges.column("u").to_pylist(), edges.column("v").to_pylist(), edges.column("weight").to_pylist(),
        params["min_accounts"],
    ) if edges.num_rows else []
    if not groups:
        return []
    net_of = {a: i for i, g in enumerate(groups) for a in g}
    with ctx.views(**{MEMBERS_VIEW: pa.table({"account_id": list(net_of), "net": list(net_of.values())})}):
        profs = profiles(ctx, len(groups), ctx.election)
    inner: dict[int, list[dict]] = defaultdict(list)
    for e in edges.to_pylist():
        if net_of.get(e["u"], -1) == net_of.get(e["v"], -2):
            inner[net_of[e["u"]]].append(e)
    pe_rows: dict[int, list[dict]] = defaultdict(list)
    inside = _inside(pe, net_of)  # only pair events within one network come back to Python
    for r, net in zip(pe.filter(inside >= 0).to_pylist(), inside[inside >= 0].tolist(), strict=True):
        pe_rows[net].append(r)
    n_accounts = keys.n_accounts
    text_keys = {r["key"] for rows in pe_rows.values() for r in rows if r["kind"] in ("text", "neardup")}
    texts = _example_texts(ctx, keys, text_keys)
    findings = []
    for i, members in enumerate(groups):
        if not inner[i]:
            continue
        signals = _signals(inner[i], pe_rows[i], profs[i], len(members), params)
        score = _score(signals)
        if score < params["min_score"]:
            continue
        nid = network_id(members)
        gaps = [r["dt"] for r in pe_rows[i]]
        evidence = {
            "network_id": nid,
            **report_row(profs[i], len(members), ctx.election),
            "score": score,
            "signals": {k: round(v, 3) for k, v in signals.items()},
            "distinct_events": len({r["ev"] for r in pe_rows[i]}),
            "network_events": network_events(pe_rows[i], len(members)),
            "distinct_keys": len({(r["kind"], r["key"]) for r in pe_rows[i]}),
            "median_gap_s": float(median(gaps)) if gaps else None,
            "edges": len(inner[i]),
            "strongest_evidence": _strongest(pe_rows[i], set(members), n_accounts, texts),
        }
        findings.append(
            Finding(
                kind="coordinated_network",
                detector="coordination",
                score=score,
                account_ids=tuple(members),
                network_id=nid,
                first_seen=_utc(min(e["first_t"] for e in inner[i])),
                last_seen=_utc(max(e["last_t"] for e in inner[i])),
                evidence=evidence,
            )
        )
    return findings


DETECTOR = Detector(
    name="coordination",
    summary="Covert influence networks: accounts that post on the same keys within seconds, over many distinct events.",
    kinds=("coordinated_network",),
    requires=("posts",),
    optional=("logins", "accounts"),
    params=PARAMS,
    run=run,
    limits=(
        "Needs repetition: a network that co-acts on fewer than min_events distinct events is not found. "
        "Cells of more than cell_cap posts per key and window are dropped as viral bursts."
    ),
)
