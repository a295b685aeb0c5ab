"""The key table kept in the engine (the Spark path) gives what the key
table in this process gives (the DuckDB path), and the per-row key step
really is per-row: any slicing of the posts gives the same keys."""

from __future__ import annotations

import pyarrow as pa

from civicshield.detect import DetectionContext, get, run_detector
from civicshield.detect.network.keys import KEY_KINDS, extract_keys, link_near_duplicates, row_keys


def _plain(t: pa.Table) -> list[tuple]:
    cols = [t.column(c).cast(pa.string()) if c != "ts" else t.column(c) for c in ("account_id", "post_id", "kind", "key", "ts")]
    return sorted(zip(*(c.to_pylist() for c in cols), strict=True))


def test_row_keys_are_per_row(small_scenario):
    _, ws = small_scenario
    with ws.events(read_only=True) as store:
        posts = store.query("SELECT post_id, account_id, created_at, text, hashtags, urls, mentions, audio_id FROM posts")
    whole = row_keys(posts, KEY_KINDS)
    sliced = pa.concat_tables([row_keys(posts.slice(lo, 777), KEY_KINDS).cast(whole.schema.remove_metadata())
                               for lo in range(0, posts.num_rows, 777)]
                              ).unify_dictionaries()
    assert whole.num_rows > posts.num_rows  # several kinds per post
    assert _plain(sliced) == _plain(whole)
    # linking near-duplicates afterwards is what extract_keys does in one go
    linked = link_near_duplicates(whole)
    assert _plain(linked) == _plain(extract_keys(posts, KEY_KINDS))
    nd = [r for r in _plain(linked) if r[2] == "neardup"]
    assert nd and all(r[3].startswith("nd-") for r in nd)


def test_engine_kept_keys_give_the_same_networks(small_scenario):
    """Run coordination on DuckDB twice: keys in this process (codes) and keys
    kept in the engine (row_keys through ctx.mapped, labels joined in SQL)."""
    _, ws = small_scenario
    with ws.events(read_only=True) as store:
        local = run_detector(get("coordination"), DetectionContext(store, store.election()))
        store.distributed = True  # what the Spark store declares
        try:
            kept = run_detector(get("coordination"), DetectionContext(store, store.election()))
        finally:
            del store.distributed
    assert local.findings
    assert [f.to_row() for f in kept.findings] == [f.to_row() for f in local.findings]
