"""Networks from the thresholded edge list: components, then Leiden.

The edge list is small by now (pairs that passed the event, key and null
model thresholds), so this runs on one machine with igraph.  Components
alone merge two operations joined by one stray edge, or an operation with
the few organic accounts that happened to ride its hashtags; Leiden
(modularity, edge weights) finds the candidate parts of a sparse component.

Leiden splits any sparse graph, including one operation whose members each
co-act with only a few others (a large network where every event uses a
random subset of accounts).  So a part is taken out only when it is well
separated: its conductance (weight of edges leaving it over its volume, or
the rest's if smaller) is under ``max_conductance``.  What is left of the
component stays together as one network.
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np


def _conductance(sub: ig.Graph, part: list[int]) -> float:
    inside = np.zeros(sub.vcount(), dtype=bool)
    inside[part] = True
    ends = np.array(sub.get_edgelist()).reshape(-1, 2)
    w = np.array(sub.es["weight"])
    cut = w[inside[ends[:, 0]] != inside[ends[:, 1]]].sum()
    strength = np.array(sub.strength(weights="weight"))
    vol = min(strength[inside].sum(), strength[~inside].sum())
    return float(cut / vol) if vol > 0 else 0.0


def cluster(
    u: list[str], v: list[str], weight: list[float], min_size: int, dense: float = 0.5, max_conductance: float = 0.2,
    seed: int = 7,
) -> list[list[str]]:
    """Groups of account ids (each sorted), largest first."""
    if not u:
        return []
    names = sorted(set(u) | set(v))
    index = {a: i for i, a in enumerate(names)}
    # Edges in a fixed order: Leiden's result depends on it, and engines
    # return rows in any order (DuckDB's parallel aggregation, Spark).
    edges = sorted((min(index[a], index[b]), max(index[a], index[b]), float(w)) for a, b, w in zip(u, v, weight, strict=True))
    g = ig.Graph(n=len(names), edges=[(a, b) for a, b, _ in edges], directed=False)
    g.es["weight"] = [w for _, _, w in edges]
    groups: list[list[int]] = []
    for comp in g.connected_components():
        if len(comp) < min_size:
            continue
        sub = g.subgraph(comp)
        if sub.density() >= dense:
            groups.append(list(comp))
            continue
        # Leiden is randomised: a fixed seed keeps network ids stable across runs.
        # igraph's generator is process-wide: set it for this call, then hand it back.
        ig.set_random_number_generator(random.Random(seed))
        try:
            parts = sub.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
        finally:
            ig.set_random_number_generator(random)
        separate = [p for p in parts if len(parts) > 1 and _conductance(sub, p) < max_conductance]
        taken = {i for p in separate for i in p}
        rest = [i for i in range(sub.vcount()) if i not in taken]
        for part in [*separate, rest]:
            if len(part) >= min_size:
                groups.append([comp[i] for i in part])
    out = [sorted(names[i] for i in grp) for grp in groups]
    return sorted(out, key=lambda m: (-len(m), m[0]))

