"""How one contract column is checked and converted, as SQL.

Every source format (CSV, JSONL, Parquet) describes each column it found as
a ``Field``: an SQL expression for the raw value and where it came from.
``rules(field)`` turns that into ordered ``Check``s (SQL that is true on a
bad value) and one SQL expression for the stored value.  Validation then
runs in DuckDB over the whole file at once; Python only formats the message
for the one row that is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from civicshield.contract import Column

# One text value may not exceed this; a bigger one is almost always a broken
# export (a whole file pasted into a cell), and it would bloat every scan.
MAX_FIELD_BYTES = 1 << 20

# Columns that also accept unix seconds, as (table, column).  None of the
# contract tables does today; a source that needs it adds its column here.
UNIX_SECONDS: frozenset[tuple[str, str]] = frozenset()

TRUE_WORDS = ("true", "t", "1", "yes", "y")
FALSE_WORDS = ("false", "f", "0", "no", "n")

TIMESTAMP_HINT = "expected ISO 8601 such as 2024-11-20T14:03:11Z"

_INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
_FLOAT_TYPES = {"FLOAT", "DOUBLE"}
_TIME_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"}

_EXPECTED = {
    "str": "a string column",
    "enum": "a string column",
    "int": "an integer column",
    "float": "a numeric column",
    "bool": "a boolean column",
    "timestamp": "a timestamp column",
    "list": "a list column",
}


@dataclass(frozen=True)
class Field:
    """One contract column as one source file holds it.

    ``source`` is ``"text"`` (CSV, or a Parquet string column), ``"json"``
    (JSONL; ``json_type`` and, for lists, ``items``/``item_types`` are SQL
    over the same row) or a DuckDB type name (typed Parquet columns).
    """

    table: str
    column: Column
    expr: str
    source: str = "text"
    json_type: str | None = None
    items: str | None = None
    item_types: str | None = None


@dataclass(frozen=True)
class Check:
    bad: str  # SQL: true when the value breaks the rule
    message: Callable[[str | None], str]  # formats the raw value shown to the user


@dataclass(frozen=True)
class Rules:
    checks: tuple[Check, ...]
    value: str  # SQL giving the stored value
    shown: str  # SQL giving the raw value as text, for messages


class TypeMismatch(Exception):
    """A typed (Parquet) column whose type cannot hold the contract kind."""


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def show(value: str | None, limit: int = 60) -> str:
    """The raw value as the user should see it: quoted, control characters
    escaped (hostile text must not garble the terminal), long ones cut."""
    if value is None:
        return "empty"
    cut = value if len(value) <= limit else value[:limit] + "..."
    return repr(cut)


def _size_msg(v: str | None) -> str:
    n = len((v or "").encode("utf-8", "surrogatepass"))
    return f"value is {n:,} bytes; the limit is {MAX_FIELD_BYTES:,} bytes (1 MiB)"


def _text_checks(v: str) -> list[Check]:
    return [
        Check(f"strlen({v}) > {MAX_FIELD_BYTES}", _size_msg),
        Check(
            f"contains({v}, chr(0))",
            lambda _: "contains a NUL byte (U+0000); NUL is not allowed in text (PostgreSQL cannot store it)",
        ),
    ]


def _required(field: Field, v: str) -> list[Check]:
    if not field.column.required:
        return []
    return [Check(f"{v} IS NULL", lambda _: "required value is empty")]


def _list_value(field: Field, items: str) -> str:
    """Drop empty items, normalise hashtags, store an empty list as NULL so
    that all three formats give the same rows."""
    item = "ltrim(lower(x), '#')" if field.column.name == "hashtags" else "x"
    lst = f"list_filter(list_transform({items}, lambda x: {item}), lambda x: x IS NOT NULL AND x <> '')"
    return f"CASE WHEN len({lst}) = 0 THEN NULL ELSE {lst} END"


def _text_rules(field: Field, v: str) -> tuple[list[Check], str]:
    """Checks and value for a raw text value ``v`` (empty already NULL)."""
    col = field.column
    t = f"trim({v})"
    checks = _text_checks(v) + _required(field, v)
    if col.kind == "str":
        return checks, v
    if col.kind == "enum":
        allowed = ", ".join(sql_str(e) for e in col.enum)
        checks.append(
            Check(f"lower({t}) NOT IN ({allowed})", lambda x: f"bad value {show(x)}: expected one of {', '.join(col.enum)}")
        )
        default = sql_str(col.default) if col.default is not None else "NULL"
        return checks, f"COALESCE(lower({t}), {default})"
    if col.kind == "int":
        checks.append(
            Check(
                rf"{v} IS NOT NULL AND (NOT regexp_full_match({t}, '[+-]?[0-9]+(\.0*)?') OR TRY_CAST(regexp_extract({t}, '^[+-]?[0-9]+') AS BIGINT) IS NULL)",
                lambda x: f"expected an integer, got {show(x)}",
            )
        )
        return checks, f"TRY_CAST(regexp_extract({t}, '^[+-]?[0-9]+') AS BIGINT)"
    if col.kind == "float":
        checks.append(Check(f"{v} IS NOT NULL AND TRY_CAST({t} AS DOUBLE) IS NULL", lambda x: f"expected a number, got {show(x)}"))
        return checks, f"TRY_CAST({t} AS DOUBLE)"
    if col.kind == "bool":
        words = ", ".join(sql_str(w) for w in TRUE_WORDS + FALSE_WORDS)
        checks.append(
            Check(f"lower({t}) NOT IN ({words})", lambda x: f"expected a boolean (true/false, 1/0, yes/no), got {show(x)}")
        )
        trues = ", ".join(sql_str(w) for w in TRUE_WORDS)
        return checks, f"CASE WHEN {v} IS NULL THEN NULL ELSE lower({t}) IN ({trues}) END"
    if col.kind == "timestamp":
        iso = f"CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP)"
        if (field.table, col.name) in UNIX_SECONDS:
            unix = f"CAST(to_timestamp(TRY_CAST({t} AS DOUBLE)) AS TIMESTAMP)"
            value = rf"CASE WHEN regexp_full_match({t}, '[+-]?[0-9]+(\.[0-9]*)?') THEN {unix} ELSE {iso} END"
            hint = TIMESTAMP_HINT + " or unix seconds"
        else:
            value, hint = iso, TIMESTAMP_HINT
        checks.append(Check(f"{v} IS NOT NULL AND {value} IS NULL", lambda x: f"bad timestamp {show(x)}: {hint}"))
        return checks, value
    if col.kind == "list":
        # CSV lists are space-separated.
        return checks, _list_value(field, rf"string_split_regex({v}, '\s+')")
    raise ValueError(f"unknown column kind {col.kind!r}")


def _json_rules(field: Field) -> Rules:
    col = field.column
    v, jt = f"NULLIF({field.expr}, '')", field.json_type
    if col.kind == "list":
        checks = [
            Check(
                f"{jt} NOT IN ('ARRAY', 'NULL')",
                lambda x: f"expected a JSON array of strings, got {show(x)}",
            ),
            Check(
                f"len(list_filter({field.item_types}, lambda x: x NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT'))) > 0",
                lambda x: f"expected a JSON array of strings, got {show(x)}",
            ),
            Check(f"list_max(list_transform({field.items}, lambda x: strlen(x))) > {MAX_FIELD_BYTES}", _size_msg),
            Check(f"list_bool_or(list_transform({field.items}, lambda x: contains(x, chr(0))))", _text_checks(v)[1].message),
        ]
        checks += _required(field, v)
        return Rules(tuple(checks), _list_value(field, field.items), v)
    checks = [
        Check(f"{jt} IN ('OBJECT', 'ARRAY')", lambda x: f"expected a single value, got {show(x)}"),
    ]
    if col.kind in ("str", "enum"):
        # A JSON number with a fraction or exponent would be re-printed, so an
        # id like 1.50 would silently become 1.5.
        checks.append(Check(f"{jt} = 'DOUBLE'", lambda x: f"expected a string, got the number {x}: quote it"))
    text_checks, value = _text_rules(field, v)
    return Rules(tuple(checks + text_checks), value, v)


def _typed_rules(field: Field) -> Rules:
    """A typed Parquet column: cast what can be cast exactly, refuse the rest."""
    col, src, x = field.column, field.source, field.expr
    shown = f"CAST({x} AS VARCHAR)"
    base = _required(field, x)
    if src in _INT_TYPES:
        if col.kind in ("str", "enum"):
            # Integer ids are written as digits, never as floats.
            text_checks, value = _text_rules(field, shown)
            return Rules(tuple(text_checks), value, shown)
        if col.kind == "int":
            c = Check(f"TRY_CAST({x} AS BIGINT) IS NULL AND {x} IS NOT NULL", lambda v: f"integer {v} is out of range")
            return Rules((*base, c), f"TRY_CAST({x} AS BIGINT)", shown)
        if col.kind == "float":
            return Rules(tuple(base), f"CAST({x} AS DOUBLE)", shown)
        if col.kind == "timestamp" and (field.table, col.name) in UNIX_SECONDS:
            return Rules(tuple(base), f"CAST(to_timestamp({x}) AS TIMESTAMP)", shown)
    elif src in _FLOAT_TYPES or src.startswith("DECIMAL"):
        if col.kind == "float":
            return Rules(tuple(base), f"CAST({x} AS DOUBLE)", shown)
        if col.kind == "int":
            # pandas writes integer columns with gaps as float64.
            c = Check(f"{x} IS NOT NULL AND ({x} <> trunc({x}) OR TRY_CAST({x} AS BIGINT) IS NULL)", lambda v: f"expected an integer, got {v}")
            return Rules((*base, c), f"TRY_CAST({x} AS BIGINT)", shown)
    elif src == "BOOLEAN":
        if col.kind == "bool":
            return Rules(tuple(base), x, shown)
    elif src in _TIME_TYPES:
        if col.kind == "timestamp":
            # The session time zone is UTC, so a zoned value lands in naive UTC.
            return Rules(tuple(base), f"CAST({x} AS TIMESTAMP)", shown)
    elif src.endswith("[]") and col.kind == "list":
        items = f"CAST({x} AS VARCHAR[])"
        checks = [
            *base,
            Check(f"list_max(list_transform({items}, lambda e: strlen(e))) > {MAX_FIELD_BYTES}", _size_msg),
            Check(f"list_bool_or(list_transform({items}, lambda e: contains(e, chr(0))))", _text_checks(x)[1].message),
        ]
        return Rules(tuple(checks), _list_value(field, items), shown)
    raise TypeMismatch(f"has Parquet type {src}; expected {_EXPECTED[col.kind]} ({col.kind})")


def rules(field: Field) -> Rules:
    if field.source == "json":
        return _json_rules(field)
    if field.source in ("text", "VARCHAR"):
        v = f"NULLIF({field.expr}, '')"
        checks, value = _text_rules(field, v)
        return Rules(tuple(checks), value, v)
    return _typed_rules(field)


def missing_rules(column: Column) -> str:
    """The stored value of a column the file does not have."""
    if column.default is not None:
        return sql_str(column.default)
    return f"CAST(NULL AS {column.duckdb_type})"


def ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name
