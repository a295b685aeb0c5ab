"""The rest of what the CLI does to cases, over the API and on the console's
compliance page: intake, automatic confirmation rules, appeals, erasure
requests, retention purge and the statements-of-reasons export.  The page's
destructive forms (purge, erasure) need a reason and a typed confirmation."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from civicshield.cases import holds, review
from civicshield.cases.enforce import reinstate
from civicshield.cases.errors import InvalidOperation, PermissionDenied
from civicshield.cases.intake import intake
from civicshield.cases.priority import SEVERITY
from civicshield.cases.roles import PERMISSIONS, Actor
from civicshield.cases.sor import export_statements
from civicshield.cases.users import LoginSession
from civicshield.contract import FINDING_KINDS
from civicshield.web import deps
from civicshield.web.render import page

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["compliance"])


PAGE_OPS = ("cases.auto_decide", "purge", "account.erase", "sor.export")
MIN_REASON = 10


def _page(sess: LoginSession, status_code: int = 200, **done):
    may = {op for op in PAGE_OPS if sess.actor.role in PERMISSIONS[op]}
    if not may:
        roles = ", ".join(sorted(set().union(*(PERMISSIONS[op] for op in PAGE_OPS))))
        raise PermissionDenied(f"{sess.actor.name} ({sess.actor.role}) may not use the compliance page; "
                               f"allowed roles: {roles}")
    kinds = [(k, FINDING_KINDS[k][1]) for k in sorted(FINDING_KINDS, key=lambda k: (SEVERITY.get(k, 0.5), k))]
    return page("compliance.html", status_code=status_code, me=sess.actor, csrf=sess.csrf, may=may, kinds=kinds,
                done=done)


def _reason(reason: str) -> str:
    if len(reason.strip()) < MIN_REASON:
        raise InvalidOperation(f"give a reason of at least {MIN_REASON} characters")
    return reason.strip()


@pages.get("/compliance")
def compliance_page(sess: LoginSession = Depends(deps.page_session)):
    return _page(sess)


@pages.post("/compliance/auto-confirm")
def auto_confirm_form(request: Request, kinds: list[str] = Form([]), reason: str = Form(""),
                      sess: LoginSession = Depends(deps.form_session)):
    n = review.auto_confirm(deps.store(request), sess.actor, kinds, reason)
    return _page(sess, auto_confirmed=n, rule_kinds=sorted(kinds))


@pages.post("/compliance/purge")
def purge_form(request: Request, retention_days: int = Form(180), reason: str = Form(""), confirm: str = Form(""),
               sess: LoginSession = Depends(deps.form_session)):
    reason = _reason(reason)
    if confirm.strip() != "purge":
        raise InvalidOperation("type the word purge to confirm: purged evidence cannot be restored")
    if retention_days < 0:
        raise InvalidOperation("retention days must be 0 or more")
    return _page(sess, purge=asdict(holds.purge(deps.store(request), sess.actor, retention_days, reason=reason)))


@pages.post("/compliance/erasure")
def erasure_form(request: Request, account_id: str = Form(""), confirm_account: str = Form(""),
                 reason: str = Form(""), sess: LoginSession = Depends(deps.form_session)):
    reason = _reason(reason)
    if not account_id.strip() or confirm_account.strip() != account_id.strip():
        raise InvalidOperation("type the account id a second time to confirm the erasure request")
    rid = holds.request_erasure(deps.store(request), sess.actor, account_id, reason)
    return _page(sess, erasure={"request_id": rid, "account_id": account_id.strip()})


@pages.post("/compliance/sor.zip")
def sor_form(request: Request, sess: LoginSession = Depends(deps.form_session)):
    # A POST with the CSRF token: the export marks the statements exported.
    return _sor_zip(request, sess.actor)


class AutoConfirmBody(BaseModel):
    kinds: list[str]
    reason: str


class AppealBody(BaseModel):
    reason: str
    case_id: int | None = None
    action_ids: list[int] | None = None


class ErasureBody(BaseModel):
    account_id: str = Field(min_length=1)
    reason: str | None = None


class PurgeBody(BaseModel):
    retention_days: int = Field(default=180, ge=0)
    reason: str | None = None


@api.post("/intake")
def run_intake(request: Request, actor: Actor = Depends(deps.api_actor)) -> dict:
    """Turn the served workspace's findings into cases."""
    if request.app.state.workspace is None:
        raise InvalidOperation("this server was started without a workspace: intake needs its findings")
    return asdict(intake(deps.store(request), request.app.state.workspace, actor))


@api.post("/cases/auto-confirm")
def auto_confirm(request: Request, body: AutoConfirmBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return {"confirmed": review.auto_confirm(deps.store(request), actor, body.kinds, body.reason)}


@api.post("/appeals")
def appeal(request: Request, body: AppealBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    """Reverse actions on appeal: the given actions, or every active action of the case."""
    n = reinstate(deps.store(request), actor, body.reason, action_ids=body.action_ids, case_id=body.case_id)
    return {"reversed": n}


@api.post("/erasures")
def erasure(request: Request, body: ErasureBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return {"request_id": holds.request_erasure(deps.store(request), actor, body.account_id, body.reason)}


@api.post("/purge")
def purge(request: Request, body: PurgeBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(holds.purge(deps.store(request), actor, body.retention_days, reason=body.reason))


@api.post("/sor/export", response_class=FileResponse)
def sor_export(request: Request, actor: Actor = Depends(deps.api_actor)):
    """Validate and export the pending statements of reasons (zip of the batches and the CSV);
    they are then marked exported, as with the CLI."""
    return _sor_zip(request, actor)


def _sor_zip(request: Request, actor: Actor) -> FileResponse:
    tmp = Path(tempfile.mkdtemp(prefix="cs-sor-"))
    try:
        export_statements(deps.store(request), actor, tmp / "sor")
        archive = shutil.make_archive(str(tmp / "statements"), "zip", tmp / "sor")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(archive, media_type="application/zip", filename="statements-of-reasons.zip",
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))
