"""civicshield vs coordination-network-toolkit on the same posts.

    python bench/coordination/vs_toolkit.py --posts 1000000 [--skip-similar]

Networks: co-link (same normalised URL), co-text (same text), near-duplicate
text; window 60 s, every edge kept (min weight 1).  civicshield: keys from
Arrow posts (``keys.extract_keys``) then the bucketed co-share join
(``coortweet.co_share_network``, the toolkit's weight definition).  Toolkit:
its own SQLite preprocessing, then ``compute_co_link_network``,
``compute_co_tweet_network`` and ``compute_co_similar_tweet`` with 2 threads.
The toolkit's empty-URL / empty-text bug is worked around by giving it no
empty URLs and no posts without text, so both sides see the same shares.

Prints seconds per side and whether the exact kinds have identical edges
(undirected, the larger directed weight, no self-loops).  Install the toolkit
in the benchmark environment: ``pip install -r bench/coordination/requirements.txt``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data import posts as make_posts  # noqa: E402

from civicshield.detect.network.coortweet import co_share_network  # noqa: E402
from civicshield.detect.network.keys import extract_keys  # noqa: E402


def ours(table: pa.Table, kind: str) -> tuple[float, dict]:
    t, cpu = time.perf_counter(), time.process_time()
    keys = extract_keys(table, (kind,), min_text_words=1, near_threshold=0.9)
    shares = pa.table({"object_id": keys["key"], "account_id": keys["account_id"], "content_id": keys["post_id"],
                       "ts": pc.cast(keys["ts"], pa.float64())})
    edges = co_share_network(shares, 60, 1)
    secs = time.perf_counter() - t
    print(f"  civicshield {kind}: {secs:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    return secs, {(s, d): w for s, d, w in zip(*(edges[c].to_pylist() for c in ("source", "target", "weight")), strict=True)}


def toolkit_db(table: pa.Table, path: Path) -> float:
    from coordination_network_toolkit.preprocess import preprocess_data

    cols = [table[c].to_pylist() for c in ("post_id", "account_id", "created_at", "text", "urls")]
    t = time.perf_counter()
    rows = (
        (pid, acc, acc, None, None, text, created.timestamp(), urls)
        for pid, acc, created, text, urls in zip(*cols, strict=True)
        if text  # the workaround: posts without text would all be "co-tweets" of ''
    )
    preprocess_data(str(path), rows)
    return time.perf_counter() - t


def toolkit(path: Path, kind: str) -> tuple[float, dict]:
    from coordination_network_toolkit import compute_networks as cn

    fn, table = {
        "url": (cn.compute_co_link_network, "co_link_network"),
        "text": (cn.compute_co_tweet_network, "co_tweet_network"),
        "neardup": (cn.compute_co_similar_tweet, "co_similar_tweet_network"),
    }[kind]
    t = time.perf_counter()
    fn(str(path), 60, n_threads=2)
    secs = time.perf_counter() - t
    out: dict = {}
    with sqlite3.connect(path) as db:
        for u, v, w in db.execute(f"SELECT user_1, user_2, weight FROM {table} WHERE user_1 != user_2"):
            key = (min(u, v), max(u, v))
            out[key] = max(out.get(key, 0), w)
    return secs, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-similar", action="store_true", help="skip the toolkit's co_similar_tweet (minutes at 1M)")
    args = ap.parse_args()
    t = time.perf_counter()
    table = make_posts(args.posts, args.seed)
    # both sides get the same posts: only those with text (the toolkit needs a message per post)
    table = table.filter(pc.is_valid(table["text"]))
    print(f"data: {table.num_rows:,} posts in {time.perf_counter() - t:.1f} s; load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "toolkit.db"
        print(f"toolkit preprocess (CSV-free, straight from Python): {toolkit_db(table, db):.1f} s")
        for kind, name in (("url", "co_link"), ("text", "co_tweet"), ("neardup", "co_similar_tweet")):
            our_s, our_e = ours(table, kind)
            if kind == "neardup" and args.skip_similar:
                print(f"{name:17s} civicshield {our_s:7.2f} s ({len(our_e):,} edges); toolkit skipped")
                continue
            their_s, their_e = toolkit(db, kind)
            same = "same edges" if our_e == their_e else f"edges differ ({len(our_e):,} vs {len(their_e):,})"
            if kind == "neardup":
                same = f"{len(our_e):,} vs {len(their_e):,} edges (LSH groups vs pairwise Jaccard: not comparable)"
            print(f"{name:17s} civicshield {our_s:7.2f} s   toolkit {their_s:7.2f} s   x{their_s / our_s:5.1f}   {same}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (this process) {peak:,.0f} MB; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
