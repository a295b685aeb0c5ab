"""Turning an authority's lead into a case: intake of the accounts it names."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from civicshield.cases import audit
from civicshield.cases.errors import NotFound
from civicshield.cases.intake import REOPEN_ON_NEW_FINDINGS, snapshot_evidence
from civicshield.cases.models import Case, CaseEntity, utcnow
from civicshield.cases.priority import SEVERITY, majority_language, priority, proximity, queue_name
from civicshield.cases.requests import Lead, LeadInfo, claim_open, lead_info
from civicshield.cases.roles import Actor, require

LEAD_KIND = "authority_lead"


def lead_to_case(store, actor: Actor, lead_id: int, workspace=None, now: dt.datetime | None = None) -> LeadInfo:
    """Intake of the lead's accounts: they join the oldest case (not merged)
    already about any of them, which is reopened if it was closed, as intake
    does on new findings; or else a new case (kind ``authority_lead``, not an
    automated detection).  With ``workspace``, the accounts' current rows are
    snapshotted as evidence and give the case its reach and language."""
    require(actor, "authority.lead.handle")
    accounts_rows, election = {}, None
    with store.reader() as s:
        x = s.get(Lead, lead_id)
        if x is None:
            raise NotFound(f"no lead {lead_id}")
        names = list(x.accounts)
    if workspace is not None:
        with workspace.events(read_only=True) as ev:
            election = ev.election()
            if ev.has("accounts"):
                q = "SELECT * FROM accounts WHERE account_id IN (SELECT UNNEST(?))"
                accounts_rows = {r["account_id"]: r for r in ev.query(q, [names]).to_pylist()}
    with store.session() as s:
        claim_open(s, Lead, lead_id, "lead", status="converted", handled_by=actor.name, handled_at=utcnow())
        q = (sa.select(CaseEntity.case_id).join(Case, Case.id == CaseEntity.case_id)
             .where(CaseEntity.etype == "account", CaseEntity.eid.in_(names), Case.status != "merged")
             .order_by(CaseEntity.case_id).limit(1))
        existing = s.execute(q).scalar()
        if existing is not None:
            case = s.get(Case, existing)
            have = set(s.execute(sa.select(CaseEntity.eid).where(
                CaseEntity.case_id == case.id, CaseEntity.etype == "account")).scalars())
            added = [a for a in names if a not in have]
            case.updated_at = utcnow()  # moves the version: a reviewer acting on the old view is stopped
            if case.status in REOPEN_ON_NEW_FINDINGS:
                old, case.status, case.assignee = case.status, "open", None
                s.flush()
                audit.record(s, actor, "case.reopened", f"case:{case.id}", {"was": old, "why": f"lead {lead_id}"})
        else:
            reach = sum(int(accounts_rows.get(a, {}).get("follower_count") or 0) for a in names)
            lang = majority_language((), (accounts_rows.get(a, {}).get("language") for a in names))
            prox = proximity(now or utcnow(), election.rounds) if election else 0.0
            sev = SEVERITY[LEAD_KIND]
            case = Case(status="open", queue=queue_name(LEAD_KIND, lang), kind=LEAD_KIND, kinds=[LEAD_KIND],
                        language=lang, priority=priority(sev, reach, prox), reach=reach, severity=sev,
                        proximity=round(prox, 4), automated_detection=False)
            s.add(case)
            s.flush()
            added = names
            audit.record(s, actor, "case.created", f"case:{case.id}", {"lead": lead_id})
        s.add_all([CaseEntity(case_id=case.id, etype="account", eid=a) for a in added])
        s.flush()
        snapshot_evidence(s, {case.id: case}, accounts_rows, {})
        s.execute(sa.update(Lead).where(Lead.id == lead_id).values(case_id=case.id))
        audit.record(s, actor, "lead.converted", f"lead:{lead_id}",
                     {"case_id": case.id, "new_case": existing is None, "accounts_added": added})
        return lead_info(s.get(Lead, lead_id, populate_existing=True))
