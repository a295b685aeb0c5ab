"""Where the co-action key table lives while the projection runs.

The projection (``projection.py``) is one SQL text over ``KEYS_VIEW``; what
differs between engines is only where the key rows are:

- ``LocalKeys`` (DuckDB): the keys are an Arrow table in this process,
  extracted one posts column at a time, and the view holds their integer
  dictionary codes (joins on integers are several times faster); pair
  events are decoded after the join.
- ``EngineKeys`` (Spark): the keys never come to this process.
  ``keys.row_keys`` runs over batches of posts on the executors
  (``ctx.mapped``); only the distinct near-duplicate candidate texts come
  back, for the MinHash LSH grouping (``keys.link_near_duplicates`` does
  the same on one machine), and their labels go out again as a small view
  joined in SQL.  The view holds strings.

Both give the same pair events (as strings), the same account count and
the same example post per text key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from civicshield.detect.network.keys import KIND_COLUMNS, extract_keys, near_duplicate_labels, row_keys
from civicshield.detect.network.projection import KEYS_VIEW

RAW_KEYS_VIEW = "cs_coaction_raw_keys"
LABELS_VIEW = "cs_neardup_labels"
WANTED_KEYS_VIEW = "cs_wanted_keys"
PLAIN_KEYS = pa.schema([("account_id", pa.string()), ("post_id", pa.string()), ("kind", pa.string()),
                        ("key", pa.string()), ("ts", pa.int64())])


class LocalKeys:
    """The key table in this process (DuckDB path)."""

    def __init__(self, ctx, kinds: tuple[str, ...], min_text_words: int, near_threshold: float):
        # One posts column at a time, so that only one of the large columns
        # (text, above all) is in memory at once.
        parts = []
        for column in dict.fromkeys(KIND_COLUMNS[k] for k in kinds):
            wanted = tuple(k for k in kinds if KIND_COLUMNS[k] == column)
            posts = ctx.query(f"SELECT post_id, account_id, created_at, {column} FROM posts")
            parts.append(extract_keys(posts, wanted, min_text_words, near_threshold))
            del posts
        self.keys = pa.concat_tables(parts).unify_dictionaries().combine_chunks()
        self.ctx = ctx

    @property
    def empty(self) -> bool:
        return self.keys.num_rows == 0

    @property
    def n_accounts(self) -> int:
        return pc.count_distinct(self.keys.column("account_id").combine_chunks().indices).as_py()

    @contextmanager
    def view(self) -> Iterator[None]:
        """``KEYS_VIEW`` as integer codes.  ``(kind, key)`` identifies a key,
        so one code shared by a hashtag and an audio id of the same spelling
        is harmless."""
        coded = pa.table({c: self.keys.column(c).combine_chunks().indices for c in ("account_id", "kind", "key")}
                         | {"ts": self.keys.column("ts")})
        with self.ctx.views(**{KEYS_VIEW: coded}):
            yield

    def decode(self, pe: pa.Table) -> pa.Table:
        cols = {c: pe.column(c) for c in pe.column_names}
        accounts = self.keys.column("account_id").combine_chunks().dictionary
        cols["u"], cols["v"] = pc.take(accounts, pe.column("u")), pc.take(accounts, pe.column("v"))
        cols["kind"] = pc.take(self.keys.column("kind").combine_chunks().dictionary, pe.column("kind"))
        cols["key"] = pc.take(self.keys.column("key").combine_chunks().dictionary, pe.column("key"))
        return pa.table(cols)

    def first_posts(self, wanted: set[str]) -> dict[str, str]:
        """The smallest post id per key among ``wanted`` keys."""
        key = self.keys.column("key").combine_chunks()
        codes = pc.index_in(pa.array(sorted(wanted), pa.string()), value_set=key.dictionary)
        sel = self.keys.filter(pc.and_(pc.is_in(key.indices, value_set=pc.drop_null(codes)),
                                       pc.is_valid(self.keys.column("post_id"))))
        sel = pa.table({"key": pc.cast(sel.column("key"), pa.string()), "post_id": sel.column("post_id")})
        first = sel.group_by("key").aggregate([("post_id", "min")])
        return dict(zip(first.column("key").to_pylist(), first.column("post_id_min").to_pylist(), strict=True))


class EngineKeys:
    """The key table inside the engine (Spark path); see the module docstring."""

    def __init__(self, ctx, kinds: tuple[str, ...], min_text_words: int, near_threshold: float):
        self.ctx, self.kinds, self.min_text_words, self.near_threshold = ctx, kinds, min_text_words, near_threshold

    @contextmanager
    def open(self) -> Iterator[EngineKeys]:
        columns = ", ".join(dict.fromkeys(KIND_COLUMNS[k] for k in self.kinds))
        fn = partial(row_keys, kinds=self.kinds, min_text_words=self.min_text_words)
        with self.ctx.mapped(RAW_KEYS_VIEW, f"SELECT post_id, account_id, created_at, {columns} FROM posts", fn,
                             PLAIN_KEYS):
            texts = self.ctx.query(f"SELECT DISTINCT key FROM {RAW_KEYS_VIEW} WHERE kind = 'neardup'")
            texts = texts.column("key").to_pylist()
            labels = near_duplicate_labels(texts, self.near_threshold) if texts else []
            grouped = [(t, g) for t, g in zip(texts, labels, strict=True) if g is not None]
            table = pa.table({"text": [t for t, _ in grouped], "label": [g for _, g in grouped]},
                             schema=pa.schema([("text", pa.string()), ("label", pa.string())]))
            with self.ctx.views(**{LABELS_VIEW: table}), self.ctx.sql_view(KEYS_VIEW, _linked_sql()):
                n = self.ctx.query(f"SELECT COUNT(*) AS n, COUNT(DISTINCT account_id) AS a FROM {KEYS_VIEW}")
                self.rows, self.n_accounts = n.column("n")[0].as_py(), n.column("a")[0].as_py()
                yield self

    @property
    def empty(self) -> bool:
        return self.rows == 0

    @contextmanager
    def view(self) -> Iterator[None]:
        yield  # KEYS_VIEW is open for as long as ``open``

    def decode(self, pe: pa.Table) -> pa.Table:
        return pe

    def first_posts(self, wanted: set[str]) -> dict[str, str]:
        with self.ctx.views(**{WANTED_KEYS_VIEW: pa.table({"key": pa.array(sorted(wanted), pa.string())})}):
            rows = self.ctx.query(f"SELECT k.key, MIN(k.post_id) AS post_id FROM {KEYS_VIEW} k "
                                  f"JOIN {WANTED_KEYS_VIEW} w ON k.key = w.key "
                                  "WHERE k.post_id IS NOT NULL GROUP BY k.key").to_pylist()
        return {r["key"]: r["post_id"] for r in rows}


def _linked_sql() -> str:
    return f"""
SELECT account_id, post_id, kind, key, ts FROM {RAW_KEYS_VIEW} WHERE kind <> 'neardup'
UNION ALL
SELECT r.account_id, r.post_id, r.kind, l.label AS key, r.ts
FROM {RAW_KEYS_VIEW} r JOIN {LABELS_VIEW} l ON r.key = l.text
WHERE r.kind = 'neardup'
"""


@contextmanager
def key_table(ctx, kinds: tuple[str, ...], min_text_words: int, near_threshold: float) -> Iterator[LocalKeys | EngineKeys]:
    """The key table for this engine: kept in the engine where the engine is
    distributed, in this process otherwise."""
    if ctx.distributed:
        with EngineKeys(ctx, kinds, min_text_words, near_threshold).open() as keys:
            yield keys
    else:
        yield LocalKeys(ctx, kinds, min_text_words, near_threshold)
