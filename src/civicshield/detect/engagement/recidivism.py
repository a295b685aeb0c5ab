"""Recidivism: new accounts that bring back a banned account or a removed
network.

Each link between a new account and an account banned before it was
created carries evidence:

- ``device``: a ``device_id`` of the banned account in ``signups``/``logins``
  (strong: enough on its own);
- ``ip_prefix``: a shared IP prefix (weak: NATs share prefixes);
- ``handle``: the same handle once digits and separators go
  (``ion.popescu.ro`` -> ``ionpopescu.ro2``; weak: namesakes share names);
- ``hashtags``: at least two hashtags that the banned accounts used and that
  few accounts use at all (at most ``max_hashtag_users``; weak alone, since
  later organic use of a campaign hashtag happens);
- ``text``: a post whose normalised text (``text.content_text``, at least
  five words) a banned account posted (weak alone: quotes get copied).

Strong evidence, or at least ``min_weak_signals`` different weak ones, makes a
recidivist.  Set-based steps (device, prefix and hashtag joins) are portable
SQL; handle and text comparison run on the small banned side.

One finding per returning network.  A removed network is a *takedown*:
banned accounts with the same ``ban_reason`` whose bans follow each other
within ``takedown_days``.  Reasons on real platforms are often generic
("spam", "coordinated inauthentic behaviour"), so the reason alone would
merge every network ever removed for it; a takedown is done in one go, so
the ban dates keep them apart (``network_id`` =
``returning:<ban_reason>@<first ban date>``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

from civicshield.detect.base import Detector, Finding, Param
from civicshield.text import content_text

NAME = "recidivism"

PARAMS = (
    Param("min_weak_signals", int, 2, "different weak signals (prefix, handle, hashtags, text) needed without a device", 1, 4),
    Param("max_hashtag_users", int, 50, "a banned account's hashtag counts only if at most this many accounts use it", 1,
          10_000_000),
    Param("min_text_words", int, 5, "shortest normalised post text compared with banned accounts' posts", 1, 1000),
    Param("takedown_days", int, 7, "bans for one reason at most this many days apart belong to one removed network",
          0, 3650),
)

_BANNED = "SELECT account_id, created_at, banned_at, ban_reason FROM accounts WHERE status = 'banned'"
_NEWER = "n.created_at > COALESCE(b.banned_at, b.created_at) AND n.status <> 'banned'"
_STEM = re.compile(r"[\d._\-]+")


def _signal_source(ctx, col: str) -> str | None:
    parts = []
    if ctx.has("signups"):
        parts.append(f"SELECT account_id, {col} AS v FROM signups WHERE account_id IS NOT NULL AND account_id <> '' "
                     f"AND {col} IS NOT NULL AND {col} <> ''")
    if ctx.has("logins"):
        parts.append(f"SELECT account_id, {col} AS v FROM logins WHERE {col} IS NOT NULL AND {col} <> ''")
    return " UNION ".join(parts) if parts else None


def shared_sql(source: str) -> str:
    return f"""
WITH src AS ({source}), b AS ({_BANNED})
SELECT DISTINCT n.account_id AS new_id, b.account_id AS banned_id
FROM src sb JOIN b ON sb.account_id = b.account_id
JOIN src sn ON sn.v = sb.v
JOIN accounts n ON n.account_id = sn.account_id
WHERE {_NEWER}
"""


def hashtag_sql(p) -> str:
    return f"""
WITH tags AS (SELECT DISTINCT p.account_id, t.h FROM posts p CROSS JOIN UNNEST(p.hashtags) AS t(h)),
rare AS (SELECT h FROM tags GROUP BY h HAVING COUNT(*) <= {int(p['max_hashtag_users'])}),
b AS ({_BANNED})
SELECT n.account_id AS new_id, b.account_id AS banned_id, COUNT(DISTINCT tn.h) AS shared
FROM tags tb JOIN b ON tb.account_id = b.account_id
JOIN rare r ON r.h = tb.h
JOIN tags tn ON tn.h = tb.h
JOIN accounts n ON n.account_id = tn.account_id
WHERE {_NEWER}
GROUP BY n.account_id, b.account_id
HAVING COUNT(DISTINCT tn.h) >= 2
"""


def handle_stem(handle: str | None) -> str:
    return _STEM.sub("", (handle or "").lower())


def takedowns(banned: dict[str, dict], days: int) -> dict[str, str]:
    """Banned account -> ``reason@first ban date`` of its takedown: bans for
    one reason chained by gaps of at most ``days``.  No reason: its own."""
    by_reason: dict[str, list[tuple]] = defaultdict(list)
    out = {}
    for bid, b in banned.items():
        if b["ban_reason"]:
            by_reason[b["ban_reason"]].append((b["banned_at"] or b["created_at"], bid))
        else:
            out[bid] = f"account:{bid}"
    gap = dt.timedelta(days=days)
    for reason, bans in by_reason.items():
        bans.sort()
        start = prev = bans[0][0]
        for at, bid in bans:
            if at - prev > gap:
                start = at
            out[bid] = f"{reason}@{start:%Y-%m-%d}"
            prev = at
    return out


def run(ctx, p) -> list[Finding]:
    banned = {r["account_id"]: r for r in ctx.query(_BANNED).to_pylist()}
    if not banned:
        return []
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for signal, col in (("device", "device_id"), ("ip_prefix", "ip_prefix")):
        source = _signal_source(ctx, col)
        if source:
            for r in ctx.query(shared_sql(source)).to_pylist():
                links[(r["new_id"], r["banned_id"])].add(signal)
    if ctx.has("posts"):
        for r in ctx.query(hashtag_sql(p)).to_pylist():
            links[(r["new_id"], r["banned_id"])].add("hashtags")
    # handle and text: compare every newer account against the banned side
    earliest = min(b["banned_at"] or b["created_at"] for b in banned.values())
    newer = ctx.query("SELECT account_id, handle, created_at FROM accounts WHERE status <> 'banned' AND created_at > ?",
                      [earliest]).to_pylist()
    by_stem = defaultdict(list)
    for b in ctx.query("SELECT account_id, handle FROM accounts WHERE status = 'banned'").to_pylist():
        stem = handle_stem(b["handle"])
        if len(stem) >= 4:
            by_stem[stem].append(b["account_id"])
    created = {n["account_id"]: n["created_at"] for n in newer}

    def after_ban(new_id: str, banned_id: str) -> bool:
        b = banned[banned_id]
        return created.get(new_id) is not None and created[new_id] > (b["banned_at"] or b["created_at"])

    for n in newer:
        for bid in by_stem.get(handle_stem(n["handle"]), ()):
            if after_ban(n["account_id"], bid):
                links[(n["account_id"], bid)].add("handle")
    if ctx.has("posts"):
        texts = defaultdict(set)
        for r in ctx.query("SELECT p.account_id, p.text FROM posts p JOIN accounts a ON a.account_id = p.account_id "
                           "WHERE a.status = 'banned'").to_pylist():
            t = content_text(r["text"])
            if len(t.split()) >= p["min_text_words"]:
                texts[t].add(r["account_id"])
        if texts:
            for r in ctx.query("SELECT p.account_id, p.text FROM posts p JOIN accounts a ON a.account_id = p.account_id "
                               "WHERE a.status <> 'banned' AND a.created_at > ?", [earliest]).to_pylist():
                for bid in texts.get(content_text(r["text"]), ()):
                    if after_ban(r["account_id"], bid):
                        links[(r["account_id"], bid)].add("text")
    # a new account's evidence is the union over the banned accounts of one network
    takedown = takedowns(banned, p["takedown_days"])

    def network_of(bid: str) -> str:
        return takedown[bid]

    per_account: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for (nid, bid), signals in links.items():
        per_account[nid][network_of(bid)] |= signals
        per_account[nid][network_of(bid)].add(f"banned:{bid}")
    groups: dict[str, list[tuple[str, set]]] = defaultdict(list)
    for nid, nets in per_account.items():
        best = None
        for net, sig in sorted(nets.items()):
            kinds = {s for s in sig if not s.startswith("banned:")}
            weak = kinds - {"device"}
            if "device" in kinds or len(weak) >= p["min_weak_signals"]:
                key = (("device" in kinds), len(kinds))
                if best is None or key > best[0]:
                    best = (key, net, sig)
        if best:
            groups[best[1]].append((nid, best[2]))
    findings = []
    for net, members in sorted(groups.items()):
        ids = sorted(m for m, _ in members)
        signal_counts = Counter(s for _, sig in members for s in sig if not s.startswith("banned:"))
        banned_ids = sorted({s[7:] for _, sig in members for s in sig if s.startswith("banned:")})
        strong = sum(1 for _, sig in members if "device" in sig)
        findings.append(
            Finding(
                kind="recidivism",
                detector=NAME,
                score=round(0.5 + 0.5 * strong / len(members), 4),
                account_ids=tuple(ids),
                network_id=f"returning:{net}",
                first_seen=min(created[m] for m in ids),
                last_seen=max(created[m] for m in ids),
                evidence={
                    "ban_reason": net.rsplit("@", 1)[0],
                    "takedown": net,
                    "new_accounts": len(ids),
                    "banned_accounts_linked": len(banned_ids),
                    "banned_examples": banned_ids[:5],
                    "accounts_per_signal": dict(sorted(signal_counts.items())),
                },
            )
        )
    return findings


DETECTOR = Detector(
    name=NAME,
    summary="New accounts that share devices, IP prefixes, handles, rare hashtags or text with banned accounts.",
    kinds=("recidivism",),
    requires=("accounts",),
    optional=("signups", "logins", "posts"),
    params=PARAMS,
    run=run,
    limits="Only accounts created after the ban are considered; a returning operator on new devices, new handles "
    "and new words is not found; one weak signal alone never flags.",
)
