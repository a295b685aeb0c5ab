"""Small server-side summaries drawn with <meter> bars (no script and no
inline style, which the CSP forbids)."""

from __future__ import annotations

from collections import Counter


def _bars(counter: Counter) -> list[dict]:
    top = max(counter.values(), default=0)
    return [{"label": k, "n": n, "max": top} for k, n in sorted(counter.items())]


def creation_histogram(accounts: list[dict]) -> list[dict]:
    """Accounts per creation month: a batch of accounts made together shows as one tall bar."""
    return _bars(Counter(str(a["created_at"])[:7] for a in accounts if a.get("created_at")))


def timeline(posts: list[dict]) -> list[dict]:
    """Posts per hour."""
    return _bars(Counter(str(p["created_at"])[:13].replace("T", " ") + "h" for p in posts if p.get("created_at")))
