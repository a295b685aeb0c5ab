"""Batch-created cohorts: many accounts created within minutes of each other
by one operator (Bellutta & Carley 2023).

Creation time alone is not enough on a real platform (thousands of genuine
sign-ups a minute), so two accounts created within ``window_minutes`` are
linked only when they also share an operator's trace: a device id in
``signups``/``logins``, or a handle pattern (same letters once digits are
dropped, or trailing numbers a few apart after a common start:
``maria.pop2231``/``mariana.p2232``).
A shared IP prefix alone does not link (campuses and mobile carriers put
thousands of genuine people behind one prefix); it only joins accounts that
already share a device with another co-created account.  Accounts with no device
record at all (data without ``signups``/``logins``, such as Cresci-2015)
are linked by time alone, which is what ANCHORS.md measures.

A burst of creations that the local sign-up rate cannot explain (see
``_bursts``) is a cohort too, unless most of it sits behind one shared NAT.

Set-based part (portable SQL): co-created pairs by a bucket self-join on
``created_at`` (same and next bucket, so a burst on a bucket edge is whole),
and the pairs that share a device.  Single-machine part: the handle test and
connected components.  One finding per cohort (``network_id``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pyarrow as pa

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.engagement._bursts import surprising_bursts
from civicshield.detect.engagement._common import bucket, components, epoch, network_id, throwaway_domains

NAME = "batch_created"

PARAMS = (
    Param("window_minutes", int, 10, "two accounts are co-created when created this close", 1, 1440),
    Param("min_cohort", int, 6, "smallest cohort reported (an account plus at least 5 others, as in ANCHORS.md)", 2, 100_000),
    Param("max_handle_gap", int, 50, "trailing handle numbers at most this far apart count as one sequence", 0, 1_000_000),
    Param("max_cell", int, 2000, "skip creation buckets with more accounts than this in the pair join", 10, 10_000_000),
    Param("max_burst_pvalue", float, 1e-6,
          "a creation burst alone makes a cohort when its Poisson tail probability against the local rate is below this "
          "(0 turns the test off)", 0.0, 1.0),
    Param("nat_devices", int, 20, "an IP prefix with at least this many distinct devices is a shared NAT (campus, carrier)",
          2, 10_000_000),
    Param("prefix_window_hours", int, 6, "window of the per-prefix burst test (an operator pacing creations behind one "
          "connection)", 1, 720),
)

_DIGITS = re.compile(r"\d+")
_TAIL = re.compile(r"(\d{2,})$")


def _sources(ctx, col: str) -> str:
    parts = []
    if ctx.has("signups"):
        parts.append(f"SELECT account_id, {col} AS v FROM signups WHERE account_id IS NOT NULL AND account_id <> '' "
                     f"AND {col} IS NOT NULL AND {col} <> ''")
    if ctx.has("logins"):
        parts.append(f"SELECT account_id, {col} AS v FROM logins WHERE {col} IS NOT NULL AND {col} <> ''")
    return " UNION ".join(parts) if parts else "SELECT account_id, account_id AS v FROM accounts WHERE 1 = 0"


def pair_sql(p, dev: str, ip: str) -> str:
    w = p["window_minutes"] * 60
    return f"""
WITH ac AS (
    SELECT account_id, handle, {epoch('created_at')} AS t, {bucket(epoch('created_at'), w)} AS b FROM accounts
),
cell AS (SELECT b FROM ac GROUP BY b HAVING COUNT(*) <= {int(p['max_cell'])}),
ok AS (SELECT ac.account_id, ac.handle, ac.t, ac.b, ac.b + 1 AS b_next FROM ac JOIN cell ON ac.b = cell.b),
pairs AS (
    SELECT x.account_id AS a1, y.account_id AS a2 FROM ok x JOIN ok y ON x.b = y.b
    WHERE x.account_id < y.account_id AND ABS(x.t - y.t) <= {w}
    UNION ALL
    SELECT LEAST(x.account_id, y.account_id) AS a1, GREATEST(x.account_id, y.account_id) AS a2
    FROM ok x JOIN ok y ON x.b_next = y.b
    WHERE x.account_id <> y.account_id AND y.t - x.t <= {w}
),
dev AS ({dev}),
ip AS ({ip}),
shared AS (
    SELECT DISTINCT p.a1, p.a2 FROM pairs p
    JOIN dev d1 ON d1.account_id = p.a1
    JOIN dev d2 ON d2.account_id = p.a2 AND d1.v = d2.v
),
shared_ip AS (
    SELECT DISTINCT p.a1, p.a2 FROM pairs p
    JOIN ip i1 ON i1.account_id = p.a1
    JOIN ip i2 ON i2.account_id = p.a2 AND i1.v = i2.v
),
known AS (SELECT DISTINCT account_id FROM dev)
SELECT p.a1, p.a2, (s.a1 IS NOT NULL) AS shared_device, (si.a1 IS NOT NULL) AS shared_ip,
       (k1.account_id IS NOT NULL) AS known1, (k2.account_id IS NOT NULL) AS known2
FROM pairs p
LEFT JOIN shared s ON s.a1 = p.a1 AND s.a2 = p.a2
LEFT JOIN shared_ip si ON si.a1 = p.a1 AND si.a2 = p.a2
LEFT JOIN known k1 ON k1.account_id = p.a1
LEFT JOIN known k2 ON k2.account_id = p.a2
"""


def handle_link(h1: str, h2: str, max_gap: int) -> bool:
    """Same template: equal letters once digits go (and digits present), or
    trailing numbers in one short sequence."""
    h1, h2 = (h1 or "").lower(), (h2 or "").lower()
    s1, s2 = _DIGITS.sub("", h1), _DIGITS.sub("", h2)
    if s1 == s2 and len(s1) >= 3 and s1 != h1 and s2 != h2:
        return True
    m1, m2 = _TAIL.search(h1), _TAIL.search(h2)
    # Birth years make "ana1990"/"ion1985" look sequential: a sequence also
    # needs a common start.
    return bool(
        m1 and m2 and len(m1.group(1)) >= 3 and s1[:3] == s2[:3] and len(s1) >= 3
        and abs(int(m1.group(1)) - int(m2.group(1))) <= max_gap
    )


def _throwaway_accounts(ctx) -> set[str]:
    domains = throwaway_domains(ctx)
    if not domains:
        return set()
    with ctx.views(_throwaway=pa.table({"domain": domains})):
        rows = ctx.query("SELECT DISTINCT g.account_id FROM signups g JOIN _throwaway d ON d.domain = LOWER(g.email_domain) "
                         "WHERE g.account_id IS NOT NULL").to_pylist()
    return {r["account_id"] for r in rows}


def _explained_by_nat(ctx, members: list[str], p) -> bool:
    """Most of the burst signed up or logged in behind one shared NAT: a
    lecture hall or a carrier, not an operator."""
    ip = _sources(ctx, "ip_prefix")
    dev = _sources(ctx, "device_id")
    with ctx.views(_burst=pa.table({"account_id": members})):
        rows = ctx.query(f"""
WITH ip AS ({ip}), dev AS ({dev}),
pd AS (SELECT i.v AS prefix, COUNT(DISTINCT d.v) AS devices FROM ip i JOIN dev d ON d.account_id = i.account_id
       GROUP BY i.v),
nat AS (SELECT prefix FROM pd WHERE devices >= {int(p['nat_devices'])})
SELECT nat.prefix, COUNT(DISTINCT i.account_id) AS n FROM ip i JOIN _burst b ON b.account_id = i.account_id
JOIN nat ON nat.prefix = i.v GROUP BY nat.prefix
""").to_pylist()
    return any(2 * r["n"] >= len(members) for r in rows)


def _first_prefix_sql(ctx) -> str | None:
    """Each account's first IP prefix (its sign-up, else its first login);
    portable SQL (``ROW_NUMBER`` works on both engines)."""
    parts = []
    if ctx.has("signups"):
        parts.append("SELECT account_id, created_at, ip_prefix FROM signups WHERE account_id IS NOT NULL "
                     "AND account_id <> '' AND ip_prefix IS NOT NULL AND ip_prefix <> ''")
    if ctx.has("logins"):
        parts.append("SELECT account_id, created_at, ip_prefix FROM logins WHERE ip_prefix IS NOT NULL AND ip_prefix <> ''")
    if not parts:
        return None
    return f"""
WITH src AS ({" UNION ALL ".join(parts)}),
ranked AS (SELECT account_id, ip_prefix, ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY created_at) AS rn FROM src)
SELECT r.account_id, r.ip_prefix, a.created_at FROM ranked r JOIN accounts a ON a.account_id = r.account_id WHERE r.rn = 1
"""


def _prefix_bursts(ctx, p, spam: set[str]) -> list[list[str]]:
    """Bursts of creation behind one IP prefix against that prefix's own
    rate: an operator pacing creations minutes apart, with a fresh device id
    each time, still comes from one connection.  A prefix where many other
    accounts live (devices of accounts outside the burst) is a NAT and
    explains the burst."""
    sql = _first_prefix_sql(ctx)
    if sql is None or p["max_burst_pvalue"] <= 0:
        return []
    by_prefix: dict[str, list] = {}
    for r in ctx.query(sql).to_pylist():
        if r["account_id"] not in spam:
            by_prefix.setdefault(r["ip_prefix"], []).append((r["created_at"], r["account_id"]))
    window = dt.timedelta(hours=p["prefix_window_hours"])
    found = []
    for prefix, created in sorted(by_prefix.items()):
        for burst in surprising_bursts(created, window, p["min_cohort"], p["max_burst_pvalue"]):
            if not _nat_outside(ctx, prefix, burst, p["nat_devices"]):
                found.append(burst)
    return found


def _nat_outside(ctx, prefix: str, burst: list[str], nat_devices: int) -> bool:
    dev = _sources(ctx, "device_id")
    ip = _sources(ctx, "ip_prefix")
    with ctx.views(_burst=pa.table({"account_id": burst})):
        rows = ctx.query(f"""
WITH ip AS ({ip}), dev AS ({dev})
SELECT COUNT(DISTINCT d.v) AS n FROM ip i JOIN dev d ON d.account_id = i.account_id
LEFT JOIN _burst b ON b.account_id = i.account_id
WHERE i.v = ? AND b.account_id IS NULL
""", [prefix]).to_pylist()
    return bool(rows) and rows[0]["n"] >= nat_devices


def run(ctx, p) -> list[Finding]:
    pairs = ctx.query(pair_sql(p, _sources(ctx, "device_id"), _sources(ctx, "ip_prefix"))).to_pylist()
    if not pairs:
        return []
    # An account whose sign-up used throwaway mail is a spam sign-up (the
    # check should have blocked it; spam_signup reports it), not a cohort
    # that passed the checks: each account gets the kind that says what
    # enforcement failed.
    spam = _throwaway_accounts(ctx)
    pairs = [r for r in pairs if r["a1"] not in spam and r["a2"] not in spam]
    everyone = ctx.query("SELECT account_id, handle, created_at FROM accounts").to_pylist()
    info = {r["account_id"]: r for r in everyone}
    links: list[tuple[str, str, str]] = []
    for r in pairs:
        if r["shared_device"]:
            links.append((r["a1"], r["a2"], "shared_device"))
        elif handle_link(info[r["a1"]]["handle"], info[r["a2"]]["handle"], p["max_handle_gap"]):
            links.append((r["a1"], r["a2"], "handle_pattern"))
        elif not r["known1"] and not r["known2"]:
            links.append((r["a1"], r["a2"], "time_only"))
    # A shared IP prefix links a co-created account to one that already
    # shares a device with someone (one operator, several phones, one
    # uplink).  Between two untraced accounts it never links, nor does a
    # handle match count as a trace here (common names collide): otherwise
    # every campus orientation day would be a cohort.
    traced = {a for a1, a2, why in links if why == "shared_device" for a in (a1, a2)}
    links += [(r["a1"], r["a2"], "shared_ip_prefix") for r in pairs
              if r["shared_ip"] and not r["shared_device"] and (r["a1"] in traced or r["a2"] in traced)]
    # A burst the local creation rate cannot explain is a cohort even when
    # the operator left no shared device or handle (see _bursts).
    window = dt.timedelta(minutes=p["window_minutes"])
    created = [(r["created_at"], r["account_id"]) for r in everyone if r["account_id"] not in spam]
    for burst in surprising_bursts(created, window, p["min_cohort"], p["max_burst_pvalue"]):
        if not _explained_by_nat(ctx, burst, p):
            links += [(a, b, "creation_burst") for a, b in zip(burst, burst[1:], strict=False)]
    for burst in _prefix_bursts(ctx, p, spam):
        links += [(a, b, "prefix_burst") for a, b in zip(burst, burst[1:], strict=False)]
    findings = []
    for members in components(((a, b) for a, b, _ in links), p["min_cohort"]):
        mset = set(members)
        reasons = Counter(why for a, _, why in links if a in mset)
        created = sorted(info[a]["created_at"] for a in members)
        stems = Counter(_DIGITS.sub("#", (info[a]["handle"] or "").lower()) for a in members)
        span = (created[-1] - created[0]).total_seconds()
        findings.append(
            Finding(
                kind="batch_created",
                detector=NAME,
                score=round(1.0 - (reasons["time_only"] + reasons["creation_burst"] + reasons["prefix_burst"]) / max(1, sum(reasons.values())) / 2, 4),
                account_ids=tuple(members),
                network_id=network_id("batch", members),
                first_seen=created[0],
                last_seen=created[-1],
                evidence={
                    "accounts": len(members),
                    "created_span_seconds": int(span),
                    "linked_pairs": dict(sorted(reasons.items())),
                    "handle_templates": dict(stems.most_common(3)),
                    "window_minutes": p["window_minutes"],
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="Cohorts of accounts created within minutes by one operator (shared devices or handle patterns).",
    kinds=("batch_created",),
    requires=("accounts",),
    optional=("signups", "logins"),
    needs_real=("accounts.created_at",),
    params=PARAMS,
    run=run,
    limits="An operator who spreads creation over hours, or uses a fresh device and a random handle per account, "
    "is not found; where no device records exist creation time alone links accounts.",
)
