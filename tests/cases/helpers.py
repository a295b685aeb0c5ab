"""Workspaces with planted findings for the case tests."""

from __future__ import annotations

import datetime as dt

from civicshield.detect.base import Finding

T0 = dt.datetime(2024, 11, 20, 12, 0)


def account(aid, lang="ro", followers=100, kind="personal", created=dt.datetime(2024, 1, 1)):
    return {"account_id": aid, "handle": f"h_{aid}", "created_at": created, "language": lang,
            "follower_count": followers, "account_type": kind}


def post(pid, aid, lang="ro", views=1000, created=T0):
    return {"post_id": pid, "account_id": aid, "created_at": created, "text": f"text {pid}", "language": lang,
            "view_count": views}


def finding(kind, detector, accounts=(), posts=(), engagements=(), network=None, score=0.9, seen=T0, **evidence):
    return Finding(kind=kind, detector=detector, score=score, account_ids=tuple(accounts), post_ids=tuple(posts),
                   engagements=tuple(engagements), network_id=network, first_seen=seen - dt.timedelta(days=3),
                   last_seen=seen, evidence=evidence or {"why": "planted"})


def put_findings(ws, by_detector: dict[str, list[Finding]]) -> None:
    with ws.events() as ev:
        for det, fs in by_detector.items():
            ev.replace_findings(det, [f.to_row() for f in fs])


NET = [f"n{i}" for i in range(1, 7)]


def election_workspace(make_workspace):
    """A covert network n1..n6 (ro), an organic fan club f1..f4 (ro) that the
    detectors did NOT flag, an impersonator (hu) and some election posts."""
    accounts = [account(a, followers=50) for a in NET]
    accounts += [account(f"f{i}", followers=5000) for i in range(1, 5)]
    accounts += [account("imp1", lang="hu", followers=20000), account("pol1", kind="politician", followers=90000),
                 account("sm1", lang="ru", kind="state_media", followers=1_000_000)]
    posts = [post(f"p{a}", a) for a in NET]
    posts += [post("pf1", "f1", views=90000), post("pimp", "imp1", lang="hu"), post("pad", "pol1", views=5000),
              post("pai", "f2", views=300), post("psm", "sm1", lang="ru", views=2_000_000)]
    engagements = [{"actor_id": "n1", "action": "like", "target_id": "pf1", "created_at": T0},
                   {"actor_id": "f1", "action": "like", "target_id": "pf2", "created_at": T0},
                   {"actor_id": "n2", "action": "follow", "target_id": "f1", "created_at": T0}]
    logins = [{"account_id": "n1", "created_at": T0, "ip_prefix": "10.0.0"},
              {"account_id": "f2", "created_at": T0, "ip_prefix": "10.9.9"}]
    return make_workspace(accounts=accounts, posts=posts, engagements=engagements, logins=logins)
