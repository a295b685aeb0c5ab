"""Legal holds: list, place, release (liaisons and leads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from civicshield.cases import holds
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.roles import PERMISSIONS, Actor
from civicshield.cases.users import LoginSession
from civicshield.web import deps
from civicshield.web.render import page

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["holds"])


def _ids(text: str) -> tuple[str, ...]:
    return tuple(x for x in (t.strip() for t in text.replace(",", "\n").splitlines()) if x)


def _time(text: str) -> dt.datetime | None:
    if not text.strip():
        return None
    try:
        t = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidOperation(f"not a date or time: {text.strip()!r} (use 2024-11-24 or 2024-11-24T08:00)") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


@pages.get("/holds")
def holds_page(request: Request, released: bool = False, sess: LoginSession = Depends(deps.page_session)):
    rows = holds.list_holds(deps.store(request), sess.actor, include_released=released)
    may = {op for op, roles in PERMISSIONS.items() if sess.actor.role in roles}
    return page("holds.html", me=sess.actor, csrf=sess.csrf, holds=rows, may=may, released=released)


@pages.post("/holds")
def add_form(request: Request, authority: str = Form(""), reference: str = Form(""), election_id: str = Form(""),
             networks: str = Form(""), accounts: str = Form(""), posts: str = Form(""), time_from: str = Form(""),
             time_to: str = Form(""), sess: LoginSession = Depends(deps.form_session)):
    scope = holds.Scope(election_id.strip() or None, _ids(networks), _ids(accounts), _ids(posts), _time(time_from),
                        _time(time_to))
    holds.add_hold(deps.store(request), sess.actor, authority, reference, scope)
    return RedirectResponse("/holds", status_code=303)


@pages.post("/holds/{hold_id}/release")
def release_form(request: Request, hold_id: int, reason: str = Form(""),
                 sess: LoginSession = Depends(deps.form_session)):
    holds.release_hold(deps.store(request), sess.actor, hold_id, reason)
    return RedirectResponse("/holds", status_code=303)


class HoldBody(BaseModel):
    authority: str
    reference: str
    election_id: str | None = None
    network_ids: list[str] = []
    account_ids: list[str] = []
    post_ids: list[str] = []
    time_from: dt.datetime | None = None
    time_to: dt.datetime | None = None


class ReleaseBody(BaseModel):
    reason: str


@api.get("/holds")
def list_holds(request: Request, include_released: bool = False, actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    return [asdict(h) for h in holds.list_holds(deps.store(request), actor, include_released)]


@api.post("/holds")
def add_hold(request: Request, body: HoldBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    scope = holds.Scope(body.election_id, tuple(body.network_ids), tuple(body.account_ids), tuple(body.post_ids),
                        body.time_from, body.time_to)
    return asdict(holds.add_hold(deps.store(request), actor, body.authority, body.reference, scope))


@api.post("/holds/{hold_id}/release")
def release(request: Request, hold_id: int, body: ReleaseBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(holds.release_hold(deps.store(request), actor, hold_id, body.reason))
