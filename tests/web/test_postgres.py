"""The console on a PostgreSQL case store (the production set-up): users,
login, the queue and a decision, through the in-process client."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

# The case-store tests' fixture: a fresh database on the local server, dropped afterwards.
from cases.conftest import pg_database_url  # noqa: E402,F401  (tests/ is on sys.path via pytest's rootdir)
from civicshield.cases import open_case_store, review, users
from civicshield.cases.intake import intake
from civicshield.cases.roles import Actor
from civicshield.web import create_app

from .conftest import PASSWORD, build


@pytest.mark.postgres
def test_console_on_postgresql(make_workspace, pg_database_url):  # noqa: F811
    ws = build(make_workspace)
    with open_case_store(ws, pg_database_url) as store:
        assert store.dialect == "postgresql"
        intake(store, ws, Actor("ana", "analyst"))
        users.add_user(store, "mara", "moderator", PASSWORD)
        token = users.add_token(store, "mara", "pg")
        with TestClient(create_app(ws, pg_database_url), base_url="https://testserver") as c:
            assert c.post("/login", data={"name": "mara", "password": PASSWORD}, follow_redirects=False).status_code == 303
            assert "network-ro" in c.get("/cases").text
            h = {"Authorization": f"Bearer {token}"}
            (case,) = c.get("/api/v1/cases", headers=h).json()
            c.post(f"/api/v1/cases/{case['id']}/assign", headers=h, json={})
            r = c.post(f"/api/v1/cases/{case['id']}/decide", headers=h,
                       json={"decision": "dismiss", "reason": "Ordinary supporters, not a network."})
            assert r.status_code == 200
        assert review.get_case(store, Actor("lena", "lead"), case["id"]).summary.status == "dismissed"
