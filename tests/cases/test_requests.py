"""Leads and requests for information from authorities: stored, audited,
validated as hostile input, and acted on once."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from civicshield.cases import audit, holds, lead_intake, requests, review
from civicshield.cases.errors import ConflictError, InvalidOperation
from civicshield.cases.evidence import export_bundle
from civicshield.cases.intake import intake
from civicshield.cases.models import Case, CaseEntity, EvidenceItem

from .conftest import actor
from .helpers import election_workspace, finding, put_findings

LIAISON, ANALYST, LEAD = actor("liaison"), actor("analyst"), actor("lead")


def lead(store, accounts=("n1",), hashtags=(), channels=(), description="Accounts seen posting the same text."):
    return requests.submit_lead(store, LIAISON, "Electoral Commission", "EC-2026-17", accounts, list(hashtags),
                                list(channels), description)


def test_a_lead_is_stored_normalised_and_audited(store):
    got = lead(store, accounts=[" n1 ", "n2", "n1"], hashtags=["#Vote2026", "vote2026", "＃VOTE2026", "#alegeri_2026"],
               channels=["telegram:@ro_news"])
    assert got.accounts == ["n1", "n2"]
    assert got.hashtags == ["vote2026", "alegeri_2026"]
    assert got.status == "open" and got.submitted_by == LIAISON.name
    assert [x.id for x in requests.list_leads(store, ANALYST)] == [got.id]
    (entry,) = audit.read(store, LEAD, subject=f"lead:{got.id}")
    assert entry["event"] == "lead.submitted" and entry["payload"]["accounts"] == ["n1", "n2"]
    assert audit.verify(store, LEAD).ok


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"accounts": []}, "at least one account"),
    ({"accounts": ["n1", "  "]}, "accounts #2 is required"),
    ({"accounts": ["x" * 201]}, "accounts #1 is 201 characters long; the limit is 200"),
    ({"accounts": [f"a{i}" for i in range(501)]}, "501 given; at most 500"),
    ({"accounts": "n1"}, "expected a list"),
    ({"accounts": [17]}, "expected text, got int"),
    ({"accounts": ["n1\u202egnp.exe"]}, "control or invisible"),
    ({"hashtags": ["<script>alert(1)</script>"]}, "is not a hashtag"),
    ({"hashtags": ["two words"]}, "is not a hashtag"),
    ({"channels": ["t.me/x\x00"]}, "control"),
    ({"description": "short"}, "at least 10 characters"),
    ({"description": "x" * 20_001}, "the limit is 20000"),
    ({"description": "fine text\x00 with a NUL"}, "control characters"),
])
def test_hostile_or_huge_lead_fields_are_refused_and_nothing_is_stored(store, kwargs, message):
    with pytest.raises(InvalidOperation, match=message):
        lead(store, **kwargs)
    assert requests.list_leads(store, LEAD) == []
    assert audit.read(store, LEAD, event="lead.submitted") == []


def test_markup_in_a_description_is_kept_as_text(store):
    """Escaping is the display's job; the store keeps what the authority sent."""
    got = lead(store, description='<img src=x onerror="alert(1)"> seen at 10:00')
    assert requests.get_lead(store, ANALYST, got.id).description.startswith("<img src=x")


def test_a_lead_about_new_accounts_becomes_a_new_case_with_evidence(store, make_workspace):
    ws = election_workspace(make_workspace)
    got = lead(store, accounts=["imp1", "no-such-account"])
    done = lead_intake.lead_to_case(store, ANALYST, got.id, ws)
    assert done.status == "converted" and done.handled_by == ANALYST.name and done.case_id
    case = review.get_case(store, LEAD, done.case_id).summary
    assert (case.kind, case.queue, case.status, case.reach) == ("authority_lead", "authority-hu", "open", 20000)
    with store.reader() as s:
        assert s.get(Case, done.case_id).automated_detection is False
        ents = set(s.execute(sa.select(CaseEntity.eid).where(CaseEntity.case_id == done.case_id)).scalars())
        snaps = set(s.execute(sa.select(EvidenceItem.eid).where(EvidenceItem.case_id == done.case_id)).scalars())
    assert ents == {"imp1", "no-such-account"}
    assert snaps == {"imp1"}  # an account the event store does not have has no snapshot
    events = [e["event"] for e in audit.read(store, LEAD)]
    assert "case.created" in events and "lead.converted" in events
    with pytest.raises(ConflictError, match="already converted"):
        lead_intake.lead_to_case(store, LEAD, got.id, ws)


def test_a_lead_about_known_accounts_joins_their_case(store, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"c": [finding("coordinated_network", "coordination", accounts=["n1", "n2"], network="a")]})
    intake(store, ws, LEAD)
    (known,) = review.list_cases(store, LEAD)
    review.assign(store, LEAD, known.id)
    review.decide(store, LEAD, known.id, "dismiss", "Looked organic at the time.")
    got = lead(store, accounts=["n2", "n9"])
    done = lead_intake.lead_to_case(store, LEAD, got.id, ws)
    assert done.case_id == known.id
    assert review.get_case(store, LEAD, known.id).summary.status == "open"  # the authority's lead reopens it
    (reopened,) = audit.read(store, LEAD, event="case.reopened")
    assert reopened["payload"] == {"was": "dismissed", "why": f"lead {got.id}"}
    assert len(review.list_cases(store, LEAD)) == 1
    with store.reader() as s:
        ents = set(s.execute(sa.select(CaseEntity.eid).where(CaseEntity.case_id == known.id,
                                                             CaseEntity.etype == "account")).scalars())
    assert ents == {"n1", "n2", "n9"}
    (conv,) = audit.read(store, LEAD, event="lead.converted")
    assert conv["payload"] == {"case_id": known.id, "new_case": False, "accounts_added": ["n9"]}


def test_declining_a_lead_needs_a_reason(store):
    got = lead(store)
    with pytest.raises(InvalidOperation, match="reason needs at least 10"):
        requests.decline_lead(store, ANALYST, got.id, "no")
    done = requests.decline_lead(store, ANALYST, got.id, "Accounts already suspended last week.")
    assert done.status == "declined" and done.handling_note.startswith("Accounts already")
    with pytest.raises(ConflictError, match="already declined"):
        lead_intake.lead_to_case(store, ANALYST, got.id)


def rfi(store, deadline=dt.date(2026, 12, 1)):
    return requests.submit_rfi(store, LIAISON, "Prosecutor's Office", "PO-44/2026",
                               "Identify who operates accounts n1 and n2.", "Art. 10 DSA order", deadline)


def test_an_rfi_deadline_is_a_moment_in_utc(store):
    got = rfi(store)
    assert got.deadline == "2026-12-01T23:59:59+00:00"
    with pytest.raises(InvalidOperation, match="time zone"):
        rfi(store, deadline=dt.datetime(2026, 12, 1, 12, 0))
    with pytest.raises(InvalidOperation, match="out of range"):
        rfi(store, deadline=dt.date(3026, 1, 1))


def test_an_rfi_is_answered_once_with_an_exported_bundle(store, make_workspace, tmp_path):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"c": [finding("coordinated_network", "coordination", accounts=["n1", "n2"], network="a")]})
    intake(store, ws, LEAD)
    hold = holds.add_hold(store, LIAISON, "Prosecutor's Office", "PO-44/2026", holds.Scope(account_ids=("n1",)))
    bundle = export_bundle(store, LIAISON, hold.id, tmp_path / "bundle")
    got = rfi(store)
    (listed,) = requests.exported_bundles(store, LEAD)
    assert listed["manifest_sha256"] == bundle.manifest_sha256 and listed["subject"] == f"hold:{hold.id}"
    with pytest.raises(InvalidOperation, match="64 hexadecimal"):
        requests.answer_rfi(store, LEAD, got.id, "answered", "Bundle attached as ordered.", "abc")
    with pytest.raises(InvalidOperation, match="no evidence bundle with that manifest"):
        requests.answer_rfi(store, LEAD, got.id, "answered", "Bundle attached as ordered.", "0" * 64)
    with pytest.raises(InvalidOperation, match="status must be"):
        requests.answer_rfi(store, LEAD, got.id, "maybe", "Bundle attached as ordered.")
    done = requests.answer_rfi(store, LEAD, got.id, "answered", "Bundle attached as ordered.",
                               bundle.manifest_sha256.upper())
    assert (done.status, done.bundle_sha256, done.answered_by) == ("answered", bundle.manifest_sha256, LEAD.name)
    assert requests.list_rfis(store, LIAISON, status="open") == []
    with pytest.raises(ConflictError, match="already answered"):
        requests.answer_rfi(store, LEAD, got.id, "refused", "Changed our mind about it.")
    (entry,) = audit.read(store, LEAD, event="rfi.answered")
    assert entry["payload"]["bundle_sha256"] == bundle.manifest_sha256
    assert audit.verify(store, LEAD).ok
