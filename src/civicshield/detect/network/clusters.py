"""Networks from the thresholded edge list: components, then Leiden.

The edge list is small by now (pairs that passed the event, key and null
model thresholds), so this runs on one machine with igraph.  Components
alone merge two operations joined by one stray edge, or an operation with
the few organic accounts that happened to ride its hashtags; Leiden
(modularity, edge weights) splits those where a component is not dense.
"""

from __future__ import annotations

import random

import igraph as ig


def cluster(u: list[str], v: list[str], weight: list[float], min_size: int, dense: float = 0.5, seed: int = 7) -> list[list[str]]:
    """Groups of account ids (each sorted), largest first."""
    if not u:
        return []
    names = sorted(set(u) | set(v))
    index = {a: i for i, a in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in zip(u, v, strict=True)], directed=False)
    g.es["weight"] = [float(w) for w in weight]
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
        for part in parts:
            if len(part) >= min_size:
                groups.append([comp[i] for i in part])
    out = [sorted(names[i] for i in grp) for grp in groups]
    return sorted(out, key=lambda m: (-len(m), m[0]))

