"""Co-action keys: what two posts must share to count as acting together.

This is the Python side of the boundary described in docs/coordination.md:
turning a post into keys needs ``civicshield.text`` (URL normalisation, text
folding) and datasketch (near-duplicate text), which SQL engines do not
have.  The output is one Arrow table ``(account_id, post_id, kind, key, ts)``
that the set-based projection (``projection.py``) joins in SQL.

Work is done once per *distinct* value (a URL shared 100k times is
normalised once) and lists are flattened with Arrow kernels, never per row
in Python.  A post with no key of a kind contributes no row for that kind:
an empty URL or an empty text never becomes a key (the toolkit bug where
every URL-less post was "coordinated" on ``''``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from civicshield.detect.network.neardup import near_duplicate_groups
from civicshield.text import content_text, fold, normalize_url

KEY_KINDS = ("hashtag", "url", "audio", "mention", "text", "neardup")

_DICT = pa.dictionary(pa.int32(), pa.string())
# account_id, kind and key are dictionary-encoded: at 10M posts there are
# ~30M key rows but few distinct values, and the projection joins on the
# integer codes anyway.
KEYS_SCHEMA = pa.schema(
    [("account_id", _DICT), ("post_id", pa.string()), ("kind", pa.dictionary(pa.int8(), pa.string())), ("key", _DICT),
     ("ts", pa.int64())]
)

POST_COLUMNS = ("post_id", "account_id", "created_at", "text", "hashtags", "urls", "mentions", "audio_id")
# The posts column each key kind is read from.
KIND_COLUMNS = {"hashtag": "hashtags", "url": "urls", "audio": "audio_id", "mention": "mentions", "text": "text", "neardup": "text"}


def _digest(s: str) -> str:
    return hashlib.blake2b(s.encode(), digest_size=8).hexdigest()


def _dict(values: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    enc = pc.dictionary_encode(values)
    return enc.combine_chunks() if isinstance(enc, pa.ChunkedArray) else enc


def _map_distinct(values: pa.Array, fn: Callable[[str], str]) -> pa.DictionaryArray:
    """Apply ``fn`` once per distinct string; empty results become null.
    Distinct inputs that map to one output (two spellings of a URL) share a code."""
    enc = _dict(values)
    mapped = _dict(pa.array([fn(v) or None for v in enc.dictionary.to_pylist()], pa.string()))
    return pa.DictionaryArray.from_arrays(pc.take(mapped.indices, enc.indices), mapped.dictionary)


def _seconds(ts: pa.Array) -> pa.Array:
    return pc.divide(pc.cast(pc.cast(ts, pa.timestamp("us")), pa.int64()), 1_000_000)


def _rows(kind: str, account: pa.Array, post: pa.Array, ts: pa.Array, key: pa.DictionaryArray) -> pa.Table:
    keep = pc.is_valid(key)
    n = int(pc.sum(keep).as_py() or 0)
    return pa.table(
        {
            "account_id": pc.filter(account, keep),
            "post_id": pc.filter(post, keep),
            "kind": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int8)), pa.array([kind])),
            "key": pc.filter(key, keep),
            "ts": pc.filter(ts, keep),
        },
        schema=KEYS_SCHEMA,
    )


def _list_keys(kind: str, posts: pa.Table, account: pa.DictionaryArray, post: pa.Array, column: str,
               fn: Callable[[str], str], ts: pa.Array) -> pa.Table:
    lists = posts.column(column).combine_chunks()
    flat = pc.list_flatten(lists)
    if len(flat) == 0:
        return KEYS_SCHEMA.empty_table()
    parent = pc.list_parent_indices(lists)
    return _rows(kind, pc.take(account, parent), pc.take(post, parent), pc.take(ts, parent), _map_distinct(flat, fn))


def _mention_pattern(lists: pa.Array) -> pa.Array:
    """One key per post: the sorted set of accounts it mentions (only posts
    that mention someone are looked at in Python)."""
    has = np.flatnonzero(pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False) > 0)
    patterns = []
    for ms in pc.take(lists, pa.array(has, pa.int64())).to_pylist():
        ms = sorted({fold(m).lstrip("@") for m in ms if m and m.strip()})
        patterns.append(" ".join(ms) if ms else None)
    index = np.full(len(lists), len(patterns), dtype=np.int64)
    index[has] = np.arange(len(has))
    return pc.take(pa.array([*patterns, None], pa.string()), pa.array(index))


def row_keys(posts: pa.Table, kinds: Iterable[str] = KEY_KINDS, min_text_words: int = 4) -> pa.Table:
    """Posts (contract columns) -> co-action keys, one row per (post, kind, key),
    each row from its own post only: the same rows whatever slices the posts
    come in, so the Spark engine runs this very function over batches on its
    executors.

    ``text`` keys are the folded text (URLs, mentions, punctuation, case and
    diacritics dropped) of posts with at least ``min_text_words`` words.
    ``neardup`` rows carry that folded text too, as a *candidate*:
    ``link_near_duplicates`` replaces it with its group's label, a step over
    all distinct texts at once.
    """
    kinds = set(kinds)
    unknown = kinds - set(KEY_KINDS)
    if unknown:
        raise ValueError(f"unknown key kinds {sorted(unknown)}; known: {', '.join(KEY_KINDS)}")
    if posts.num_rows == 0:
        return KEYS_SCHEMA.empty_table()
    ts = _seconds(posts.column("created_at").combine_chunks())
    account = _dict(posts.column("account_id"))
    post = posts.column("post_id").combine_chunks()
    parts = []
    missing = sorted({c for k, c in KIND_COLUMNS.items() if k in kinds} - set(posts.column_names))
    if missing:
        raise ValueError(f"posts lack column(s) {', '.join(missing)} needed for the chosen key kinds")
    if "hashtag" in kinds:
        parts.append(_list_keys("hashtag", posts, account, post, "hashtags", lambda h: fold(h).lstrip("#"), ts))
    if "url" in kinds:
        parts.append(_list_keys("url", posts, account, post, "urls", normalize_url, ts))
    if "audio" in kinds:
        parts.append(_rows("audio", account, post, ts, _map_distinct(posts.column("audio_id"), str.strip)))
    if "mention" in kinds:
        parts.append(_rows("mention", account, post, ts, _dict(_mention_pattern(posts.column("mentions").combine_chunks()))))
    if kinds & {"text", "neardup"}:
        texts = _map_distinct(posts.column("text"), content_text)
        distinct = texts.dictionary.to_pylist()
        long_enough = [len(t.split()) >= min_text_words for t in distinct]
        if "text" in kinds:
            digests = _dict(pa.array([_digest(t) if ok else None for t, ok in zip(distinct, long_enough, strict=True)],
                                     pa.string()))
            parts.append(_rows("text", account, post, ts, _recode(texts, digests)))
        if "neardup" in kinds:
            candidates = _dict(pa.array([t if ok else None for t, ok in zip(distinct, long_enough, strict=True)],
                                        pa.string()))
            parts.append(_rows("neardup", account, post, ts, _recode(texts, candidates)))
    if not parts:
        return KEYS_SCHEMA.empty_table()
    return pa.concat_tables(parts).unify_dictionaries().combine_chunks()


def near_duplicate_labels(texts: list[str], threshold: float = 0.6, num_perm: int = 64) -> list[str | None]:
    """``near_duplicate_groups`` over the texts in sorted order, so a group's
    label does not depend on the order rows came in (engines return distinct
    values in any order).  Aligned with ``texts``."""
    # Arrow sorts strings by their UTF-8 bytes, which is code point order, as ``sorted`` does.
    order = pc.sort_indices(pa.array(texts, pa.string())).to_numpy().tolist()
    groups = near_duplicate_groups([texts[i] for i in order], threshold=threshold, num_perm=num_perm)
    out: list[str | None] = [None] * len(texts)
    for i, g in zip(order, groups, strict=True):
        out[i] = g
    return out


def link_near_duplicates(keys: pa.Table, threshold: float = 0.6, num_perm: int = 64) -> pa.Table:
    """Replace the candidate texts of ``neardup`` rows by their group's label
    (MinHash LSH over all distinct candidates); a text with no near-duplicate
    gives no ``neardup`` row (its exact ``text`` key covers it)."""
    kind = pc.cast(keys.column("kind"), pa.string())
    nd = pc.equal(kind, "neardup")
    if not pc.any(nd).as_py():
        return keys
    rows = keys.filter(nd)
    key = rows.column("key").combine_chunks()
    used = pc.unique(key.indices)
    labels = _dict(pa.array(near_duplicate_labels(pc.take(key.dictionary, used).to_pylist(), threshold, num_perm),
                            pa.string()))
    code = np.full(len(key.dictionary), -1, dtype=np.int32)
    code[used.to_numpy(zero_copy_only=False)] = pc.fill_null(labels.indices, -1).to_numpy(zero_copy_only=False)
    relabeled = code[key.indices.to_numpy(zero_copy_only=False)]
    keep = relabeled >= 0
    linked = rows.filter(pa.array(keep)).set_column(
        rows.schema.get_field_index("key"), "key",
        pa.DictionaryArray.from_arrays(pa.array(relabeled[keep], pa.int32()), labels.dictionary))
    return pa.concat_tables([keys.filter(pc.invert(nd)), linked]).unify_dictionaries().combine_chunks()


def extract_keys(
    posts: pa.Table,
    kinds: Iterable[str] = KEY_KINDS,
    min_text_words: int = 4,
    near_threshold: float = 0.6,
    num_perm: int = 64,
) -> pa.Table:
    """Posts (contract columns) -> co-action keys, one row per (post, kind, key):
    ``row_keys`` then ``link_near_duplicates``.  ``neardup`` keys group texts
    whose word sets have an estimated Jaccard similarity of at least
    ``near_threshold`` (MinHash LSH)."""
    return link_near_duplicates(row_keys(posts, kinds, min_text_words), near_threshold, num_perm)


def _recode(values: pa.DictionaryArray, per_value: pa.DictionaryArray) -> pa.DictionaryArray:
    """``values`` with each dictionary entry replaced by ``per_value``'s entry at the same position."""
    return pa.DictionaryArray.from_arrays(pc.take(per_value.indices, values.indices), per_value.dictionary)
