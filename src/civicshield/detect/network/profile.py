"""Who a candidate network is: the account-level signals and the report row.

Co-action alone cannot tell an operation from a crowd; what a crowd does not
have is accounts created together, shared devices or IP prefixes that few
outsiders use, and many posts from few followers.  This module reads those
from ``accounts``, ``logins`` and ``posts`` for the members of candidate
networks only (registered as ``MEMBERS_VIEW``), and assembles the network
report row a moderator reads: size, followers, where it operates from,
whom it targets, what it promotes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from civicshield.election import Election
from civicshield.text import fold

MEMBERS_VIEW = "cs_network_members"


@dataclass
class Profile:
    """Per-network facts read from the contract tables."""

    followers: list[int] = field(default_factory=list)
    created: list[dt.datetime] = field(default_factory=list)
    registration: Counter = field(default_factory=Counter)
    login_countries: Counter = field(default_factory=Counter)
    shared_infra: set[str] = field(default_factory=set)  # members sharing a device or a rare IP prefix
    posts: int = 0
    languages: Counter = field(default_factory=Counter)
    post_countries: Counter = field(default_factory=Counter)
    hashtags: Counter = field(default_factory=Counter)
    promotes: Counter = field(default_factory=Counter)
    first_post: dt.datetime | None = None
    last_post: dt.datetime | None = None


def _rows(ctx, sql: str) -> list[dict]:
    return ctx.query(sql).to_pylist()


def _targets(election: Election) -> list[tuple[str, re.Pattern, set[str]]]:
    """(name, pattern over folded text, folded hashtag forms) per candidate and party."""
    out = []
    for who in (*election.candidates, *election.parties):
        names = {fold(n) for n in (who.name, *who.aliases) if n.strip()}
        pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
        out.append((who.name, pattern, {n.replace(" ", "") for n in names}))
    return out


def profiles(ctx, nets: int, election: Election, nat_share: float = 0.5) -> dict[int, Profile]:
    """Profiles of networks ``0..nets-1`` whose members are in ``MEMBERS_VIEW``."""
    prof = {i: Profile() for i in range(nets)}
    if ctx.has("accounts"):
        for r in _rows(
            ctx,
            f"""SELECT m.net, a.created_at, a.follower_count, a.registration_country
                FROM accounts a JOIN {MEMBERS_VIEW} m ON a.account_id = m.account_id""",
        ):
            p = prof[r["net"]]
            p.followers.append(int(r["follower_count"] or 0))
            if r["created_at"] is not None:
                p.created.append(r["created_at"])
            if r["registration_country"]:
                p.registration[r["registration_country"]] += 1
    if ctx.has("logins"):
        _logins(ctx, prof, nat_share)
    targets = _targets(election)
    for r in _rows(
        ctx,
        f"""SELECT m.net, p.created_at, p.text, p.hashtags, p.language, p.country
            FROM posts p JOIN {MEMBERS_VIEW} m ON p.account_id = m.account_id""",
    ):
        p = prof[r["net"]]
        p.posts += 1
        t = r["created_at"]
        p.first_post = t if p.first_post is None else min(p.first_post, t)
        p.last_post = t if p.last_post is None else max(p.last_post, t)
        if r["language"]:
            p.languages[r["language"]] += 1
        if r["country"]:
            p.post_countries[r["country"]] += 1
        tags = [fold(h).lstrip("#") for h in r["hashtags"] or ()]
        p.hashtags.update(tags)
        text = fold(r["text"])
        for name, pattern, tag_forms in targets:
            if pattern.search(text) or any(f in tag for tag in tags for f in tag_forms):
                p.promotes[name] += 1
    return prof


def _logins(ctx, prof: dict[int, Profile], nat_share: float) -> None:
    """Login countries, and members sharing infrastructure with other members.

    An IP prefix counts only when members are at least ``nat_share`` of all
    accounts seen on it: a campus or carrier NAT carries many outsiders too.
    """
    rows = _rows(
        ctx,
        f"""SELECT m.net, l.account_id, l.device_id, l.ip_prefix, l.country
            FROM logins l JOIN {MEMBERS_VIEW} m ON l.account_id = m.account_id""",
    )
    prefix_users = {
        r["ip_prefix"]: r["n"]
        for r in _rows(
            ctx,
            f"""SELECT l.ip_prefix, COUNT(DISTINCT l.account_id) AS n FROM logins l
                JOIN (SELECT DISTINCT l2.ip_prefix FROM logins l2
                      JOIN {MEMBERS_VIEW} m ON l2.account_id = m.account_id) q ON l.ip_prefix = q.ip_prefix
                GROUP BY l.ip_prefix""",
        )
    }
    by_key: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    seen: set[tuple[int, str, str]] = set()
    for r in rows:
        p = prof[r["net"]]
        if r["country"] and (r["net"], r["account_id"], r["country"]) not in seen:
            seen.add((r["net"], r["account_id"], r["country"]))
            p.login_countries[r["country"]] += 1
        if r["device_id"]:
            by_key[(r["net"], "device", r["device_id"])].add(r["account_id"])
        if r["ip_prefix"]:
            by_key[(r["net"], "ip", r["ip_prefix"])].add(r["account_id"])
    for (net, what, value), accts in by_key.items():
        if len(accts) < 2:
            continue
        if what == "ip" and len(accts) < nat_share * prefix_users.get(value, len(accts)):
            continue
        prof[net].shared_infra.update(accts)


def created_together(created: list[dt.datetime], window_s: float, others: int = 2) -> float:
    """Share of members created within ``window_s`` of at least ``others`` other members."""
    if len(created) <= others:
        return 0.0
    ts = sorted(c.timestamp() if c.tzinfo else c.replace(tzinfo=dt.UTC).timestamp() for c in created)
    hits = sum(1 for t in ts if bisect.bisect_right(ts, t + window_s) - bisect.bisect_left(ts, t - window_s) - 1 >= others)
    return hits / len(ts)


def report_row(p: Profile, members: int, election: Election) -> dict:
    """The network report row (the JSON-able part of a finding's evidence)."""
    lang = p.languages.most_common(1)[0][0] if p.languages else None
    top_login = p.login_countries.most_common(1)[0][0] if p.login_countries else None
    top_reg = p.registration.most_common(1)[0][0] if p.registration else None
    in_election_langs = sum(n for lang_, n in p.languages.items() if lang_ in election.languages)
    targets_country = (
        election.country
        if (p.posts and in_election_langs >= 0.5 * p.posts) or sum(p.promotes.values()) >= 0.2 * max(p.posts, 1)
        else (p.post_countries.most_common(1)[0][0] if p.post_countries else None)
    )
    return {
        "account_count": members,
        "total_followers": int(sum(p.followers)),
        "median_followers": int(sorted(p.followers)[len(p.followers) // 2]) if p.followers else 0,
        "posts": p.posts,
        "registration_countries": dict(p.registration.most_common(5)),
        "login_countries": dict(p.login_countries.most_common(5)),
        "operates_from": top_login or top_reg,
        "logins_abroad": bool(top_login and top_reg and top_login != top_reg),
        "target_language": lang,
        "target_country": targets_country,
        "promotes": [{"name": n, "posts": c} for n, c in p.promotes.most_common(3)],
        "top_hashtags": [h for h, _ in p.hashtags.most_common(5)],
        "first_activity": p.first_post.isoformat() if p.first_post else None,
        "last_activity": p.last_post.isoformat() if p.last_post else None,
    }
