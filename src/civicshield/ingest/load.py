"""Validate one contract table's files in SQL and load them into the store."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from civicshield.contract import TABLES
from civicshield.errors import DataError
from civicshield.ingest.convert import Rules, TypeMismatch, missing_rules, rules, show
from civicshield.ingest.files import TableFile
from civicshield.ingest.jsonl import open_jsonl
from civicshield.ingest.locate import first_bad_parquet_utf8
from civicshield.ingest.sources import Source, first_line, open_csv, open_parquet
from civicshield.store.events import table_ddl

OPENERS = {"csv": open_csv, "jsonl": open_jsonl, "parquet": open_parquet}
Step = Callable[[str], None]


def open_source(con: duckdb.DuckDBPyConnection, tf: TableFile, name: str) -> Source:
    try:
        return OPENERS[tf.fmt](con, tf, name)
    except duckdb.Error as e:
        raise DataError(tf.shown, None, None, f"cannot read the file ({first_line(e, tf)})") from None


def _rules_of(src: Source) -> dict[str, Rules]:
    out = {}
    for name in src.order:
        try:
            out[name] = rules(src.fields[name])
        except TypeMismatch as e:
            raise DataError(src.file.shown, None, name, str(e)) from None
    return out


def _check_columns(src: Source) -> None:
    for col in TABLES[src.file.table].columns:
        if col.required and col.name not in src.fields:
            # An empty JSONL file has no keys at all; that is zero rows, not a
            # missing column.
            if src.file.fmt == "jsonl" and not src.fields and not src.extras:
                return
            raise DataError(src.file.shown, None, col.name, "required column is missing")


def _first_bad_row(con: duckdb.DuckDBPyConnection, src: Source, rs: dict[str, Rules]) -> None:
    checks = [(name, c) for name in src.order for c in rs[name].checks]
    if not checks:
        return
    limit = f"AND {src.row} < {src.limit_row}" if src.limit_row else ""
    any_bad = " OR ".join(f"coalesce({c.bad}, false)" for _, c in checks)
    row = con.execute(f"SELECT min({src.row}) FROM {src.relation} WHERE ({any_bad}) {limit}").fetchone()[0]
    if row is None:
        return
    flags = ", ".join(f"coalesce({c.bad}, false)" for _, c in checks)
    shown = ", ".join(f"CAST({rs[name].shown} AS VARCHAR)" for name, _ in checks)
    got = con.execute(f"SELECT [{flags}], [{shown}] FROM {src.relation} WHERE {src.row} = ?", [row]).fetchone()
    for (name, check), bad, value in zip(checks, got[0], got[1], strict=True):
        if bad:
            raise DataError(src.file.shown, src.to_row(row), name, check.message(value))


def _check_primary_key(con: duckdb.DuckDBPyConnection, table: str, sources: list[tuple[Source, dict[str, Rules]]]) -> None:
    pk = TABLES[table].primary_key
    if not pk:
        return
    parts = []
    for i, (src, rs) in enumerate(sources):
        keys = ", ".join(f"{rs[k].value} AS k{j}" for j, k in enumerate(pk))
        parts.append(f"SELECT {keys}, {i} AS f, {src.row} AS r FROM {src.relation}")
    union = " UNION ALL ".join(parts)
    kcols = ", ".join(f"k{j}" for j in range(len(pk)))
    sql = f"""
        WITH k AS ({union}),
        dup AS (SELECT {kcols} FROM k GROUP BY ALL HAVING count(*) > 1),
        hit AS (SELECT k.*, row_number() OVER (PARTITION BY {kcols} ORDER BY f, r) AS n,
                       first_value(f) OVER (PARTITION BY {kcols} ORDER BY f, r) AS f0,
                       first_value(r) OVER (PARTITION BY {kcols} ORDER BY f, r) AS r0
                FROM k SEMI JOIN dup USING ({kcols}))
        SELECT [{kcols}], f, r, f0, r0 FROM hit WHERE n = 2 ORDER BY f, r LIMIT 1
    """
    hit = con.execute(sql).fetchone()
    if hit is None:
        return
    key, f, r, f0, r0 = hit
    r, r0 = sources[f][0].to_row(r), sources[f0][0].to_row(r0)
    shown_key = ", ".join(show(v) for v in key)
    where = f"row {r0}" if f0 == f else f"{sources[f0][0].file.path.name} row {r0}"
    raise DataError(sources[f][0].file.shown, r, "+".join(pk), f"duplicate primary key {shown_key}: also in {where}")


def _select(src: Source, rs: dict[str, Rules], table: str, i: int) -> str:
    cols = []
    for c in TABLES[table].columns:
        value = rs[c.name].value if c.name in rs else missing_rules(c)
        cols.append(f"CAST({value} AS {c.duckdb_type}) AS \"{c.name}\"")
    return f"SELECT {', '.join(cols)}, {i} AS _f, {src.row} AS _r FROM {src.relation}"


def load_table(
    con: duckdb.DuckDBPyConnection, table: str, files: tuple[TableFile, ...], step: Step, notes: list[str]
) -> int:
    """Validate every file of ``table``, then insert all rows in one sorted
    pass so that the stored order (and so the store) is deterministic."""
    sources: list[tuple[Source, dict[str, Rules]]] = []
    try:
        for i, tf in enumerate(files):
            step(f"read {tf.path.name}")
            src = open_source(con, tf, f"{table}_{i}")
            sources.append((src, {}))
            if src.extras:
                notes.append(f"{tf.shown}: extra columns ignored: {', '.join(src.extras)}")
            _check_columns(src)
            rs = _rules_of(src)
            sources[-1] = (src, rs)
            step(f"check {tf.path.name}")
            _guard([(src, rs)], lambda s=src, r=rs: _first_bad_row(con, s, r))
            if src.problem is not None:
                raise src.problem
        step(f"keys {table}")
        _guard(sources, lambda: _check_primary_key(con, table, sources))
        step(f"load {table}")
        con.execute(table_ddl(table))
        union = " UNION ALL ".join(_select(s, rs, table, i) for i, (s, rs) in enumerate(sources))
        names = ", ".join(f'"{c.name}"' for c in TABLES[table].columns)
        order = ", ".join(f'"{c}"' for c in TABLES[table].order_by)
        _guard(sources, lambda: con.execute(f'INSERT INTO "{table}" SELECT {names} FROM ({union}) ORDER BY {order}, _f, _r'))
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        for src, _ in sources:
            for sql in src.drop:
                con.execute(sql)


def _guard(sources: list[tuple[Source, dict[str, Rules]]], fn: Callable[[], object]) -> None:
    """Run ``fn``; a DuckDB read failure becomes a ``DataError`` naming the
    file.  Parquet UTF-8 errors name the value but no row: find the row."""
    try:
        fn()
    except (duckdb.InvalidInputException, duckdb.IOException, duckdb.ConversionException) as e:
        # Anything else (a binder error) is a bug here, not bad data: let it show.
        text = str(e)
        if "Invalid string encoding" in text:
            for src, _ in sources:
                found = first_bad_parquet_utf8(src.file.path) if src.file.fmt == "parquet" else None
                if found:
                    raise DataError(src.file.shown, found[0], found[1], found[2]) from None
        named = [s for s, _ in sources if str(s.file.path) in text] or [s for s, _ in sources]
        reason = text.splitlines()[0].replace(str(named[0].file.path), named[0].file.path.name)
        raise DataError(named[0].file.shown, None, None, f"cannot read the file ({reason})") from None
