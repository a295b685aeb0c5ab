"""Synthetic posts for the coordination benchmarks (deterministic per seed).

Shaped like the anchors' benchmark data: Zipf key popularity (a few very hot
hashtags, links and texts), viral bursts, and planted groups that co-post
within seconds many times.  Text is lower-case ASCII words without
punctuation, so that civicshield's folding and the toolkit's preprocessing
leave it unchanged and exact-text networks can be compared edge for edge.
At most one URL per post, for the same reason (the toolkit counts posts,
civicshield counts (post, key) shares).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

T0 = 1_727_740_800  # 2024-10-01
SPAN = 30 * 86400
VOCAB = np.array([f"w{i}" for i in range(5000)])


def posts(n: int, seed: int = 1) -> pa.Table:
    """``n`` posts with the contract's post columns used by coordination."""
    rng = np.random.default_rng(seed)
    n_accounts = max(n // 10, 100)
    # heavy-tailed activity: lognormal weights, the busiest account posts ~1000x the median
    weight = rng.lognormal(0.0, 1.5, n_accounts)
    account = rng.choice(n_accounts, n, p=weight / weight.sum())
    ts = T0 + rng.integers(0, SPAN, n)
    # viral bursts: 2% of posts land in 50 one-hour bursts on one hashtag each
    burst = rng.random(n) < 0.02
    burst_id = rng.integers(0, 50, n)
    ts = np.where(burst, T0 + burst_id * (SPAN // 50) + rng.integers(0, 3600, n), ts)
    # planted groups: 200 groups of 10 accounts, 30 events each, every member within 20 s
    n_groups, size, events = 200, 10, 30
    plant = min(n // 10, n_groups * size * events)
    idx = np.arange(plant)
    grp, ev = idx // (size * events), (idx // size) % events
    account[:plant] = n_accounts + grp * size + idx % size
    ts[:plant] = T0 + (grp * 7919 + ev * 86_400) % SPAN + rng.integers(0, 20, plant)
    tag = rng.zipf(1.5, n) % 50_000
    tag = np.where(burst, 100_000 + burst_id, tag)
    tag[:plant] = 200_000 + grp * events + ev
    has_url = rng.random(n) < 0.3
    url_id = rng.zipf(1.4, n) % 200_000
    url_id[:plant] = 300_000 + grp * events + ev
    has_url[:plant] = True
    msg = rng.zipf(1.3, n) % 400_000
    msg[:plant] = 500_000 + grp * 3 + ev % 3
    has_text = rng.random(n) < 0.8
    has_text[:plant] = True
    # near-duplicates: a third of texts get one word swapped
    swap = rng.random(n) < 0.33
    swap_word = rng.integers(0, len(VOCAB), n)

    msg_words = {}

    def text(m: int, s: bool, w: int) -> str:
        words = msg_words.get(m)
        if words is None:
            r = np.random.default_rng(m)
            words = msg_words[m] = list(VOCAB[r.integers(0, len(VOCAB), 10)])
        if s:
            words = [*words[:9], VOCAB[w]]
        return " ".join(words)

    texts = [text(int(m), bool(s), int(w)) if h else None for m, s, w, h in zip(msg, swap, swap_word, has_text, strict=True)]
    return pa.table(
        {
            "post_id": pa.array([f"p{i}" for i in range(n)]),
            "account_id": pa.array([f"a{a}" for a in account]),
            "created_at": pa.array(ts * 1_000_000, pa.int64()).cast(pa.timestamp("us")),
            "text": pa.array(texts, pa.string()),
            "hashtags": pa.array([[f"t{t}"] for t in tag], pa.list_(pa.string())),
            "urls": pa.array([[f"site{u % 997}.ro/a{u}"] if h else [] for u, h in zip(url_id, has_url, strict=True)],
                             pa.list_(pa.string())),
            "mentions": pa.array([[] for _ in range(n)], pa.list_(pa.string())),
            "audio_id": pa.array([None] * n, pa.string()),
        }
    )
