"""Posts with their "is this about the election" assessment, shared by the
detectors that need it (labels, political ads, paid promotion)."""

from __future__ import annotations

import datetime as dt

from civicshield.detect.content._political import PoliticalMatcher

LOOKBACK_DAYS = 365


def posts_about_election(ctx, matcher: PoliticalMatcher, where: str = "TRUE", lookback_days: int = LOOKBACK_DAYS):
    """(post columns, assessments) for posts matching ``where`` made since
    ``lookback_days`` before the watch start; shared by the detectors that
    ask "is this political".  Campaigns start before the monitored period,
    and their early posts are still on display."""
    since = dt.datetime.combine(ctx.election.watch_from, dt.time()) - dt.timedelta(days=lookback_days)
    tbl = ctx.query(
        "SELECT post_id, account_id, created_at, text, hashtags, language FROM posts "
        f"WHERE created_at >= ? AND ({where}) ORDER BY post_id",
        [since],
    )
    cols = {name: tbl.column(name).to_pylist() for name in tbl.column_names}
    return cols, matcher.assess_many(tbl.column("text"), cols["hashtags"])
