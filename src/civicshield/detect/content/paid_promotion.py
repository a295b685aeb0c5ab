"""Undisclosed paid promotion: creators who post the same political campaign
within a short span without branded-content disclosure.

A template is a group of political posts (the shared definition in
``_political``) by creators, none disclosed as branded content, whose words
and hashtags overlap strongly (Jaccard over word 3-shingles plus hashtags,
candidates found with MinHash LSH, confirmed exactly).  A campaign is the
busiest ``span_hours`` of a template, if it holds most of the template's
posts: a phrase that creators use all season long ("Am votat!") is common
speech, a script that many creators post in one afternoon is a campaign.
Most of the template's posts around those days must come from creators
(``min_creator_share``): when a crowd of ordinary accounts posts the same
line (a debate reaction, a recruited network), the creators among them are
part of the crowd, which the coordination and recruitment detectors judge.  At least ``min_creators`` distinct
creators must take part; payments from one payer to several of them lower
that to two and raise the score.  Creators who talk about the election on
their own, at their own times and in their own words, share neither the
template nor the timing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict

from datasketch import MinHash, MinHashLSH

from civicshield.detect.base import Detector, Finding, Param
from civicshield.detect.content._political import PoliticalMatcher
from civicshield.detect.content._posts import posts_about_election
from civicshield.text import content_text, fold

NAME = "paid_promotion"

PARAMS = (
    Param("span_hours", float, 48.0, "Posts further apart than this are not one push of a campaign.", low=0.1,
          high=24 * 60),
    Param("jaccard", float, 0.4, "Overlap of word 3-shingles and hashtags at which two posts share a template.",
          low=0.05, high=1.0),
    Param("min_creators", int, 3, "Distinct creators a campaign needs (two when one payer paid several).",
          low=2, high=1000),
    Param("min_followers", int, 10_000, "Accounts of another type with at least this many followers count as "
          "creators.", low=0, high=10**9),
    Param("min_burst_share", float, 0.6, "Share of a template's creator posts that must fall in its busiest span: "
          "a phrase creators use all season long is common speech, not a campaign.", low=0.0, high=1.0),
    Param("min_creator_share", float, 0.5, "Share of the template's posts in its window that must come from "
          "creators: a crowd reacting to a debate, or a network of ordinary accounts, is someone else's kind.",
          low=0.0, high=1.0),
    Param("threshold", float, 0.6, "Political threshold, as in election_content.", low=0.1, high=5.0),
)
_PERM = 64


def _features(text: str | None, hashtags) -> set[str]:
    words = content_text(text).split()
    shingles = {" ".join(words[i:i + 3]) for i in range(max(len(words) - 2, 0))} or set(words)
    return shingles | {"#" + fold(h) for h in (hashtags or [])}


def _components(n: int, edges) -> list[list[int]]:
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    return [g for g in groups.values() if len(g) > 1]


def _burst(rows: list[int], cols, span: float) -> list[int]:
    """The posts of the ``span``-second window with the most distinct
    accounts (then the most posts)."""
    rows = sorted(rows, key=lambda i: cols["created_at"][i])
    when, who = [cols["created_at"][i] for i in rows], [cols["account_id"][i] for i in rows]
    inside: Counter[str] = Counter()
    best, hi = (0, 0, 0, 0), 0
    for lo in range(len(rows)):
        while hi < len(rows) and (when[hi] - when[lo]).total_seconds() <= span:
            inside[who[hi]] += 1
            hi += 1
        best = max(best, (len(inside), hi - lo, -lo, hi))
        inside[who[lo]] -= 1
        if not inside[who[lo]]:
            del inside[who[lo]]
    return rows[-best[2]:best[3]]


def _crowd(ctx, campaign: list[set[str]], start, end, creators_sql: str, jaccard: float) -> int:
    """Posts by accounts that are not creators, in the campaign's window,
    that share its template: a crowd or a network, not a paid campaign."""
    tbl = ctx.query("SELECT text, hashtags FROM posts WHERE created_at >= ? AND created_at <= ? "
                    f"AND text IS NOT NULL AND NOT ({creators_sql})", [start, end])
    n = 0
    for text, tags in zip(tbl.column("text").to_pylist(), tbl.column("hashtags").to_pylist(), strict=True):
        f = _features(text, tags)
        if f and any(len(f & c) / len(f | c) >= jaccard for c in campaign):
            n += 1
    return n


def _payments(ctx) -> dict[str, dict[str, float]]:
    """payee -> {payer: total amount}."""
    if not ctx.has("payments"):
        return {}
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for r in ctx.query("SELECT payer, payee_account_id, sum(coalesce(amount, 0)) AS total FROM payments "
                       "WHERE payer IS NOT NULL GROUP BY payer, payee_account_id").to_pylist():
        out[r["payee_account_id"]][r["payer"]] = float(r["total"])
    return out


def run(ctx, params):
    matcher = PoliticalMatcher(ctx.election, params["threshold"])
    creators = (
        "account_id IN (SELECT account_id FROM accounts WHERE account_type = 'creator' "
        f"OR coalesce(follower_count, 0) >= {int(params['min_followers'])})"
    )
    cols, found = posts_about_election(
        ctx, matcher,
        where=f"NOT coalesce(branded_content, FALSE) AND NOT coalesce(is_ad, FALSE) AND {creators}",
    )
    idx = [i for i, a in enumerate(found) if matcher.is_political(a)]
    if len(idx) < 2:
        return
    feats = [_features(cols["text"][i], cols["hashtags"][i]) for i in idx]
    hashes = MinHash.bulk([[f.encode() for f in fs] for fs in feats], num_perm=_PERM)
    lsh = MinHashLSH(threshold=max(0.1, params["jaccard"] * 0.8), num_perm=_PERM)
    for k, h in enumerate(hashes):
        lsh.insert(k, h)
    edges = []
    for k, h in enumerate(hashes):
        for j in lsh.query(h):
            if j > k and len(feats[k] & feats[j]) / len(feats[k] | feats[j]) >= params["jaccard"]:
                edges.append((k, j))
    paid = _payments(ctx)
    pos = {i: k for k, i in enumerate(idx)}
    for group in _components(len(idx), edges):
        rows = _burst([idx[k] for k in group], cols, params["span_hours"] * 3600)
        if len(rows) < params["min_burst_share"] * len(group):
            continue
        accounts = sorted({cols["account_id"][i] for i in rows})
        payers: dict[str, list[str]] = defaultdict(list)
        for a in accounts:
            for payer in paid.get(a, {}):
                payers[payer].append(a)
        shared_payers = {p: accs for p, accs in payers.items() if len(accs) >= 2}
        if len(accounts) < (2 if shared_payers else params["min_creators"]):
            continue
        # The same template from ordinary accounts around the same days
        # (the window widened by the span on both sides).
        pad = dt.timedelta(hours=params["span_hours"])
        crowd = _crowd(ctx, [feats[pos[i]] for i in rows], min(cols["created_at"][i] for i in rows) - pad,
                       max(cols["created_at"][i] for i in rows) + pad, creators, params["jaccard"])
        if len(rows) < params["min_creator_share"] * (len(rows) + crowd):
            continue
        times = [cols["created_at"][i] for i in rows]
        post_ids = tuple(sorted(cols["post_id"][i] for i in rows))
        tags = defaultdict(set)
        for i in rows:
            for t in cols["hashtags"][i] or []:
                tags[t].add(cols["account_id"][i])
        paid_accounts = sorted({a for accs in shared_payers.values() for a in accs})
        evidence = {
            "creators": len(accounts),
            "posts": len(rows),
            "span_hours": round((max(times) - min(times)).total_seconds() / 3600, 2),
            "shared_hashtags": sorted(t for t, accs in tags.items() if len(accs) >= 2),
            "example_text": (cols["text"][rows[0]] or "")[:200],
            "same_template_by_non_creators": crowd,
            "branded_content_disclosed": False,
        }
        if shared_payers:
            evidence["payments"] = {
                p: {"payees": accs, "total": round(sum(paid[a][p] for a in accs), 2)} for p, accs in sorted(shared_payers.items())
            }
        score = min(1.0, 0.6 + 0.05 * len(accounts) + (0.3 if shared_payers else 0.0))
        yield Finding(
            kind="undisclosed_paid_promotion",
            detector=NAME,
            score=round(score, 3),
            account_ids=tuple(accounts),
            post_ids=post_ids,
            network_id="promo-" + hashlib.sha256("\x1f".join(post_ids).encode()).hexdigest()[:10],
            first_seen=min(times),
            last_seen=max(times),
            evidence={**evidence, "paid_creators": paid_accounts},
        )


DETECTOR = Detector(
    name=NAME,
    summary="Creators pushing one political template in a short span without branded-content disclosure.",
    kinds=("undisclosed_paid_promotion",),
    requires=("posts",),
    optional=("payments",),
    params=PARAMS,
    run=run,
    limits="Needs templated wording or hashtags; a campaign whose creators are briefed to write in their own "
    "words, with no payment evidence, is missed.",
)
