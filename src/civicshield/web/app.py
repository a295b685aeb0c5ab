"""The application factory: one case store, the routers, the defences and
one mapping from the case API's errors to HTTP answers."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from civicshield.cases import open_case_store
from civicshield.cases.errors import ConflictError, HoldError, InvalidOperation, NotFound, PermissionDenied
from civicshield.errors import CivicshieldError
from civicshield.web import deps
from civicshield.web.render import page
from civicshield.web.routers import audit, auth, authority, cases, claims, compliance, evidence, holds
from civicshield.web.security import LoginLimiter, RedisCounter, SecurityHeaders, StoreCounter

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = Path(__file__).resolve().parent / "frontend" / "node_modules" / "cytoscape" / "dist"

STATUS = {PermissionDenied: 403, NotFound: 404, ConflictError: 409, HoldError: 409, InvalidOperation: 400}


def _status(e: Exception) -> int:
    for cls, code in STATUS.items():
        if isinstance(e, cls):
            return code
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(workspace=None, db_url: str | None = None, *, secure_cookies: bool = True,
               redis_url: str | None = None, redis_prefix: str = "cs:login:", login_attempts: int = 5,
               login_window: float = 300.0) -> FastAPI:
    """``workspace`` (a ``Workspace``) gives the default SQLite case store and
    the event rows for evidence bundles; ``db_url`` names another case store.
    Failed logins are counted in the case store, or in Redis at ``redis_url``."""
    store = open_case_store(workspace, db_url)

    @asynccontextmanager
    async def lifespan(_app):
        yield
        store.close()

    # No /docs page: it loads script from a CDN, which the CSP refuses.
    app = FastAPI(title="civicshield", version="1", openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    app.state.store = store
    app.state.workspace = workspace
    app.state.secure_cookies = secure_cookies
    counter = RedisCounter(redis_url, redis_prefix) if redis_url else StoreCounter(store)
    app.state.limiter = LoginLimiter(counter, attempts=login_attempts, window=login_window)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Served straight from the npm install (scripts/setup.sh runs npm ci); without it
    # the pages still work, only the graph is not drawn.
    app.mount("/vendor", StaticFiles(directory=VENDOR, check_dir=False), name="vendor")
    for module in (auth, compliance, cases, holds, evidence, authority, claims, audit):
        app.include_router(module.pages)
        app.include_router(module.api, prefix="/api/v1")

    @app.exception_handler(deps.LoginRequired)
    async def _login(request: Request, _e):
        if _is_api(request):
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(deps.Unauthorized)
    async def _unauthorized(_request: Request, _e):
        return JSONResponse({"detail": "a valid API token or session is required"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(deps.CsrfFailed)
    async def _csrf(request: Request, _e):
        msg = "the form's security token is missing or stale: reload the page and try again"
        if _is_api(request):
            return JSONResponse({"detail": msg}, status_code=403)
        return page("error.html", status_code=403, message=msg)

    @app.exception_handler(CivicshieldError)
    async def _domain(request: Request, e: CivicshieldError):
        code = _status(e)
        if _is_api(request):
            return JSONResponse({"detail": str(e)}, status_code=code)
        sess = deps.current_session(request)
        return page("error.html", status_code=code, message=str(e), me=sess.actor if sess else None,
                    csrf=sess.csrf if sess else "")

    return app
