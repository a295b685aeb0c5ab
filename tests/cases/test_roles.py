"""The role matrix: every operation is tried by every role through the real
API; the roles the table does not list are refused, the others get past the
check (they may still fail for other reasons, e.g. nothing to act on)."""

from __future__ import annotations

import datetime as dt

import pytest

from civicshield.cases import audit, claims, holds, lead_intake, requests, review
from civicshield.cases.enforce import enforce, reinstate
from civicshield.cases.errors import PermissionDenied
from civicshield.cases.evidence import export_bundle
from civicshield.cases.intake import intake
from civicshield.cases.roles import PERMISSIONS, ROLES, Actor
from civicshield.cases.sor import export_statements
from civicshield.errors import CivicshieldError

from .helpers import election_workspace, finding, put_findings

SCOPE = holds.Scope(account_ids=("n1",))

# operation -> how to attempt it as ``a`` (ctx: store, workspace, case id, hold id, tmp dir)
ATTEMPTS = {
    "cases.intake": lambda a, c: intake(c["store"], c["ws"], a),
    "cases.view": lambda a, c: review.get_case(c["store"], a, c["case"]),
    "cases.assign": lambda a, c: review.assign(c["store"], a, c["case"]),
    "cases.assign_other": lambda a, c: review.assign(c["store"], a, c["case"], reviewer="someone-else"),
    "cases.decide": lambda a, c: review.decide(c["store"], a, c["case"], "dismiss", "Reason of sufficient length."),
    "cases.decide_escalated": lambda a, c: review.decide(c["store"], a, c["escalated"], "dismiss",
                                                         "Reason of sufficient length."),
    "cases.auto_decide": lambda a, c: review.auto_confirm(c["store"], a, ["election_content"],
                                                          "Automatic election-information label."),
    "enforce": lambda a, c: enforce(c["store"], a),
    "appeal.reinstate": lambda a, c: reinstate(c["store"], a, "Appeal upheld after review.", case_id=c["case"]),
    "audit.verify": lambda a, c: audit.verify(c["store"], a),
    "audit.read": lambda a, c: audit.read(c["store"], a),
    "hold.add": lambda a, c: holds.add_hold(c["store"], a, "Authority", "ref", SCOPE),
    "hold.release": lambda a, c: holds.release_hold(c["store"], a, c["hold"], "Order lifted by the court."),
    "hold.list": lambda a, c: holds.list_holds(c["store"], a),
    "purge": lambda a, c: holds.purge(c["store"], a),
    "account.erase": lambda a, c: holds.request_erasure(c["store"], a, "n9"),
    "evidence.export": lambda a, c: export_bundle(c["store"], a, c["hold"], c["tmp"] / a.role),
    "sor.export": lambda a, c: export_statements(c["store"], a, c["tmp"] / f"sor-{a.role}"),
    "authority.lead.submit": lambda a, c: requests.submit_lead(c["store"], a, "Authority", "ref", ["n1"], ["#x"], [],
                                                               "Accounts seen posting the same text."),
    "authority.rfi.submit": lambda a, c: requests.submit_rfi(c["store"], a, "Authority", "ref", "Who runs n1?",
                                                             "DSA Art. 10", dt.date(2026, 12, 1)),
    "authority.view": lambda a, c: requests.list_leads(c["store"], a),
    "authority.lead.handle": lambda a, c: lead_intake.lead_to_case(c["store"], a, c["lead"], c["ws"]),
    "authority.rfi.answer": lambda a, c: requests.answer_rfi(c["store"], a, c["rfi"], "refused",
                                                             "No legal basis for this request."),
    "claims.intake": lambda a, c: claims.intake_claims(c["store"], c["ws"], a),
    "claims.view": lambda a, c: claims.list_claims(c["store"], a),
    "claims.verdict": lambda a, c: claims.give_verdict(c["store"], c["ws"], a, 1, "false", "https://factual.ro/x"),
    "claims.import": lambda a, c: claims.import_factchecks(c["store"], c["ws"], a, c["tmp"] / "none.jsonl"),
    "claims.match": lambda a, c: claims.match_claims(c["store"], c["ws"], a),
}


def test_every_operation_in_the_table_is_tried():
    assert set(ATTEMPTS) == set(PERMISSIONS)


@pytest.fixture
def ctx(store, make_workspace, tmp_path):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"c": [finding("coordinated_network", "coordination", accounts=["n1"], network="a"),
                            finding("coordinated_network", "coordination", accounts=["n2"], network="b")]})
    lead = Actor("lead-0", "lead")
    intake(store, ws, lead)
    case, esc = (c.id for c in review.list_cases(store, lead))
    review.assign(store, lead, esc)
    review.decide(store, lead, esc, "escalate", "Needs a second opinion.")
    review.assign(store, lead, esc)  # lead holds the escalated case
    hold = holds.add_hold(store, lead, "Authority", "ref-0", SCOPE).id
    liaison = Actor("liaison-0", "liaison")
    lead_id = requests.submit_lead(store, liaison, "Authority", "ref-1", ["n1"], [], [], "Seen posting together.").id
    rfi = requests.submit_rfi(store, liaison, "Authority", "ref-2", "Who runs n1?", "DSA Art. 10", dt.date(2026, 12, 1)).id
    return {"store": store, "ws": ws, "case": case, "escalated": esc, "hold": hold, "tmp": tmp_path,
            "lead": lead_id, "rfi": rfi}


def test_role_matrix(ctx):
    """One store per database for the whole matrix (setting one up per cell
    costs seconds); refusals do not depend on the state the others leave."""
    for operation in sorted(PERMISSIONS):
        for role in ROLES:
            who = Actor("lead-0" if role == "lead" else f"{role}-x", role)
            if role in PERMISSIONS[operation]:
                try:
                    ATTEMPTS[operation](who, ctx)
                except PermissionDenied as e:
                    pytest.fail(f"{role} was refused {operation}: {e}")
                except CivicshieldError:
                    pass  # past the role check; refused for another reason
            else:
                with pytest.raises(PermissionDenied):
                    ATTEMPTS[operation](who, ctx)


def test_unknown_roles_and_empty_names_are_refused():
    with pytest.raises(PermissionDenied, match="unknown role"):
        Actor("x", "admin")
    with pytest.raises(PermissionDenied, match="acting user"):
        Actor(" ", "lead")
