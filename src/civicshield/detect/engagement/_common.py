"""Small helpers shared by the engagement family (not a detector)."""

from __future__ import annotations

from collections.abc import Iterable

import igraph as ig
from disposable_email_domains import blocklist


# Seconds since the epoch in the SQL text.  DuckDB spells it EPOCH(); sqlglot
# transpiles it to Spark's UNIX_TIMESTAMP(), so the text stays portable.
def epoch(col: str) -> str:
    return f"EPOCH({col})"


def bucket(expr: str, width: int) -> str:
    """Portable integer bucket (ANCHORS.md "Engines": no ``//``)."""
    return f"CAST(FLOOR({expr} / {int(width)}) AS BIGINT)"


def components(pairs: Iterable[tuple[str, str]], min_size: int) -> list[list[str]]:
    """Connected components of an undirected edge list, largest first, each
    sorted, keeping those with at least ``min_size`` members."""
    names: dict[str, int] = {}
    edges = []
    for a, b in pairs:
        edges.append((names.setdefault(a, len(names)), names.setdefault(b, len(names))))
    if not names:
        return []
    g = ig.Graph(n=len(names), edges=edges)
    inv = list(names)
    groups = [sorted(inv[v] for v in comp) for comp in g.connected_components() if len(comp) >= min_size]
    return sorted(groups, key=lambda grp: (-len(grp), grp[0]))


def network_id(prefix: str, members: Iterable[str]) -> str:
    """Stable id for a group: its prefix plus the smallest member, so re-runs
    on the same data name the same network the same way."""
    return f"{prefix}-{min(members)}"


def throwaway_domains(ctx) -> list[str]:
    """Sign-up mail domains in this dataset that are on the
    ``disposable-email-domains`` blocklist (handed to SQL as a relation)."""
    if not ctx.has("signups"):
        return []
    rows = ctx.query("SELECT DISTINCT LOWER(email_domain) AS d FROM signups WHERE email_domain IS NOT NULL").to_pylist()
    return sorted(r["d"] for r in rows if r["d"] in blocklist)
