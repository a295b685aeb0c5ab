"""The contract's tables as Spark views: which Parquet types a column may
have, and the SQL that gives each column its contract type and the same
normalisation ingest applies (empty text is NULL, enums lower-case with
their default, hashtags without ``#``, empty lists NULL), so that the
detectors see the same values on both engines.

Only the schema is checked here (columns and their types, one Parquet
footer per file); values are not scanned.  ``civicshield ingest`` checks
every value; the Spark engine trusts the pipeline that wrote the Parquet
beyond its types (docs/spark.md, "Limits").
"""

from __future__ import annotations

from civicshield.contract import TABLES, Column
from civicshield.errors import DataError

# Spark type names (DataType.simpleString) each contract kind accepts.
_INTS = ("tinyint", "smallint", "int", "bigint")
ACCEPTED = {
    "str": ("string",),
    "enum": ("string",),
    "int": _INTS,
    "float": (*_INTS, "float", "double"),
    "bool": ("boolean",),
    "timestamp": ("timestamp", "timestamp_ntz"),
    "list": ("array<string>",),
}
_SPARK_TYPE = {"str": "STRING", "enum": "STRING", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
               "timestamp": "TIMESTAMP", "list": "ARRAY<STRING>"}
_WANTED = {"str": "a string", "enum": "a string", "int": "an integer", "float": "a number", "bool": "a boolean",
           "timestamp": "a timestamp", "list": "a list of strings"}


def _accepts(col: Column, spark_type: str) -> bool:
    return spark_type in ACCEPTED[col.kind] or (col.kind == "float" and spark_type.startswith("decimal"))


def check_file(table: str, file: str, types: dict[str, str]) -> None:
    """Raise a DataError naming the file and column when a Parquet file of
    ``table`` lacks a required column or holds a column of the wrong type."""
    for col in TABLES[table].columns:
        if col.name not in types:
            if col.required:
                raise DataError(file, None, col.name, f"required column is missing from table '{table}'")
            continue
        if not _accepts(col, types[col.name]):
            raise DataError(file, None, col.name,
                            f"has Parquet type {types[col.name]}; expected {_WANTED[col.kind]} ({col.kind})")


def _quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _value(col: Column, present: bool) -> str:
    q = f"`{col.name}`"
    if not present:
        default = _quote(col.default) if col.default is not None else "NULL"
        return f"CAST({default} AS {_SPARK_TYPE[col.kind]})"
    if col.kind == "str":
        return f"NULLIF({q}, '')"
    if col.kind == "enum":
        default = _quote(col.default) if col.default is not None else "NULL"
        return f"COALESCE(LOWER(TRIM(NULLIF({q}, ''))), {default})"
    if col.kind == "list":
        item = "TRIM(LEADING '#' FROM LOWER(x))" if col.name == "hashtags" else "x"
        items = f"FILTER(TRANSFORM({q}, x -> {item}), x -> x IS NOT NULL AND x <> '')"
        return f"CASE WHEN SIZE({items}) > 0 THEN {items} END"
    return f"CAST({q} AS {_SPARK_TYPE[col.kind]})"


def view_sql(table: str, source: str, present: set[str]) -> str:
    """SELECT over ``source`` giving ``table``'s contract columns, in order."""
    cols = ", ".join(f"{_value(c, c.name in present)} AS `{c.name}`" for c in TABLES[table].columns)
    return f"SELECT {cols} FROM {source}"
