"""What the charts draw, read from the event store as plain data."""

from __future__ import annotations

import datetime as dt

from civicshield.report.period import Period


def activity(events, entries: list[dict], period: Period) -> dict[str, list[tuple[dt.date, int]]]:
    """Posts per day by each network's members within the period."""
    lo, hi = period.naive_bounds
    out = {}
    for e in entries:
        out[e["network_id"]] = [
            (d, n) for d, n in events.rows(
                """SELECT CAST(created_at AS DATE) AS d, count(*) FROM posts
                   WHERE account_id IN (SELECT UNNEST(?::VARCHAR[])) AND created_at >= ? AND created_at < ?
                   GROUP BY d ORDER BY d""", [e["member_ids"], lo, hi])]
    return out


def graph_edges(events, members: list[str]) -> list[tuple[str, str, str]]:
    """Links between members: a shared login device, or one engaging with the
    other (follow, or like/share of the other's post)."""
    edges: set[tuple[str, str, str]] = set()
    if events.has("logins"):
        for a, b in events.rows(
                """WITH m AS (SELECT DISTINCT account_id, device_id FROM logins
                              WHERE account_id IN (SELECT UNNEST(?::VARCHAR[])) AND coalesce(device_id, '') <> '')
                   SELECT DISTINCT x.account_id, y.account_id FROM m x JOIN m y
                   ON x.device_id = y.device_id AND x.account_id < y.account_id""", [members]):
            edges.add((a, b, "device"))
    if events.has("engagements"):
        for a, b in events.rows(
                """WITH m AS (SELECT UNNEST(?::VARCHAR[]) AS id)
                   SELECT DISTINCT e.actor_id, coalesce(p.account_id, e.target_id) FROM engagements e
                   LEFT JOIN posts p ON p.post_id = e.target_id
                   WHERE e.actor_id IN (SELECT id FROM m) AND coalesce(p.account_id, e.target_id) IN (SELECT id FROM m)
                     AND e.actor_id <> coalesce(p.account_id, e.target_id)""", [members]):
            edges.add((min(a, b), max(a, b), "engagement"))
    return sorted(edges)


def created_dates(events, members: list[str]) -> list[dt.datetime]:
    return [r[0] for r in events.rows(
        "SELECT created_at FROM accounts WHERE account_id IN (SELECT UNNEST(?::VARCHAR[])) ORDER BY created_at",
        [members])]
