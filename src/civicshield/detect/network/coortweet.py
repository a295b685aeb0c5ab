"""CooRTweet-format input: the co-share network of ``object_id, account_id,
content_id, timestamp_share`` rows, written as GraphML and a CSV edge list.

A row is one share: account ``account_id`` shared object ``object_id`` (a
retweeted post, a URL, a hashtag) in its content ``content_id`` at
``timestamp_share`` (unix seconds).  One content may share several objects,
so a share is an (object, content) pair; an exact repeat of a row is the
same share and counted once.

Weights follow coordination-network-toolkit's ``co_retweet`` so results
can be compared edge for edge: in each direction, the number of distinct
shares of one account that have a share of the same object by the other
within ``window`` seconds (inclusive); undirected, the larger of the two.
Self-pairs are dropped.  The join is bucketed by ``window`` (same and
neighbouring bucket), so a hot object costs the square of its shares per
window, not of all its shares.  Nothing is capped here: this command is
meant to reproduce the exact network.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from civicshield.errors import DataError

COLUMNS = ("object_id", "account_id", "content_id", "timestamp_share")
SHARES_VIEW = "cs_coortweet_shares"


@dataclass(frozen=True)
class CoShareNetwork:
    edges: pa.Table  # source, target, weight
    shares: int
    accounts: int
    graphml: Path | None = None
    csv: Path | None = None


def read_coortweet(path: Path) -> pa.Table:
    """Read and validate a CooRTweet CSV; every column is read as text first so
    IDs never become floats and a bad timestamp is reported with its row."""
    path = Path(path)
    try:
        raw = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS},
                                                                         strings_can_be_null=False))
    except FileNotFoundError:
        raise DataError(str(path), None, None, "file not found") from None
    except pa.ArrowInvalid as e:
        raise DataError(str(path), None, None, f"not a readable CSV: {e}") from None
    for c in COLUMNS:
        if c not in raw.column_names:
            raise DataError(str(path), None, c, f"required column is missing (need {', '.join(COLUMNS)})")
    con = duckdb.connect()
    try:
        rows = raw.select(list(COLUMNS))
        con.register("raw", rows.append_column("n", pa.array(range(1, rows.num_rows + 1), pa.int64())))
        checks = [(c, f"TRIM({c}) = ''", "empty id") for c in COLUMNS[:3]]
        checks.append(("timestamp_share", "TRY_CAST(timestamp_share AS DOUBLE) IS NULL", "not a number of unix seconds"))
        for column, bad, message in checks:
            row = con.execute(f"SELECT n, {column} FROM raw WHERE {bad} ORDER BY n LIMIT 1").fetchone()
            if row:
                raise DataError(str(path), int(row[0]), column, f"{message}: {str(row[1])[:40]!r}")
        # file order, so a post's URLs and hashtags keep the order the file gave them on every run
        return con.sql(
            "SELECT object_id, account_id, content_id, ts FROM ("
            " SELECT object_id, account_id, content_id, CAST(timestamp_share AS DOUBLE) AS ts, MIN(n) AS n"
            " FROM raw GROUP BY ALL) ORDER BY n"
        ).to_arrow_table()
    finally:
        con.close()


def co_share_sql(window: float, min_weight: int) -> str:
    """Same-bucket pairs in both orders, and neighbouring-bucket pairs joined
    once and read in both directions."""
    w = float(window)
    return f"""
WITH s AS (
  SELECT object_id, account_id, content_id, ts, CAST(FLOOR(ts / {w}) AS BIGINT) AS b FROM {SHARES_VIEW}
),
adj AS (
  SELECT x.account_id AS a, y.account_id AS c, x.object_id AS o, x.content_id AS m, y.content_id AS n
  FROM s x JOIN s y ON x.object_id = y.object_id AND x.b + 1 = y.b
  WHERE x.account_id <> y.account_id AND y.ts - x.ts <= {w}
),
pairs AS (
  SELECT x.account_id AS a, y.account_id AS c, x.object_id AS o, x.content_id AS m
  FROM s x JOIN s y ON x.object_id = y.object_id AND x.b = y.b
  WHERE x.account_id <> y.account_id AND ABS(x.ts - y.ts) <= {w}
  UNION ALL SELECT a, c, o, m FROM adj
  UNION ALL SELECT c AS a, a AS c, o, n AS m FROM adj
),
directed AS (
  SELECT a, c, COUNT(*) AS w FROM (SELECT DISTINCT a, c, o, m FROM pairs) d GROUP BY a, c
)
SELECT LEAST(a, c) AS source, GREATEST(a, c) AS target, MAX(w) AS weight
FROM directed
GROUP BY LEAST(a, c), GREATEST(a, c)
HAVING MAX(w) >= {int(min_weight)}
ORDER BY source, target
"""


def _codes(col: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """A dictionary-encoded column as one array (encoded here if it is not yet)."""
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    return col.unify_dictionaries().combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def co_share_network(shares: pa.Table, window: float, min_participation: int = 1) -> pa.Table:
    """Edges ``(source, target, weight)`` with ``source < target``."""
    if window <= 0:
        raise ValueError(f"window must be a positive number of seconds, got {window}")
    # Integer codes join and group much faster than strings.  Accounts are
    # coded in sorted order so ``LEAST``/``GREATEST`` on codes orders the pair
    # as the ids would.
    objects, account_codes, contents = (_codes(shares.column(c)) for c in ("object_id", "account_id", "content_id"))
    order = pc.sort_indices(account_codes.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    accounts = pc.take(account_codes.dictionary, pa.array(order))
    coded = pa.table(
        {
            "object_id": objects.indices,
            "account_id": pa.array(rank[account_codes.indices.to_numpy(zero_copy_only=False)]),
            "content_id": contents.indices,
            "ts": shares.column("ts"),
        }
    )
    con = duckdb.connect()
    try:
        con.register(SHARES_VIEW, coded)
        edges = con.sql(co_share_sql(window, min_participation)).to_arrow_table()
    finally:
        con.close()
    return pa.table(
        {
            "source": pc.take(accounts, edges.column("source")),
            "target": pc.take(accounts, edges.column("target")),
            "weight": edges.column("weight"),
        }
    )


def write_network(edges: pa.Table, out: Path) -> tuple[Path, Path]:
    """``out.graphml`` (igraph; node attribute ``name``, edge ``weight``) and ``out.csv``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path, graphml_path = out.with_name(out.name + ".csv"), out.with_name(out.name + ".graphml")
    pacsv.write_csv(edges, csv_path)
    src, dst = edges.column("source").to_pylist(), edges.column("target").to_pylist()
    names = sorted(set(src) | set(dst))
    index = {a: i for i, a in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in zip(src, dst, strict=True)], directed=False)
    g.vs["name"] = names
    g.es["weight"] = [int(w) for w in edges.column("weight").to_pylist()]
    g.write_graphml(str(graphml_path))
    return graphml_path, csv_path


def coortweet_network(path: Path, window: float, min_participation: int, out: Path | None) -> CoShareNetwork:
    """Read a CooRTweet CSV, build the co-share network and write it when ``out`` is given."""
    shares = read_coortweet(path)
    edges = co_share_network(shares, window, min_participation)
    graphml = csv = None
    if out is not None:
        graphml, csv = write_network(edges, out)
    accounts = len(set(edges.column("source").to_pylist()) | set(edges.column("target").to_pylist()))
    return CoShareNetwork(edges=edges, shares=shares.num_rows, accounts=accounts, graphml=graphml, csv=csv)
