"""The authority portal and the compliance page in-process: forms with CSRF,
the role table, hostile text shown escaped, and the results checked through
the case API."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fastapi.testclient import TestClient

from civicshield.cases import audit, requests, review, users
from civicshield.cases.lead_intake import lead_to_case
from civicshield.cases.roles import Actor
from civicshield.web import create_app

from .conftest import NET, PASSWORD, XSS

LENA, LIV = Actor("lena", "lead"), Actor("liv", "liaison")


@pytest.fixture
def client(console):
    ws, _ = console
    with TestClient(create_app(ws), base_url="https://testserver") as c:
        yield c


def login(c, name):
    assert c.post("/login", data={"name": name, "password": PASSWORD}, follow_redirects=False).status_code == 303


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


LEAD_FORM = {"authority": "Electoral Commission <b>EC</b>", "reference": XSS[2], "accounts": f"{NET[0]}\n{XSS[0]}",
             "hashtags": "#Alegeri2026, alegeri2026", "channels": "https://t.me/example_channel",
             "description": XSS[1] + "\nSeen in three counties."}


def test_a_liaison_submits_a_lead_and_it_is_shown_as_text(client, console):
    _, store = console
    login(client, "liv")
    token = csrf_of(client.get("/authority").text)
    assert client.post("/authority/leads", data=LEAD_FORM).status_code == 403  # no CSRF token
    r = client.post("/authority/leads", data={**LEAD_FORM, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/authority#lead-")
    (x,) = requests.list_leads(store, LENA)
    assert x.accounts == [NET[0], XSS[0]] and x.hashtags == ["alegeri2026"]
    html = client.get("/authority").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html and "&lt;b&gt;EC&lt;/b&gt;" in html
    assert not re.search(r"<script", html, re.I)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), "an event-handler attribute reached the page"
    assert 'id="lead-case-' not in html  # a liaison does not act on leads


def test_a_hostile_lead_is_refused_with_the_field_named(client, console):
    _, store = console
    login(client, "liv")
    token = csrf_of(client.get("/authority").text)
    r = client.post("/authority/leads", data={**LEAD_FORM, "hashtags": "<svg onload=alert(1)>", "csrf": token})
    assert r.status_code == 400 and "is not a hashtag" in r.text and "<svg" not in r.text
    r = client.post("/authority/leads", data={**LEAD_FORM, "accounts": "x" * 500, "csrf": token})
    assert r.status_code == 400 and "accounts #1 is 500 characters long" in r.text
    assert requests.list_leads(store, LENA) == []


def test_an_analyst_turns_a_lead_into_a_case_and_a_moderator_may_not_see_the_portal(client, console):
    _, store = console
    lead = requests.submit_lead(store, LIV, "Police", "P-1", ["fan1", "brand-new"], [], [], "A new pattern seen.")
    login(client, "mara")
    assert client.get("/authority").status_code == 403
    assert 'href="/authority"' not in client.get("/cases").text.split("</nav>")[0]
    login(client, "ana")
    token = csrf_of(client.get("/authority").text)
    r = client.post(f"/authority/leads/{lead.id}/case", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert requests.get_lead(store, LENA, lead.id).case_id == case_id
    assert review.get_case(store, LENA, case_id).summary.kind == "authority_lead"
    again = client.post(f"/authority/leads/{lead.id}/case", data={"csrf": token})
    assert again.status_code == 409 and "already converted" in again.text


def test_rfi_over_the_api_answered_by_a_lead_with_an_exported_bundle(client, console):
    _, store = console
    liv = {"Authorization": f"Bearer {users.add_token(store, 'liv', 't')}"}
    lena = {"Authorization": f"Bearer {users.add_token(store, 'lena', 't')}"}
    body = {"authority": "Prosecutor", "reference": "PO-1", "question": "Who operates the n1 to n6 accounts?",
            "legal_basis": "Art. 10 DSA", "deadline": "2026-12-01"}
    assert client.post("/api/v1/authority/rfis", headers=lena, json=body).status_code == 403
    rfi = client.post("/api/v1/authority/rfis", headers=liv, json=body).json()
    assert rfi["deadline"] == "2026-12-01T23:59:59+00:00" and rfi["status"] == "open"
    bad = client.post("/api/v1/authority/rfis", headers=liv, json={**body, "question": "a\x00" * 10})
    assert bad.status_code == 400 and "question contains control characters" in bad.json()["detail"]
    hold = client.post("/api/v1/holds", headers=liv, json={"authority": "Prosecutor", "reference": "PO-1",
                                                           "network_ids": ["net-1"]}).json()
    assert client.get(f"/api/v1/holds/{hold['id']}/bundle", headers=liv).status_code == 200
    (bundle,) = client.get("/api/v1/authority/bundles", headers=lena).json()
    r = client.post(f"/api/v1/authority/rfis/{rfi['id']}/answer", headers=lena,
                    json={"status": "answered", "response": "Bundle handed over.",
                          "bundle_sha256": bundle["manifest_sha256"]})
    assert r.status_code == 200 and r.json()["bundle_sha256"] == bundle["manifest_sha256"]
    assert client.get(f"/api/v1/authority/rfis/{rfi['id']}", headers=liv).json()["status"] == "answered"
    assert [e["event"] for e in audit.read(store, LENA, subject=f"rfi:{rfi['id']}")] == ["rfi.submitted",
                                                                                         "rfi.answered"]


def test_the_compliance_page_is_for_leads(client, console):
    login(client, "mara")
    r = client.get("/compliance")
    assert r.status_code == 403 and "allowed roles: lead" in r.text
    login(client, "lena")
    html = client.get("/compliance").text
    assert all(f'id="{f}"' in html for f in ("auto-confirm", "sor-export", "erasure", "purge"))


def test_auto_confirm_from_the_page_confirms_only_matching_cases(client, console):
    _, store = console
    login(client, "lena")
    token = csrf_of(client.get("/compliance").text)
    r = client.post("/compliance/auto-confirm", data={"kinds": ["election_content"], "reason": "short",
                                                     "csrf": token})
    assert r.status_code == 400 and "at least" in r.text
    r = client.post("/compliance/auto-confirm", data={"kinds": ["election_content"], "csrf": token,
                                                     "reason": "Election content only earns the label."})
    assert r.status_code == 200 and "0 case(s) confirmed" in r.text  # the case is a network, not label-only
    r = client.post("/compliance/auto-confirm", data={"kinds": ["coordinated_network", "election_content"],
                                                     "csrf": token, "reason": "Rule agreed with the policy team."})
    assert "1 case(s) confirmed" in r.text
    (c,) = review.list_cases(store, LENA)
    assert c.status == "confirmed"
    (d,) = review.get_case(store, LENA, c.id).decisions
    assert d["automated"] is True and d["reason"] == "Rule agreed with the policy team."


def test_purge_and_erasure_need_a_reason_and_a_typed_confirmation(client, console):
    _, store = console
    login(client, "lena")
    token = csrf_of(client.get("/compliance").text)
    r = client.post("/compliance/purge", data={"retention_days": 0, "reason": "Quarterly retention run.",
                                               "confirm": "yes", "csrf": token})
    assert r.status_code == 400 and "type the word purge" in r.text
    assert audit.read(store, LENA, event="purge.run") == []
    r = client.post("/compliance/erasure", data={"account_id": "n1", "confirm_account": "n2",
                                                 "reason": "User request #5512.", "csrf": token})
    assert r.status_code == 400 and "a second time" in r.text
    r = client.post("/compliance/erasure", data={"account_id": "n1", "confirm_account": "n1",
                                                 "reason": "User request #5512.", "csrf": token})
    assert r.status_code == 200 and "Erasure request" in r.text
    r = client.post("/compliance/purge", data={"retention_days": 180, "reason": "Quarterly retention run.",
                                               "confirm": "purge", "csrf": token})
    assert r.status_code == 200 and "Purge done" in r.text and "1 erasure(s) carried out" in r.text
    (run,) = audit.read(store, LENA, event="purge.run")
    assert run["payload"]["reason"] == "Quarterly retention run."
    (req,) = audit.read(store, LENA, event="erasure.requested")
    assert req["payload"]["reason"] == "User request #5512."


def test_statements_of_reasons_download_from_the_page(client, console):
    _, store = console
    login(client, "lena")
    (c,) = review.list_cases(store, LENA)
    review.assign(store, LENA, c.id)
    review.decide(store, LENA, c.id, "confirm", "Identical posts within seconds.")
    token = csrf_of(client.get("/compliance").text)
    client.post(f"/cases/{c.id}/enforce", data={"csrf": token})
    assert client.post("/compliance/sor.zip", data={}).status_code == 403
    r = client.post("/compliance/sor.zip", data={"csrf": token})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any(n.startswith("sor-batch-") for n in names)


def test_a_case_opened_from_a_lead_has_a_working_case_page(client, console):
    _, store = console
    lead = requests.submit_lead(store, LIV, "Police", "P-1", ["fan1"], [], [], "Pattern seen by the police.")
    case_id = lead_to_case(store, LENA, lead.id, console[0]).case_id
    login(client, "lena")
    html = client.get(f"/cases/{case_id}").text
    assert "authority_lead" in html and "fan1" in html
    assert client.get(f"/api/v1/cases/{case_id}/graph").status_code == 200
