"""The authority portal: liaisons submit leads and requests for information
(beside the legal holds and evidence bundles on /holds); analysts and leads
act on them.  Every field shown here was typed by someone outside the
platform, so it is escaped like any content."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from civicshield.cases import holds, requests
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.lead_intake import lead_to_case
from civicshield.cases.roles import PERMISSIONS, Actor, allowed
from civicshield.cases.users import LoginSession
from civicshield.web import deps
from civicshield.web.render import page

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["authority"])


def _lines(text: str) -> list[str]:
    """One item per line (commas too, for hashtags typed in a row)."""
    return [x for x in (t.strip() for t in text.replace(",", "\n").splitlines()) if x]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidOperation(f"deadline: not a date: {text.strip()[:40]!r} (use 2026-12-01)") from None


@pages.get("/authority")
def portal(request: Request, sess: LoginSession = Depends(deps.page_session)):
    store, me = deps.store(request), sess.actor
    may = {op for op, roles in PERMISSIONS.items() if me.role in roles}
    leads, rfis = requests.list_leads(store, me), requests.list_rfis(store, me)
    bundles = requests.exported_bundles(store, me) if "authority.rfi.answer" in may else []
    active_holds = holds.list_holds(store, me) if "hold.list" in may else []
    now = dt.datetime.now(dt.UTC).isoformat()
    return page("authority.html", me=me, csrf=sess.csrf, may=may, leads=leads, rfis=rfis, bundles=bundles,
                holds=active_holds, now=now)


@pages.post("/authority/leads")
def lead_form(request: Request, authority: str = Form(""), reference: str = Form(""), accounts: str = Form(""),
              hashtags: str = Form(""), channels: str = Form(""), description: str = Form(""),
              sess: LoginSession = Depends(deps.form_session)):
    x = requests.submit_lead(deps.store(request), sess.actor, authority, reference, _lines(accounts),
                             _lines(hashtags), [c.strip() for c in channels.splitlines() if c.strip()], description)
    return RedirectResponse(f"/authority#lead-{x.id}", status_code=303)


@pages.post("/authority/rfis")
def rfi_form(request: Request, authority: str = Form(""), reference: str = Form(""), question: str = Form(""),
             legal_basis: str = Form(""), deadline: str = Form(""), sess: LoginSession = Depends(deps.form_session)):
    x = requests.submit_rfi(deps.store(request), sess.actor, authority, reference, question, legal_basis,
                            _date(deadline))
    return RedirectResponse(f"/authority#rfi-{x.id}", status_code=303)


@pages.post("/authority/leads/{lead_id}/case")
def lead_case_form(request: Request, lead_id: int, sess: LoginSession = Depends(deps.form_session)):
    x = lead_to_case(deps.store(request), sess.actor, lead_id, request.app.state.workspace)
    target = f"/cases/{x.case_id}" if allowed(sess.actor.role, "cases.view") else f"/authority#lead-{x.id}"
    return RedirectResponse(target, status_code=303)


@pages.post("/authority/leads/{lead_id}/decline")
def lead_decline_form(request: Request, lead_id: int, reason: str = Form(""),
                      sess: LoginSession = Depends(deps.form_session)):
    requests.decline_lead(deps.store(request), sess.actor, lead_id, reason)
    return RedirectResponse(f"/authority#lead-{lead_id}", status_code=303)


@pages.post("/authority/rfis/{rfi_id}/answer")
def rfi_answer_form(request: Request, rfi_id: int, status: str = Form(""), response: str = Form(""),
                    bundle: str = Form(""), sess: LoginSession = Depends(deps.form_session)):
    requests.answer_rfi(deps.store(request), sess.actor, rfi_id, status, response, bundle or None)
    return RedirectResponse(f"/authority#rfi-{rfi_id}", status_code=303)


class LeadBody(BaseModel):
    authority: str
    reference: str
    accounts: list[str]
    hashtags: list[str] = []
    channels: list[str] = []
    description: str


class RfiBody(BaseModel):
    authority: str
    reference: str
    question: str
    legal_basis: str
    deadline: dt.date | dt.datetime


class DeclineBody(BaseModel):
    reason: str


class AnswerBody(BaseModel):
    status: str
    response: str
    bundle_sha256: str | None = None


@api.get("/authority/leads")
def list_leads(request: Request, status: str | None = None, actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    return [asdict(x) for x in requests.list_leads(deps.store(request), actor, status)]


@api.post("/authority/leads")
def submit_lead(request: Request, body: LeadBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    """A liaison passes on an authority's lead: accounts, hashtags, channels and what they saw."""
    return asdict(requests.submit_lead(deps.store(request), actor, body.authority, body.reference, body.accounts,
                                       body.hashtags, body.channels, body.description))


@api.get("/authority/leads/{lead_id}")
def get_lead(request: Request, lead_id: int, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(requests.get_lead(deps.store(request), actor, lead_id))


@api.post("/authority/leads/{lead_id}/case")
def lead_case(request: Request, lead_id: int, actor: Actor = Depends(deps.api_actor)) -> dict:
    """Intake of the lead's accounts: they join the open case already about them, or a new case."""
    return asdict(lead_to_case(deps.store(request), actor, lead_id, request.app.state.workspace))


@api.post("/authority/leads/{lead_id}/decline")
def decline_lead(request: Request, lead_id: int, body: DeclineBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(requests.decline_lead(deps.store(request), actor, lead_id, body.reason))


@api.get("/authority/rfis")
def list_rfis(request: Request, status: str | None = None, actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    return [asdict(x) for x in requests.list_rfis(deps.store(request), actor, status)]


@api.post("/authority/rfis")
def submit_rfi(request: Request, body: RfiBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    """A liaison records an authority's request for information: what is asked, the legal basis, the deadline."""
    return asdict(requests.submit_rfi(deps.store(request), actor, body.authority, body.reference, body.question,
                                      body.legal_basis, body.deadline))


@api.get("/authority/rfis/{rfi_id}")
def get_rfi(request: Request, rfi_id: int, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(requests.get_rfi(deps.store(request), actor, rfi_id))


@api.post("/authority/rfis/{rfi_id}/answer")
def answer_rfi(request: Request, rfi_id: int, body: AnswerBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    """Record the answer (answered or refused), optionally with the evidence bundle given, by manifest SHA-256."""
    return asdict(requests.answer_rfi(deps.store(request), actor, rfi_id, body.status, body.response,
                                      body.bundle_sha256))


@api.get("/authority/bundles")
def bundles(request: Request, actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    """Evidence bundles exported so far (manifest SHA-256, hold, time), from the audit trail."""
    return requests.exported_bundles(deps.store(request), actor)
