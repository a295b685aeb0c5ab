"""Evidence bundles for a hold, downloaded as one zip (liaisons)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from civicshield.cases.evidence import export_bundle
from civicshield.cases.roles import Actor
from civicshield.cases.users import LoginSession
from civicshield.web import deps

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["evidence"])


def _bundle_zip(request: Request, actor: Actor, hold_id: int) -> FileResponse:
    tmp = Path(tempfile.mkdtemp(prefix="cs-bundle-"))
    try:
        export_bundle(deps.store(request), actor, hold_id, tmp / "bundle", workspace=request.app.state.workspace)
        archive = shutil.make_archive(str(tmp / f"evidence-hold-{hold_id}"), "zip", tmp / "bundle")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(archive, media_type="application/zip", filename=f"evidence-hold-{hold_id}.zip",
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))


@pages.post("/holds/{hold_id}/bundle.zip")
def bundle_page(request: Request, hold_id: int, sess: LoginSession = Depends(deps.form_session)):
    # A POST with the CSRF token: exporting is recorded in the audit trail,
    # so it is a change, not a read.
    return _bundle_zip(request, sess.actor, hold_id)


@api.get("/holds/{hold_id}/bundle", response_class=FileResponse)
def bundle(request: Request, hold_id: int, actor: Actor = Depends(deps.api_actor)):
    """The evidence bundle (zip: snapshots, findings, cases, audit entries, manifest with SHA-256)."""
    return _bundle_zip(request, actor, hold_id)
