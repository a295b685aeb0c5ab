"""A query's CTEs as steps Spark computes once.

Spark inlines a CTE at every reference and plans each copy on its own, so a
step read three times is computed three times, with everything below it
(the co-action projection's pair join ran two to four times over).  DuckDB
keeps such a CTE.  ``split_ctes`` turns every CTE referenced more than once
into a step of its own, to be kept in Spark's cache, and writes the CTEs
referenced once into their reader as subqueries: a kept view defined with a
``WITH`` is not reused by the plans that read it (pyspark 4.3), a subquery
is.  The SQL text the detectors write stays the same on both engines.
"""

from __future__ import annotations

from collections import Counter

import sqlglot
from sqlglot import exp


def split_ctes(sql: str, prefix: str) -> tuple[list[tuple[str, str]], str]:
    """``(steps, main)``: ``steps`` are ``(view name, SQL)`` in dependency
    order, each a CTE of ``sql`` referenced more than once, named
    ``prefix + cte name``; ``main`` is the query over them.  A query without
    CTEs comes back unchanged with no steps."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    with_ = tree.args.get("with_")
    if with_ is None or with_.args.get("recursive"):
        return [], sql
    ctes = list(with_.expressions)
    names = {c.alias for c in ctes}
    refs = Counter(t.name for t in tree.find_all(exp.Table) if t.name in names and not t.db)
    tree.set("with_", None)
    kept: dict[str, str] = {}
    inline: dict[str, exp.Expression] = {}

    def resolve(node: exp.Expression) -> exp.Expression:
        for t in list(node.find_all(exp.Table)):
            if t.db or t.name not in names:
                continue
            alias = t.alias_or_name
            if t.name in kept:
                t.replace(exp.to_table(kept[t.name]).as_(alias))
            elif t.name in inline:
                t.replace(inline[t.name].copy().subquery(alias))
        return node

    steps = []
    for cte in ctes:
        body = resolve(cte.this.copy())
        if refs[cte.alias] > 1:
            kept[cte.alias] = f"{prefix}{cte.alias}"
            steps.append((kept[cte.alias], body.sql(dialect="duckdb")))
        else:
            inline[cte.alias] = body
    return steps, resolve(tree).sql(dialect="duckdb")
