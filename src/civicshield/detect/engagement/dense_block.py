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

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from civicshield.contract import engagement_key
from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.engagement._common import bucket, epoch, network_id
from civicshield.detect.engagement._fraudar import column_weights, peel

NAME = "dense_block"

PARAMS = (
    Param("bucket_minutes", int, 30, "time slice of a column (action, target, slice)", 1, 100_000),
    Param("min_accounts", int, 5, "smallest farm reported", 2, 1_000_000),
    Param("min_targets", int, 5, "distinct targets a farm must hit", 1, 1_000_000),
    Param("min_fill", float, 0.3, "edges / (accounts x columns) of the block", 0.0, 1.0),
    Param("max_blocks", int, 10, "peeling rounds (each takes the densest block out)", 1, 1000),
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


def find_blocks(edges: pa.Table, p) -> list[tuple[list[str], int, int, float, float]]:
    """(accounts, targets, columns, fill, density) for each block that qualifies."""
    if edges.num_rows == 0:
        return []
    actors = pc.dictionary_encode(edges.column("actor_id")).combine_chunks()
    cols = pc.dictionary_encode(edges.column("col")).combine_chunks()
    targets = pc.dictionary_encode(edges.column("target")).combine_chunks()
    r = actors.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    c = cols.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    t = targets.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = actors.dictionary.to_pylist()
    n_rows, n_cols = len(names), len(cols.dictionary)
    w = column_weights(c, n_cols)
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
        for e in _communities(np.flatnonzero(inside), r, c, p["min_targets"]):
            accts, ncol = np.unique(r[e]), len(np.unique(c[e]))
            fill = len(e) / (len(accts) * ncol)
            n_tgt = len(np.unique(t[e]))
            if len(accts) >= p["min_accounts"] and n_tgt >= p["min_targets"] and fill >= p["min_fill"]:
                _add(out, {names[i] for i in accts}, n_tgt, ncol, float(fill), density)
    return [(sorted(b[0]), *b[1:]) for b in out]


def _communities(idx: np.ndarray, r: np.ndarray, c: np.ndarray, min_shared: int) -> list[np.ndarray]:
    """Split a peeled block's edges into farms.

    Greedy peeling returns farms that boost the same candidate as one block,
    with a fringe of organic accounts.  Members of one farm share many
    columns (the same job in the same time slice); two farms, or a farm and
    its fringe, share a few by chance.  Accounts are linked when they share
    at least ``min_shared`` columns, and each connected part is a farm
    candidate (deterministic, unlike modularity clustering).
    """
    accts, ri = np.unique(r[idx], return_inverse=True)
    cols, ci = np.unique(c[idx], return_inverse=True)
    a = sp.csr_matrix((np.ones(len(idx), np.int32), (ri, ci)), shape=(len(accts), len(cols)))
    shared = sp.triu(a @ a.T, k=1).tocoo()
    keep = shared.data >= min_shared
    g = ig.Graph(n=len(accts), edges=np.column_stack([shared.row[keep], shared.col[keep]]).tolist())
    part = np.asarray(g.connected_components().membership)[ri]
    return [idx[part == k] for k in np.unique(part)]


def _add(out: list, accounts: set[str], n_tgt: int, ncol: int, fill: float, density: float) -> None:
    """A later round often peels leftovers of a farm already found: those
    accounts join that farm instead of making a second, partial one."""
    for i, (seen, *rest) in enumerate(out):
        if len(accounts & seen) * 2 >= len(accounts):
            out[i] = (seen | accounts, *rest)
            return
    out.append((accounts, n_tgt, ncol, fill, density))
    return out


def run(ctx, p) -> list[Finding]:
    blocks = find_blocks(ctx.query(edge_sql(p)), p)
    if not blocks:
        return []
    members = sorted({a for b in blocks for a in b[0]})
    ctx.con.register("_block_accounts", pa.table({"account_id": members}))
    try:
        rows = ctx.query(rows_sql()).to_pylist()
    finally:
        ctx.con.unregister("_block_accounts")
    by_actor: dict[str, list[dict]] = {}
    for row in rows:
        by_actor.setdefault(row["actor_id"], []).append(row)
    findings = []
    for accounts, n_tgt, n_col, fill, density in blocks:
        eng = [row for a in accounts for row in by_actor.get(a, ())]
        findings.append(
            Finding(
                kind="fake_engagement",
                detector=NAME,
                score=round(min(1.0, fill), 4),
                account_ids=tuple(accounts),
                engagements=tuple(sorted(engagement_key(x["actor_id"], x["action"], x["target_id"]) for x in eng)),
                network_id=network_id("block", accounts),
                first_seen=min(x["first_at"] for x in eng),
                last_seen=max(x["last_at"] for x in eng),
                evidence={
                    "accounts": len(accounts),
                    "block_targets": n_tgt,
                    "block_columns": n_col,
                    "fill": round(fill, 3),
                    "fraudar_density": round(density, 3),
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
