"""The web layer in-process (TestClient): auth, CSRF, headers, roles, the
case workflow over the API; results checked through the case API."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from civicshield.cases import audit, holds, review, users
from civicshield.cases.enforce import active_actions, enforce
from civicshield.cases.roles import Actor
from civicshield.web import create_app

from .conftest import NET, PASSWORD


@pytest.fixture
def client(console):
    ws, store = console
    # https: the session cookie is Secure, so the client only sends it over TLS.
    with TestClient(create_app(ws), base_url="https://testserver") as c:
        yield c


def login(c, name, password=PASSWORD):
    r = c.post("/login", data={"name": name, "password": password}, follow_redirects=False)
    return r


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_login_sets_a_hardened_cookie_and_wrong_passwords_fail(client):
    assert client.get("/cases", follow_redirects=False).headers["location"] == "/login"
    assert login(client, "mara", "wrong password!!").status_code == 401
    assert login(client, "nobody", PASSWORD).status_code == 401
    r = login(client, "mara")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert client.get("/cases").status_code == 200


def test_login_is_rate_limited(console):
    ws, _ = console
    with TestClient(create_app(ws, login_attempts=3, login_window=60), base_url="https://testserver") as c:
        for _ in range(3):
            assert login(c, "mara", "not the password").status_code == 401
        # even the right password is refused while the limit holds
        assert login(c, "mara").status_code == 429


def test_security_headers_on_pages_api_and_errors(client):
    for r in (client.get("/login"), client.get("/api/v1/cases"), client.get("/no-such-page")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"


def test_forms_need_the_session_csrf_token(client, console):
    _, store = console
    login(client, "mara")
    (case,) = review.list_cases(store, Actor("lena", "lead"))
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version})
    assert r.status_code == 403
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "csrf": "forged"})
    assert r.status_code == 403
    assert review.get_case(store, Actor("lena", "lead"), case.id).summary.assignee is None
    token = csrf_of(client.get(f"/cases/{case.id}").text)
    r = client.post(f"/cases/{case.id}/assign", data={"version": case.version, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert review.get_case(store, Actor("lena", "lead"), case.id).summary.assignee == "mara"


def test_pages_escape_hostile_content(client, console):
    _, store = console
    login(client, "lena")
    (case,) = review.list_cases(store, Actor("lena", "lead"))
    html = client.get(f"/cases/{case.id}").text
    scripts = re.findall(r"<script[^>]*>", html, re.I)
    assert scripts == ['<script src="/vendor/cytoscape.min.js">', '<script src="/static/graph.js">']
    assert "<svg" not in html.lower() and "<iframe" not in html.lower() and "<style" not in html.lower()
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), "an event-handler attribute reached the page"
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html  # shown as text, not dropped
    assert html.count('class="post card"') == len(NET)


def test_token_auth_and_the_workflow_over_the_api(client, console):
    _, store = console
    mara = users.add_token(store, "mara", "bot")
    liv = users.add_token(store, "liv", "portal")
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer cs_wrong"}).status_code == 401
    h = {"Authorization": f"Bearer {mara}"}
    assert client.get("/api/v1/me", headers=h).json()["role"] == "moderator"
    (c,) = client.get("/api/v1/cases", headers=h).json()
    assert set(client.get(f"/api/v1/cases/{c['id']}", headers=h).json()["findings"][0]) >= {"kind", "evidence"}
    assert client.post(f"/api/v1/cases/{c['id']}/assign", headers=h, json={"expected_version": c["version"]}).status_code == 200
    stale = client.post(f"/api/v1/cases/{c['id']}/assign", headers=h, json={"expected_version": c["version"]})
    assert stale.status_code == 409 and "changed since you read it" in stale.json()["detail"]
    short = client.post(f"/api/v1/cases/{c['id']}/decide", headers=h, json={"decision": "confirm", "reason": "bad"})
    assert short.status_code == 400
    ok = client.post(f"/api/v1/cases/{c['id']}/decide", headers=h,
                     json={"decision": "confirm", "reason": "Identical posts within seconds."})
    assert ok.json()["status"] == "confirmed"
    assert client.post("/api/v1/enforce", headers=h, json={"case_ids": [c["id"]]}).json()["applied"] >= len(NET)
    assert {a["target_id"] for a in active_actions(store)} >= set(NET)
    # roles come from cases/roles.py: a moderator may not read the audit trail or place holds
    assert client.get("/api/v1/audit", headers=h).status_code == 403
    lh = {"Authorization": f"Bearer {liv}"}
    assert client.post("/api/v1/holds", headers=h, json={"authority": "A", "reference": "R",
                                                          "network_ids": ["net-1"]}).status_code == 403
    hold = client.post("/api/v1/holds", headers=lh, json={"authority": "DIICOT", "reference": "4711/2024",
                                                          "network_ids": ["net-1"]}).json()
    r = client.get(f"/api/v1/holds/{hold['id']}/bundle", headers=lh)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "manifest.json" in names and "posts.jsonl" in names
    events = [e["event"] for e in audit.read(store, Actor("aud", "auditor"), limit=1000)]
    assert {"case.assigned", "case.decided", "action.applied", "hold.added", "evidence.exported"} <= set(events)
    assert [x.id for x in holds.list_holds(store, Actor("liv", "liaison"))] == [hold["id"]]
    users.revoke_token(store, mara)
    assert client.get("/api/v1/me", headers=h).status_code == 401


def test_session_api_calls_need_the_csrf_header(client, console):
    _, store = console
    login(client, "mara")
    (c,) = client.get("/api/v1/cases").json()
    assert client.post(f"/api/v1/cases/{c['id']}/assign", json={}).status_code == 403
    token = csrf_of(client.get("/cases").text)
    assert client.post(f"/api/v1/cases/{c['id']}/assign", json={}, headers={"X-CSRF-Token": token}).status_code == 200


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}/decide", "/api/v1/holds", "/api/v1/audit"} <= set(schema["paths"])
    assert "/login" not in schema["paths"]


def test_navigation_follows_the_role_table(client):
    login(client, "mara")
    nav = client.get("/cases").text.split("</nav>")[0]
    assert 'href="/cases"' in nav and 'href="/audit"' not in nav and 'href="/holds"' not in nav
    assert client.get("/audit").status_code == 403  # hiding the link is not the protection
    login(client, "liv")
    assert client.get("/", follow_redirects=False).headers["location"] == "/holds"


def test_logout_ends_the_session(client, console):
    login(client, "mara")
    token = csrf_of(client.get("/cases").text)
    client.post("/logout", data={"csrf": token})
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_case_graph_links_the_network_and_leaves_the_organic_account_out(client, console):
    _, store = console
    login(client, "lena")
    (c,) = client.get("/api/v1/cases").json()
    g = client.get(f"/api/v1/cases/{c['id']}/graph").json()
    ids = {n["id"] for n in g["nodes"]}
    assert {f"account:{a}" for a in NET} <= ids and "account:fan1" not in ids
    assert "hashtag:alegeri" in ids  # shared by all six accounts
    flagged = {e["source"] for e in g["edges"] if e["kind"] == "flagged"}
    assert flagged == {f"account:{a}" for a in NET}
    assert client.get("/api/v1/cases/999/graph").status_code == 404


def test_the_rest_of_the_cli_over_the_api(client, console):
    """Intake, appeal, erasure, purge and statements of reasons, with the role table applied."""
    _, store = console
    tok = {n: {"Authorization": f"Bearer {users.add_token(store, n, 't')}"} for n in ("mara", "lena", "ana")}
    assert client.post("/api/v1/intake", headers=tok["ana"]).json()["findings"] == 1
    assert client.post("/api/v1/intake", headers=tok["mara"]).status_code == 403
    (c,) = client.get("/api/v1/cases", headers=tok["lena"]).json()
    client.post(f"/api/v1/cases/{c['id']}/assign", headers=tok["lena"], json={})
    client.post(f"/api/v1/cases/{c['id']}/decide", headers=tok["lena"],
                json={"decision": "confirm", "reason": "Identical posts within seconds."})
    client.post("/api/v1/enforce", headers=tok["lena"], json={})
    r = client.post("/api/v1/sor/export", headers=tok["lena"])
    assert r.status_code == 200
    assert any(n.startswith("sor-batch-") for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert client.post("/api/v1/appeals", headers=tok["mara"], json={"reason": "Appeal upheld on review.",
                                                                      "case_id": c["id"]}).status_code == 403
    r = client.post("/api/v1/appeals", headers=tok["lena"], json={"reason": "Appeal upheld on review.",
                                                                  "case_id": c["id"]})
    assert r.json()["reversed"] == len(NET) and active_actions(store) == []
    assert client.post("/api/v1/erasures", headers=tok["lena"], json={"account_id": "n1"}).status_code == 200
    assert client.post("/api/v1/purge", headers=tok["lena"], json={"retention_days": 180}).json()["erasures_done"] == 1


def test_a_lead_reverses_actions_on_appeal_from_the_case_page(client, console):
    _, store = console
    lead = Actor("lena", "lead")
    (case,) = review.list_cases(store, lead)
    review.assign(store, lead, case.id)
    review.decide(store, lead, case.id, "confirm", "Identical posts within seconds.")
    enforce(store, lead)
    login(client, "mara")
    assert 'id="reinstate"' not in client.get(f"/cases/{case.id}").text  # moderators cannot
    login(client, "lena")
    page = client.get(f"/cases/{case.id}").text
    assert 'id="reinstate"' in page
    r = client.post(f"/cases/{case.id}/reinstate", data={"csrf": csrf_of(page), "reason": "Appeal upheld on review."},
                    follow_redirects=False)
    assert r.status_code == 303 and active_actions(store) == []
