"""Creation bursts that the local sign-up rate cannot explain.

Ten accounts created in six minutes mean nothing on a platform that gets a
thousand sign-ups a minute, and a lot on one that gets ten a day.  The test
is a Poisson tail: the number created in a window against the rate of the
days around it.  The same rule therefore holds from a research sample to a
national platform, instead of a count threshold fitted to one of them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from scipy.stats import poisson


def surprising_bursts(
    created: list[tuple[dt.datetime, str]],
    window: dt.timedelta,
    min_count: int,
    max_pvalue: float,
    baseline: dt.timedelta = dt.timedelta(days=3),
) -> list[list[str]]:
    """Runs of accounts (sorted by creation) in which some ``window`` holds
    at least ``min_count`` creations with Poisson tail probability below
    ``max_pvalue`` given the rate over ``baseline`` either side (the burst
    itself taken out).  Overlapping windows merge."""
    if max_pvalue <= 0 or len(created) < min_count:
        return []
    created = sorted(created)
    t = np.array([c[0] for c in created], dtype="datetime64[us]").astype(np.int64) / 1e6
    width, half = window.total_seconds(), baseline.total_seconds()
    j = np.searchsorted(t, t + width, side="right") - 1  # last creation inside the window from each one
    k = j - np.arange(len(t)) + 1
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    # the baseline span is cut at the ends of the data, so the edges of a
    # dataset do not look like bursts
    span = np.minimum(t + half, t[-1]) - np.maximum(t - half, t[0])
    span = np.maximum(span, width)
    rate = np.maximum(hi - lo - k, 1) / span  # per second, the burst taken out, never zero
    hit = (k >= min_count) & (poisson.sf(k - 1, rate * width) < max_pvalue)
    runs: list[list[int]] = []
    for i in np.flatnonzero(hit):
        if runs and i <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], int(j[i]))
        else:
            runs.append([int(i), int(j[i])])
    return [[a for _, a in created[i:e + 1]] for i, e in runs]
