"""The fact-check partner over the API: a token for the factchecker role, the
claim queue, one verdict applied to every matching post with audit entries,
and everything else refused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from civicshield.cases import open_case_store, users
from civicshield.cases.models import Action, AuditEntry
from civicshield.web import create_app

T0 = dt.datetime(2024, 11, 10, 12, 0)
CLAIM = "Atenție! Turul 1 al alegerilor prezidențiale a fost mutat pe 1 decembrie"
POSTS = {
    "r1": CLAIM,
    "r2": "ATENTIE! Turul 1 al alegerilor prezidentiale a fost mutat pe 1 decembrie!!! 😱",
    "r3": "Distribuiți! Atenţie! Turul 1 al alegerilor prezidenţiale a fost mutat pe 1 decembrie",
    "r4": "Attention! The first round of the presidential election was moved to December 1",
    "o1": "Turul 1 al alegerilor e duminică, 24 noiembrie, secțiile se deschid la 7",
    "o2": "<script>window.__xss=1</script> alegeri 2024",
}
REPEATS = {"r1", "r2", "r3", "r4"}


@pytest.fixture
def api(make_workspace):
    posts = [{"post_id": p, "account_id": "a1", "created_at": T0 + dt.timedelta(minutes=i), "text": t,
              "language": "ro"} for i, (p, t) in enumerate(POSTS.items())]
    ws = make_workspace(accounts=[{"account_id": "a1", "handle": "a1", "created_at": dt.datetime(2020, 1, 1)}],
                        posts=posts)
    store = open_case_store(ws)
    tokens = {}
    for name, role in {"factual": "factchecker", "ana": "analyst", "mara": "moderator"}.items():
        users.add_user(store, name, role, "correct horse battery staple")
        tokens[role] = {"Authorization": f"Bearer {users.add_token(store, name, 'api')}"}
    with TestClient(create_app(ws), base_url="https://testserver") as c:
        yield c, store, tokens
    store.close()


def test_a_verdict_given_once_over_the_api_reaches_every_matching_post(api):
    c, store, tok = api
    assert c.post("/api/v1/claims/intake", headers=tok["analyst"]).json()["new_claims"] == 1
    queue = c.get("/api/v1/claims", headers=tok["factchecker"]).json()
    assert len(queue) == 1 and set(queue[0]["post_ids"]) == {"r1", "r2", "r3"}  # r4 has no claim marker in ro
    r = c.post(f"/api/v1/claims/{queue[0]['id']}/verdict", headers=tok["factchecker"],
               json={"verdict": "false", "source_url": "https://factual.ro/turul-1-nu-s-a-mutat",
                     "translations": {"en": "Attention! The first round of the presidential election was moved "
                                            "to December 1"}})
    assert r.status_code == 200, r.text
    assert r.json()["matched_posts"] == 1 and r.json()["applied"] == 4
    with store.reader() as s:
        acts = s.execute(sa.select(Action)).scalars().all()
        audited = s.execute(sa.select(AuditEntry).where(AuditEntry.event == "action.applied")).scalars().all()
        verdicts = s.execute(sa.select(AuditEntry).where(AuditEntry.event == "claim.verdict")).scalars().all()
    assert {(a.kind, a.target_id) for a in acts} == {("remove_post", p) for p in REPEATS}
    assert {a.actor for a in acts} == {"factual"} and len(audited) == 4
    assert len(verdicts) == 1 and verdicts[0].actor == "factual" and verdicts[0].role == "factchecker"
    checked = c.get(f"/api/v1/claims/{queue[0]['id']}", headers=tok["factchecker"]).json()
    assert checked["verdict"] == "false" and checked["posts"] == 4


def test_the_factchecker_may_do_nothing_else(api):
    c, _, tok = api
    fc = tok["factchecker"]
    assert c.get("/api/v1/cases", headers=fc).status_code == 403
    assert c.post("/api/v1/enforce", headers=fc, json={}).status_code == 403
    assert c.post("/api/v1/claims/intake", headers=fc).status_code == 403
    assert c.get("/api/v1/audit", headers=fc).status_code == 403
    # and others may not give verdicts
    c.post("/api/v1/claims/intake", headers=tok["analyst"])
    cid = c.get("/api/v1/claims", headers=tok["moderator"]).json()[0]["id"]
    r = c.post(f"/api/v1/claims/{cid}/verdict", headers=tok["moderator"],
               json={"verdict": "false", "source_url": "https://factual.ro/x"})
    assert r.status_code == 403
    assert c.get("/api/v1/claims").status_code == 401


@pytest.mark.parametrize("body,msg", [
    ({"verdict": "pants_on_fire", "source_url": "https://factual.ro/x"}, "unknown verdict"),
    ({"verdict": "false", "source_url": "javascript:alert(1)"}, "http"),
    ({"verdict": "false", "source_url": "https://factual.ro/x", "translations": {"en": "y" * 1_000_000}}, "longer"),
])
def test_hostile_verdicts_get_a_clear_400_and_change_nothing(api, body, msg):
    c, store, tok = api
    c.post("/api/v1/claims/intake", headers=tok["analyst"])
    cid = c.get("/api/v1/claims", headers=tok["factchecker"]).json()[0]["id"]
    r = c.post(f"/api/v1/claims/{cid}/verdict", headers=tok["factchecker"], json=body)
    assert r.status_code == 400 and msg in r.json()["detail"]
    with store.reader() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Action)).scalar() == 0
    assert c.get(f"/api/v1/claims/{cid}", headers=tok["factchecker"]).json()["status"] == "pending"
