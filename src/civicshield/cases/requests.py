"""Requests from authorities: leads and requests for information (RFIs).

A liaison passes on what an authority sends: a *lead* (accounts, hashtags,
channels and a description of what they saw) or an *RFI* (what is asked,
the legal basis, a deadline).  Analysts and leads see them; an analyst or a
lead turns a lead into a case (intake of the named accounts); a lead answers
an RFI (status, response text and, optionally, the evidence bundle given,
by its manifest SHA-256 as written in the audit trail).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from civicshield.cases import audit
from civicshield.cases.errors import ConflictError, InvalidOperation, NotFound
from civicshield.cases.models import AuditEntry, Base, UTCDateTime, utcnow
from civicshield.cases.request_fields import (
    MAX_ACCOUNTS,
    MAX_CHANNEL,
    MAX_CHANNELS,
    MAX_HASHTAG,
    MAX_HASHTAGS,
    MAX_ID,
    MAX_NAME,
    aware_time,
    clean_line,
    clean_list,
    clean_text,
    normalise_hashtag,
)
from civicshield.cases.roles import Actor, require

LEAD_STATUSES = ("open", "converted", "declined")
RFI_STATUSES = ("open", "answered", "refused")


class Lead(Base):
    __tablename__ = "authority_leads"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(200))
    accounts: Mapped[list] = mapped_column(sa.JSON)
    hashtags: Mapped[list] = mapped_column(sa.JSON)
    channels: Mapped[list] = mapped_column(sa.JSON)
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    submitted_by: Mapped[str] = mapped_column(sa.String(120))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    handled_by: Mapped[str | None] = mapped_column(sa.String(120))
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handling_note: Mapped[str | None] = mapped_column(sa.Text)


class Rfi(Base):
    __tablename__ = "authority_rfis"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(200))
    question: Mapped[str] = mapped_column(sa.Text)
    legal_basis: Mapped[str] = mapped_column(sa.Text)
    deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    submitted_by: Mapped[str] = mapped_column(sa.String(120))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    response: Mapped[str | None] = mapped_column(sa.Text)
    bundle_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    answered_by: Mapped[str | None] = mapped_column(sa.String(120))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class LeadInfo:
    id: int
    authority: str
    reference: str
    accounts: list
    hashtags: list
    channels: list
    description: str
    status: str
    submitted_by: str
    submitted_at: str
    case_id: int | None
    handled_by: str | None
    handled_at: str | None
    handling_note: str | None


@dataclass(frozen=True)
class RfiInfo:
    id: int
    authority: str
    reference: str
    question: str
    legal_basis: str
    deadline: str
    status: str
    submitted_by: str
    submitted_at: str
    response: str | None
    bundle_sha256: str | None
    answered_by: str | None
    answered_at: str | None


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def lead_info(x: Lead) -> LeadInfo:
    return LeadInfo(x.id, x.authority, x.reference, list(x.accounts), list(x.hashtags), list(x.channels),
                    x.description, x.status, x.submitted_by, x.submitted_at.isoformat(), x.case_id, x.handled_by,
                    _iso(x.handled_at), x.handling_note)


def rfi_info(x: Rfi) -> RfiInfo:
    return RfiInfo(x.id, x.authority, x.reference, x.question, x.legal_basis, x.deadline.isoformat(), x.status,
                   x.submitted_by, x.submitted_at.isoformat(), x.response, x.bundle_sha256, x.answered_by,
                   _iso(x.answered_at))


def submit_lead(store, actor: Actor, authority: str, reference: str, accounts, hashtags=(), channels=(),
                description: str = "") -> LeadInfo:
    require(actor, "authority.lead.submit")
    fields = dict(
        authority=clean_line("authority", authority, MAX_NAME), reference=clean_line("reference", reference, MAX_NAME),
        accounts=clean_list("accounts", accounts, MAX_ACCOUNTS, MAX_ID),
        hashtags=clean_list("hashtags", hashtags, MAX_HASHTAGS, MAX_HASHTAG, normalise_hashtag),
        channels=clean_list("channels", channels, MAX_CHANNELS, MAX_CHANNEL),
        description=clean_text("description", description, minimum=10))
    if not fields["accounts"]:
        raise InvalidOperation("accounts: a lead names at least one account")
    with store.session() as s:
        lead = Lead(status="open", submitted_by=actor.name, **fields)
        s.add(lead)
        s.flush()
        audit.record(s, actor, "lead.submitted", f"lead:{lead.id}", {
            k: fields[k] for k in ("authority", "reference", "accounts", "hashtags", "channels", "description")})
        return lead_info(lead)


def submit_rfi(store, actor: Actor, authority: str, reference: str, question: str, legal_basis: str,
               deadline: dt.datetime | dt.date) -> RfiInfo:
    require(actor, "authority.rfi.submit")
    fields = dict(
        authority=clean_line("authority", authority, MAX_NAME), reference=clean_line("reference", reference, MAX_NAME),
        question=clean_text("question", question, minimum=10),
        legal_basis=clean_text("legal basis", legal_basis, limit=2_000, minimum=3),
        deadline=aware_time("deadline", deadline))
    with store.session() as s:
        rfi = Rfi(status="open", submitted_by=actor.name, **fields)
        s.add(rfi)
        s.flush()
        audit.record(s, actor, "rfi.submitted", f"rfi:{rfi.id}",
                     {**{k: fields[k] for k in ("authority", "reference", "question", "legal_basis")},
                      "deadline": fields["deadline"].isoformat()})
        return rfi_info(rfi)


def list_leads(store, actor: Actor, status: str | None = None, limit: int = 200) -> list[LeadInfo]:
    require(actor, "authority.view")
    q = sa.select(Lead).order_by(Lead.id.desc()).limit(limit)
    if status:
        q = q.where(Lead.status == status)
    with store.reader() as s:
        return [lead_info(x) for x in s.execute(q).scalars()]


def list_rfis(store, actor: Actor, status: str | None = None, limit: int = 200) -> list[RfiInfo]:
    require(actor, "authority.view")
    q = sa.select(Rfi).order_by(Rfi.id.desc()).limit(limit)
    if status:
        q = q.where(Rfi.status == status)
    with store.reader() as s:
        return [rfi_info(x) for x in s.execute(q).scalars()]


def get_lead(store, actor: Actor, lead_id: int) -> LeadInfo:
    require(actor, "authority.view")
    with store.reader() as s:
        x = s.get(Lead, lead_id)
        if x is None:
            raise NotFound(f"no lead {lead_id}")
        return lead_info(x)


def get_rfi(store, actor: Actor, rfi_id: int) -> RfiInfo:
    require(actor, "authority.view")
    with store.reader() as s:
        x = s.get(Rfi, rfi_id)
        if x is None:
            raise NotFound(f"no request for information {rfi_id}")
        return rfi_info(x)


def claim_open(s: Session, model, row_id: int, what: str, **values) -> None:
    """Move an open lead or RFI on, once: of two people acting at the same
    time, the second finds it no longer open and is told so."""
    done = s.execute(sa.update(model).where(model.id == row_id, model.status == "open").values(**values))
    if done.rowcount != 1:
        row = s.get(model, row_id)
        if row is None:
            raise NotFound(f"no {what} {row_id}")
        raise ConflictError(f"{what} {row_id} is already {row.status}")


def decline_lead(store, actor: Actor, lead_id: int, reason: str) -> LeadInfo:
    require(actor, "authority.lead.handle")
    reason = clean_text("reason", reason, limit=5_000, minimum=10)
    with store.session() as s:
        claim_open(s, Lead, lead_id, "lead", status="declined", handled_by=actor.name, handled_at=utcnow(),
               handling_note=reason)
        audit.record(s, actor, "lead.declined", f"lead:{lead_id}", {"reason": reason})
        return lead_info(s.get(Lead, lead_id, populate_existing=True))


def answer_rfi(store, actor: Actor, rfi_id: int, status: str, response: str,
               bundle_sha256: str | None = None) -> RfiInfo:
    """Record the answer given to the authority.  ``bundle_sha256`` names an
    evidence bundle handed over with it; it must be one the audit trail shows
    was exported, so the answer points at verifiable evidence."""
    require(actor, "authority.rfi.answer")
    if status not in ("answered", "refused"):
        raise InvalidOperation(f"status must be 'answered' or 'refused', not {str(status)[:40]!r}")
    response = clean_text("response", response, minimum=10)
    bundle = (bundle_sha256 or "").strip().lower() or None
    if bundle is not None and not re.fullmatch(r"[0-9a-f]{64}", bundle):
        raise InvalidOperation("bundle: give the evidence bundle's manifest SHA-256 (64 hexadecimal digits)")
    with store.session() as s:
        if bundle is not None and not s.execute(sa.select(AuditEntry.seq).where(
                AuditEntry.event == "evidence.exported", AuditEntry.payload.contains(bundle)).limit(1)).first():
            raise InvalidOperation(f"bundle {bundle}: no evidence bundle with that manifest SHA-256 was exported")
        claim_open(s, Rfi, rfi_id, "request for information", status=status, response=response, bundle_sha256=bundle,
               answered_by=actor.name, answered_at=utcnow())
        audit.record(s, actor, "rfi.answered", f"rfi:{rfi_id}",
                     {"status": status, "response": response, "bundle_sha256": bundle})
        return rfi_info(s.get(Rfi, rfi_id, populate_existing=True))


def exported_bundles(store, actor: Actor, limit: int = 50) -> list[dict]:
    """The evidence bundles exported so far, newest first, as the audit trail
    records them: what an RFI answer can point to."""
    require(actor, "authority.view")
    q = (sa.select(AuditEntry).where(AuditEntry.event == "evidence.exported")
         .order_by(AuditEntry.seq.desc()).limit(limit))
    with store.reader() as s:
        return [{"manifest_sha256": json.loads(e.payload)["manifest_sha256"], "subject": e.subject, "at": e.at,
                 "exported_by": e.actor} for e in s.execute(q).scalars()]
