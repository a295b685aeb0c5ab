"""The queue, the case page, and the work on a case: assign, decide, enforce."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from civicshield.cases import enforce as enforcement
from civicshield.cases import items, review
from civicshield.cases.errors import NotFound
from civicshield.cases.roles import PERMISSIONS, Actor
from civicshield.cases.users import LoginSession
from civicshield.web import deps, media
from civicshield.web.charts import creation_histogram, timeline
from civicshield.web.graph import case_graph
from civicshield.web.render import page

pages = APIRouter(include_in_schema=False)
MAX_MEDIA = 60  # C2PA verdicts read per case page (the rest are listed without)
api = APIRouter(tags=["cases"])


def _may(actor: Actor) -> set[str]:
    return {op for op, roles in PERMISSIONS.items() if actor.role in roles}


@pages.get("/")
def home(sess: LoginSession = Depends(deps.page_session)):
    may = _may(sess.actor)
    target = "/cases" if "cases.view" in may else "/holds" if "hold.list" in may else "/audit"
    return RedirectResponse(target, status_code=303)


@pages.get("/cases")
def queue(request: Request, queue: str = "", status: str = "", mine: bool = False, limit: int = 100,
          sess: LoginSession = Depends(deps.page_session)):
    store = deps.store(request)
    rows = review.list_cases(store, sess.actor, queue=queue or None, status=status or None,
                             assignee=sess.actor.name if mine else None, limit=max(1, min(limit, 1000)))
    return page("queue.html", me=sess.actor, csrf=sess.csrf, cases=rows, counts=items.queue_counts(store, sess.actor),
                queue=queue, status=status, mine=mine)


@pages.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, sess: LoginSession = Depends(deps.page_session)):
    store = deps.store(request)
    detail = review.get_case(store, sess.actor, case_id)
    evidence = items.case_items(store, sess.actor, case_id)
    verdicts = {}
    for p in [p for p in evidence["posts"] if p.get("media_path")][:MAX_MEDIA]:
        try:
            verdicts[p["post_id"]] = media.verdict(media.media_path(request.app.state.workspace, p["media_path"]))
        except NotFound:
            verdicts[p["post_id"]] = {"state": "file not available", "ai": False, "source_types": [], "generator": ""}
    return page("case.html", verdicts=verdicts, me=sess.actor, csrf=sess.csrf, case=detail, c=detail.summary, may=_may(sess.actor),
                accounts=evidence["accounts"], posts=evidence["posts"],
                histogram=creation_histogram(evidence["accounts"]), timeline=timeline(evidence["posts"]),
                decisions=list(review.DECISIONS))


@pages.get("/cases/{case_id}/media/{post_id}.jpg")
def media_thumb(request: Request, case_id: int, post_id: str, sess: LoginSession = Depends(deps.page_session)):
    """Only media of posts in this case, and only as a re-encoded thumbnail."""
    posts = items.case_items(deps.store(request), sess.actor, case_id)["posts"]
    rel = next((p.get("media_path") for p in posts if p["post_id"] == post_id), None)
    data = media.thumbnail(media.media_path(request.app.state.workspace, rel or ""))
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@pages.post("/cases/{case_id}/assign")
def assign_form(request: Request, case_id: int, version: int = Form(...),
                sess: LoginSession = Depends(deps.form_session)):
    review.assign(deps.store(request), sess.actor, case_id, expected_version=version)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@pages.post("/cases/{case_id}/decide")
def decide_form(request: Request, case_id: int, version: int = Form(...), decision: str = Form(...),
                reason: str = Form(""), sess: LoginSession = Depends(deps.form_session)):
    review.decide(deps.store(request), sess.actor, case_id, decision, reason, expected_version=version)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@pages.post("/cases/{case_id}/enforce")
def enforce_form(request: Request, case_id: int, sess: LoginSession = Depends(deps.form_session)):
    enforcement.enforce(deps.store(request), sess.actor, case_ids=[case_id])
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@pages.post("/cases/{case_id}/reinstate")
def reinstate_form(request: Request, case_id: int, reason: str = Form(""),
                   sess: LoginSession = Depends(deps.form_session)):
    """An appeal upheld: every active action of the case is reversed."""
    enforcement.reinstate(deps.store(request), sess.actor, reason, case_id=case_id)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


# --- API ---

class AssignBody(BaseModel):
    reviewer: str | None = None
    expected_version: int | None = None


class DecideBody(BaseModel):
    decision: str = Field(description="confirm, dismiss, escalate or request_evidence")
    reason: str = Field(min_length=1)
    expected_version: int | None = None


class EnforceBody(BaseModel):
    case_ids: list[int] | None = None


@api.get("/cases")
def list_cases(request: Request, queue: str | None = None, status: str | None = None, assignee: str | None = None,
               limit: int = 100, actor: Actor = Depends(deps.api_actor)) -> list[dict]:
    rows = review.list_cases(deps.store(request), actor, queue, status, assignee, max(1, min(limit, 10000)))
    return [asdict(r) for r in rows]


@api.get("/queues")
def queues(request: Request, actor: Actor = Depends(deps.api_actor)) -> dict:
    return items.queue_counts(deps.store(request), actor)


@api.get("/cases/{case_id}")
def get_case(request: Request, case_id: int, actor: Actor = Depends(deps.api_actor)) -> dict:
    store = deps.store(request)
    return {**asdict(review.get_case(store, actor, case_id)), **items.case_items(store, actor, case_id)}


@api.get("/cases/{case_id}/graph")
def graph(request: Request, case_id: int, max_nodes: int = 400, actor: Actor = Depends(deps.api_actor)) -> dict:
    """The case's network: accounts, shared hashtags and findings as nodes; who was flagged with whom,
    who used which hashtag and who engaged with whom as edges."""
    store = deps.store(request)
    review.get_case(store, actor, case_id)  # 404 for an unknown case
    ev = items.case_items(store, actor, case_id)
    return case_graph(items.case_members(store, actor, case_id), ev["accounts"], ev["posts"],
                      max(10, min(max_nodes, 2000)))


@api.post("/cases/{case_id}/assign")
def assign(request: Request, case_id: int, body: AssignBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(review.assign(deps.store(request), actor, case_id, body.reviewer, body.expected_version))


@api.post("/cases/{case_id}/decide")
def decide(request: Request, case_id: int, body: DecideBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(review.decide(deps.store(request), actor, case_id, body.decision, body.reason,
                                body.expected_version))


@api.post("/enforce")
def enforce(request: Request, body: EnforceBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(enforcement.enforce(deps.store(request), actor, case_ids=body.case_ids))
