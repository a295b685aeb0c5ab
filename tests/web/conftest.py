"""A workspace with one covert network whose content is hostile (XSS
payloads in post text, display names, bios, hashtags and evidence), an
organic account beside it, cases taken in through intake, and one user per role."""

from __future__ import annotations

import datetime as dt

import pytest

from civicshield.cases import open_case_store, users
from civicshield.cases.intake import intake
from civicshield.cases.roles import Actor
from civicshield.detect.base import Finding

PASSWORD = "correct horse battery staple"
USERS = {"mara": "moderator", "lena": "lead", "liv": "liaison", "aud": "auditor", "ana": "analyst"}
T0 = dt.datetime(2024, 11, 20, 12, 0)

# Each payload, if it ever ran, would set window.__xss or open a dialog.
XSS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1;alert(1)\">",
    "\"><svg onload=alert(1)>",
    "'><iframe src=\"javascript:alert(1)\"></iframe>",
    "</textarea><script>alert(1)</script>",
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "{{7*7}}<style>body{display:none}</style>",
    "<details open ontoggle=\"window.__xss=1\">",
]
NET = [f"n{i}" for i in range(1, 7)]


def build(make_workspace):
    accounts = [{"account_id": a, "handle": f"h_{a}", "display_name": XSS[i % len(XSS)], "bio": XSS[(i + 3) % len(XSS)],
                 "created_at": dt.datetime(2024, 10, 1, 3, i), "language": "ro", "follower_count": 50}
                for i, a in enumerate(NET)]
    accounts.append({"account_id": "fan1", "handle": "fan1", "display_name": "Ordinary fan",
                     "created_at": dt.datetime(2019, 1, 1), "language": "ro", "follower_count": 5000})
    posts = [{"post_id": f"p{a}", "account_id": a, "created_at": T0 + dt.timedelta(minutes=i), "text": XSS[i % len(XSS)],
              "hashtags": [XSS[(i + 1) % len(XSS)], "alegeri"], "language": "ro", "view_count": 1000}
             for i, a in enumerate(NET)]
    posts.append({"post_id": "pfan", "account_id": "fan1", "created_at": T0, "text": "Go team!", "language": "ro",
                  "view_count": 90000})
    ws = make_workspace(accounts=accounts, posts=posts)
    f = Finding(kind="coordinated_network", detector="coordination", score=0.93, account_ids=tuple(NET),
                post_ids=tuple(f"p{a}" for a in NET), engagements=(), network_id="net-1",
                first_seen=T0 - dt.timedelta(days=1), last_seen=T0,
                evidence={"shared_text": XSS[0], "why": XSS[1], "pairs": 15})
    with ws.events() as ev:
        ev.replace_findings("coordination", [f.to_row()])
    return ws


@pytest.fixture
def console(make_workspace):
    """(workspace, case store) with intake done and the users made."""
    ws = build(make_workspace)
    store = open_case_store(ws)
    intake(store, ws, Actor("ana", "analyst"))
    for name, role in USERS.items():
        users.add_user(store, name, role, PASSWORD)
    yield ws, store
    store.close()
