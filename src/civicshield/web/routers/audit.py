"""The audit trail: read it, verify the chain."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request

from civicshield.cases import audit
from civicshield.cases.roles import Actor
from civicshield.cases.users import LoginSession
from civicshield.web import deps
from civicshield.web.render import page

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["audit"])


@pages.get("/audit")
def audit_page(request: Request, subject: str = "", event: str = "", limit: int = 200,
               sess: LoginSession = Depends(deps.page_session)):
    rows = audit.read(deps.store(request), sess.actor, subject or None, event or None, max(1, min(limit, 2000)))
    return page("audit.html", me=sess.actor, csrf=sess.csrf, entries=list(reversed(rows)), subject=subject,
                event=event)


@api.get("/audit")
def read(request: Request, subject: str | None = None, event: str | None = None, limit: int = 100,
         actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    return audit.read(deps.store(request), actor, subject, event, max(1, min(limit, 10000)))


@api.get("/audit/verify")
def verify(request: Request, actor: Actor = Depends(deps.api_actor)) -> dict:
    report = audit.verify(deps.store(request), actor)
    return {**asdict(report), "ok": report.ok}
