"""Dense blocks: farms that camouflage (FRAUDAR peeling, see ``_fraudar``).

Lockstep needs pairs of accounts to meet within seconds on many targets.  A
farm that spreads its accounts over each job, or hides among likes of viral
posts, still forms an unusually dense block of accounts x targets.  The
columns here are (action, target, time bucket of ``bucket_minutes``), as
in the time-aware variants (D-Cube): a fan club that likes each of its
candidate's posts over the following hours spreads across many buckets,
while a farm's job lands in one or two.

Set-based part (portable SQL): the distinct (account, column) edges.
Single-machine part: FRAUDAR peeling (numba), then the block's edges are
taken out and peeling runs again, up to ``max_blocks`` times.  A block is a
farm when it has at least ``min_accounts`` accounts, ``min_targets``
distinct targets and an edge fill (edges / accounts x columns) of at least
``min_fill``.  One finding per farm, listing every engagement row of its
accounts (as ``lockstep_engagement`` does).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from civicshield.contract import engagement_key
from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.engagement._common import bucket, epoch, network_id
from civicshield.detect.engagement._explain import owner_shares, tie_shares
from civicshield.detect.engagement._fraudar import column_weights, peel

NAME = "dense_block"
CORE_SHARE = 0.3  # a core column is hit by at least this share of a part's accounts

PARAMS = (
    Param("bucket_minutes", int, 360, "time slice of a column (action, target, slice)", 1, 1_000_000),
    Param("min_accounts", int, 5, "smallest farm reported", 2, 1_000_000),
    Param("min_targets", int, 10, "core targets a farm must hit (orders it delivered)", 1, 1_000_000),
    Param("min_fill", float, 0.4, "edges / (accounts x core columns): the average turnout of the block's orders", 0.0, 1.0),
    Param("min_column_share", float, 0.2,
          "median share of a block column's engagement that comes from the block (a farm's order vs a crowd)", 0.0, 1.0),
    Param("min_member_focus", float, 0.1,
          "a member's core columns / all its columns: below this it is an organic account riding along", 0.0, 1.0),
    Param("max_column_accounts", int, 1000,
          "block columns hit by more accounts are a crowd, left out of the farm split", 10, 100_000_000),
    Param("min_cosine", float, 0.5, "accounts of one farm: cosine of their weighted column vectors inside the block",
          0.0, 1.0),
    Param("max_blocks", int, 10, "peeling rounds (each takes the densest block out)", 1, 1000),
    Param("max_owner_share", float, 0.8,
          "a block whose targets mostly belong to one owner needs shared kit (devices, non-NAT prefixes) to count", 0.0, 1.0),
    Param("nat_devices", int, 20, "an IP prefix with at least this many distinct devices is a NAT, not shared kit", 2,
          10_000_000),
)


def edge_sql(p) -> str:
    return f"""
SELECT DISTINCT actor_id, action || '|' || target_id AS target,
       action || '|' || target_id || '|' || CAST({bucket(epoch('created_at'), p['bucket_minutes'] * 60)} AS VARCHAR) AS col
FROM engagements
"""


def rows_sql() -> str:
    return """
SELECT e.actor_id, e.action, e.target_id, MIN(e.created_at) AS first_at, MAX(e.created_at) AS last_at
FROM engagements e JOIN _block_accounts f ON e.actor_id = f.account_id
GROUP BY e.actor_id, e.action, e.target_id
"""


def find_blocks(edges: pa.Table, p) -> list[dict]:
    """Each block that qualifies: accounts, targets (``action|target``),
    columns, fill and FRAUDAR density."""
    if edges.num_rows == 0:
        return []
    actors = pc.dictionary_encode(edges.column("actor_id")).combine_chunks()
    cols = pc.dictionary_encode(edges.column("col")).combine_chunks()
    targets = pc.dictionary_encode(edges.column("target")).combine_chunks()
    r = actors.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    c = cols.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    t = targets.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = actors.dictionary.to_pylist()
    tnames = targets.dictionary.to_pylist()
    n_rows, n_cols = len(names), len(cols.dictionary)
    w = column_weights(c, n_cols)
    col_degree = np.bincount(c, minlength=n_cols)
    row_degree = np.bincount(r, minlength=n_rows)
    alive = np.ones(len(r), np.bool_)
    out = []
    for _ in range(p["max_blocks"]):
        if not alive.any():
            break
        rmask, cmask, density = peel(n_rows, n_cols, r, c, w, alive)
        inside = alive & rmask[r] & cmask[c]
        if not inside.any():
            break
        alive &= ~inside
        for e in _communities(np.flatnonzero(inside), r, c, w, p["min_cosine"], p["max_column_accounts"]):
            accts = np.unique(r[e])
            if len(accts) < p["min_accounts"]:
                continue
            # the core: columns that a good share of the part's accounts hit.
            # Members' camouflage and everyday likes ride along in the block
            # but are not the order.
            ce, cn = np.unique(c[e], return_counts=True)
            core = cn >= max(2.0, CORE_SHARE * len(accts))
            if not core.any():
                continue
            fill = float(cn[core].sum() / (len(accts) * core.sum()))
            # a farm's order is a large part of what its targets get in that
            # slice; heavy organic users are a small part of a popular post's crowd
            share = float(np.median(cn[core] / col_degree[ce[core]]))
            in_core = np.isin(c[e], ce[core])
            tg = np.unique(t[e][in_core])
            if len(tg) >= p["min_targets"] and fill >= p["min_fill"] and share >= p["min_column_share"]:
                # a hyperactive organic account that likes everything also hits
                # the orders, but they are a sliver of what it does; a farm
                # account's engagement is mostly orders
                hits = np.bincount(r[e][in_core], minlength=n_rows)[accts]
                accts = accts[hits >= p["min_member_focus"] * row_degree[accts]]
                if len(accts) < p["min_accounts"]:
                    continue
                _add(out, {"accounts": {names[i] for i in accts}, "targets": {tnames[i] for i in tg},
                           "columns": int(core.sum()), "fill": fill, "density": density, "column_share": share})
    return out


def _communities(idx: np.ndarray, r: np.ndarray, c: np.ndarray, w: np.ndarray, min_cosine: float,
                 max_column_accounts: int) -> list[np.ndarray]:
    """Split a peeled block's edges into farms.

    Greedy peeling returns farms that boost the same candidates as one block,
    with a fringe of organic accounts.  Members of one farm hit mostly the
    same columns; two farms, or a farm and its fringe, overlap on a few
    (often popular, so lightly weighted) ones.  Accounts are linked when the
    cosine of their weighted column vectors reaches ``min_cosine``, and each
    connected part is a farm candidate (deterministic, unlike modularity
    clustering).  Columns hit by more than ``max_column_accounts`` accounts
    of the block are a crowd: they are left out of the similarity, which
    also keeps the sparse product small.
    """
    accts, ri = np.unique(r[idx], return_inverse=True)
    cols, ci = np.unique(c[idx], return_inverse=True)
    a = sp.csr_matrix((w[idx], (ri, ci)), shape=(len(accts), len(cols)))
    norm = np.sqrt(np.asarray(a.multiply(a).sum(axis=1)).ravel())
    crowd = np.bincount(ci, minlength=len(cols)) > max_column_accounts
    if crowd.any():
        a = a @ sp.diags((~crowd).astype(np.float64))
    sim = (a @ a.T).tocoo()
    keep = (sim.row < sim.col) & (sim.data >= min_cosine * norm[sim.row] * norm[sim.col])
    graph = sp.coo_matrix((np.ones(int(keep.sum())), (sim.row[keep], sim.col[keep])), shape=(len(accts), len(accts)))
    _, labels = connected_components(graph, directed=False)
    part = labels[ri]
    order = np.argsort(part, kind="stable")
    bounds = np.flatnonzero(np.diff(part[order])) + 1
    return [idx[g] for g in np.split(order, bounds)]


def _add(out: list[dict], block: dict) -> None:
    """A later round often peels leftovers of a farm already found: those
    accounts join that farm instead of making a second, partial one."""
    for seen in out:
        if len(block["accounts"] & seen["accounts"]) * 2 >= len(block["accounts"]):
            seen["accounts"] |= block["accounts"]
            seen["targets"] |= block["targets"]
            return
    out.append(block)


def run(ctx, p) -> list[Finding]:
    blocks = find_blocks(ctx.query(edge_sql(p)), p)
    if not blocks:
        return []
    owners = owner_shares(ctx, [b["targets"] for b in blocks])
    ties = tie_shares(ctx, [b["accounts"] for b in blocks], p["nat_devices"])
    # a block on one owner's posts from accounts on their own phones is a fan
    # club with notifications on, not a farm (see _explain)
    blocks = [dict(b, owner_share=o, tie_share=k) for b, o, k in zip(blocks, owners, ties, strict=True)
              if not (o >= p["max_owner_share"] and k < 0.5)]
    if not blocks:
        return []
    members = sorted({a for b in blocks for a in b["accounts"]})
    with ctx.views(_block_accounts=pa.table({"account_id": members})):
        rows = ctx.query(rows_sql()).to_pylist()
    by_actor: dict[str, list[dict]] = {}
    for row in rows:
        by_actor.setdefault(row["actor_id"], []).append(row)
    findings = []
    for b in blocks:
        accounts = sorted(b["accounts"])
        eng = [row for a in accounts for row in by_actor.get(a, ())]
        findings.append(
            Finding(
                kind="fake_engagement",
                detector=NAME,
                score=round(min(1.0, b["fill"]), 4),
                account_ids=tuple(accounts),
                engagements=tuple(sorted(engagement_key(x["actor_id"], x["action"], x["target_id"]) for x in eng)),
                network_id=network_id("block", accounts),
                first_seen=min(x["first_at"] for x in eng),
                last_seen=max(x["last_at"] for x in eng),
                evidence={
                    "accounts": len(accounts),
                    "block_targets": len(b["targets"]),
                    "block_columns": b["columns"],
                    "fill": round(b["fill"], 3),
                    "fraudar_density": round(b["density"], 3),
                    "median_column_share": round(b["column_share"], 3),
                    "largest_owner_share": round(b["owner_share"], 3),
                    "shared_kit_share": round(b["tie_share"], 3),
                    "engagement_rows": len(eng),
                    "bucket_minutes": p["bucket_minutes"],
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="Camouflage-resistant dense account x target blocks (FRAUDAR peeling, numba), time-sliced.",
    kinds=("fake_engagement",),
    requires=("engagements",),
    params=PARAMS,
    run=run,
    limits="Finds at most max_blocks blocks; a farm whose jobs each spread over many time slices, or that is "
    "smaller than min_accounts x min_targets, is not found.",
)
