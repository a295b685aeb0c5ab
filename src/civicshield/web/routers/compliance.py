"""The rest of what the CLI does to cases, over the API: intake, automatic
confirmation rules, appeals, erasure requests, retention purge and the
statements-of-reasons export."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from civicshield.cases import holds, review
from civicshield.cases.enforce import reinstate
from civicshield.cases.errors import InvalidOperation
from civicshield.cases.intake import intake
from civicshield.cases.roles import Actor
from civicshield.cases.sor import export_statements
from civicshield.web import deps

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["compliance"])


class AutoConfirmBody(BaseModel):
    kinds: list[str]
    reason: str


class AppealBody(BaseModel):
    reason: str
    case_id: int | None = None
    action_ids: list[int] | None = None


class ErasureBody(BaseModel):
    account_id: str = Field(min_length=1)


class PurgeBody(BaseModel):
    retention_days: int = Field(default=180, ge=0)


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
    return {"request_id": holds.request_erasure(deps.store(request), actor, body.account_id)}


@api.post("/purge")
def purge(request: Request, body: PurgeBody, actor: Actor = Depends(deps.api_actor)) -> dict:
    return asdict(holds.purge(deps.store(request), actor, body.retention_days))


@api.post("/sor/export", response_class=FileResponse)
def sor_export(request: Request, actor: Actor = Depends(deps.api_actor)):
    """Validate and export the pending statements of reasons (zip of the batches and the CSV);
    they are then marked exported, as with the CLI."""
    tmp = Path(tempfile.mkdtemp(prefix="cs-sor-"))
    try:
        export_statements(deps.store(request), actor, tmp / "sor")
        archive = shutil.make_archive(str(tmp / "statements"), "zip", tmp / "sor")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(archive, media_type="application/zip", filename="statements-of-reasons.zip",
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))
