"""Spam sign-ups: account-creation attempts that come in bursts from one
device or one IP prefix with throwaway mail: attempts the platform's sign-up
check should have blocked.

A burst is a group of at least ``min_burst`` attempts from one device (or
one IP prefix) inside ``window_minutes``; two bucketings shifted by half a
window make the windows overlap, so a burst on a bucket edge is still one
group.  A burst counts when at least ``min_throwaway_share`` of its attempts use a
domain on the ``disposable-email-domains`` blocklist.  A phone country that
differs from the sign-up country is reported as evidence but does not make
an attempt spam on its own: travellers, expats and foreign students do that
every day.  Every attempt of a risky
*device* burst is spam (one device, one operator); from a risky *IP* burst
only the throwaway-mail attempts are, because a campus or mobile-carrier NAT mixes
everyone behind one prefix.  A NAT full of genuine sign-ups has a low risky
share and comes out clean.

Set-based part in portable SQL (the throwaway domains found in the data are
handed in as a small relation); the clustering of bursts that share attempts
runs on the flagged rows.  One finding per cluster of bursts
(``network_id``), naming the accounts that were created; attempts that were
blocked are counted in the evidence.
"""

from __future__ import annotations

from collections import Counter

import pyarrow as pa

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.engagement._common import epoch, network_id, throwaway_domains

NAME = "spam_signup"

PARAMS = (
    Param("window_minutes", int, 60, "attempts from one device or IP prefix this close form a burst", 1, 10080),
    Param("min_burst", int, 5, "attempts a burst needs", 2, 1_000_000),
    Param("min_throwaway_share", float, 0.6, "share of a burst's attempts with a throwaway mail domain", 0.0, 1.0),
)


def burst_sql(p) -> str:
    w = p["window_minutes"] * 60
    keyed = []
    for kind, col in (("device", "device_id"), ("ip", "ip_prefix")):
        for shift in (0, 1):
            keyed.append(
                f"SELECT attempt_id, account_id, '{kind}' AS kind, {col} AS k, "
                f"CAST(FLOOR((t + {shift * w // 2}) / {w}) AS BIGINT) AS b, {shift} AS shift, risky "
                f"FROM s WHERE {col} IS NOT NULL AND {col} <> ''"
            )
    return f"""
WITH s AS (
    SELECT g.attempt_id, g.account_id, g.device_id, g.ip_prefix, g.created_at, {epoch('g.created_at')} AS t,
           CASE WHEN d.domain IS NOT NULL THEN 1 ELSE 0 END AS risky,
           CASE WHEN g.phone_country IS NOT NULL AND g.country IS NOT NULL AND g.phone_country <> g.country
                THEN 1 ELSE 0 END AS mismatch
    FROM signups g LEFT JOIN _throwaway d ON d.domain = LOWER(g.email_domain)
),
keyed AS ({" UNION ALL ".join(keyed)}),
grp AS (
    SELECT kind, k, b, shift, COUNT(*) AS n, SUM(risky) AS n_risky FROM keyed
    GROUP BY kind, k, b, shift
    HAVING COUNT(*) >= {int(p['min_burst'])} AND SUM(risky) >= {float(p['min_throwaway_share'])} * COUNT(*)
)
SELECT s.attempt_id, s.account_id, s.device_id, s.ip_prefix, s.created_at, s.risky, s.mismatch,
       x.kind, x.k, x.b, x.shift
FROM keyed x
JOIN grp g ON g.kind = x.kind AND g.k = x.k AND g.b = x.b AND g.shift = x.shift
JOIN s ON s.attempt_id = x.attempt_id
"""


def run(ctx, p) -> list[Finding]:
    with ctx.views(_throwaway=pa.table({"domain": pa.array(throwaway_domains(ctx), pa.string())})):
        rows = ctx.query(burst_sql(p)).to_pylist()
    # union-find over bursts that share a flagged attempt
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    flagged: dict[str, dict] = {}
    for r in rows:
        if r["kind"] == "ip" and not r["risky"]:
            continue
        burst = (r["kind"], r["k"], r["b"], r["shift"])
        flagged.setdefault(r["attempt_id"], r)
        parent[find(("a", r["attempt_id"]))] = find(burst)
    clusters: dict = {}
    for aid, r in flagged.items():
        clusters.setdefault(find(("a", aid)), []).append(r)
    findings = []
    for attempts in clusters.values():
        accounts = sorted({r["account_id"] for r in attempts if r["account_id"]})
        if not accounts:
            continue
        times = sorted(r["created_at"] for r in attempts)
        findings.append(
            Finding(
                kind="spam_signup",
                detector=NAME,
                score=round(sum(r["risky"] for r in attempts) / len(attempts), 4),
                account_ids=tuple(accounts),
                network_id=network_id("spam", accounts),
                first_seen=times[0],
                last_seen=times[-1],
                evidence={
                    "attempts": len(attempts),
                    "blocked_attempts": sum(1 for r in attempts if not r["account_id"]),
                    "accounts_created": len(accounts),
                    "throwaway_mail_share": round(sum(r["risky"] for r in attempts) / len(attempts), 3),
                    "phone_country_mismatch_share": round(sum(r["mismatch"] for r in attempts) / len(attempts), 3),
                    "devices": len({r["device_id"] for r in attempts}),
                    "ip_prefixes": dict(Counter(r["ip_prefix"] for r in attempts).most_common(3)),
                    "window_minutes": p["window_minutes"],
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="Sign-up bursts from one device or IP prefix with throwaway mail.",
    kinds=("spam_signup",),
    requires=("signups",),
    params=PARAMS,
    run=run,
    limits="Needs device or IP prefix on sign-ups; an operator who rotates devices and prefixes for every attempt, "
    "or uses ordinary mail providers, is not found (batch_created covers such cohorts). Bursts with no created account produce no finding.",
)
