"""Log in and out (people), and who-am-I (API)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from civicshield.cases import users
from civicshield.cases.roles import PERMISSIONS, Actor
from civicshield.web import deps
from civicshield.web.render import page
from civicshield.web.security import SESSION_COOKIE, LimiterUnavailable, cookie_settings, csrf_ok

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["auth"])


@pages.get("/login")
def login_form(request: Request):
    if deps.current_session(request):
        return RedirectResponse("/", status_code=303)
    return page("login.html", error=None, name="")


@pages.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form("")):
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    try:
        wait = limiter.blocked(client, name)
        if wait > 0:
            return page("login.html", status_code=429, name=name,
                        error=f"Too many failed logins. Try again in {int(wait) + 1} seconds.")
        got = users.login(deps.store(request), name, password)
        if got is None:
            limiter.failed(client, name)
            return page("login.html", status_code=401, name=name, error="Wrong name or password.")
        limiter.succeeded(client, name)
    except LimiterUnavailable:
        return page("login.html", status_code=503, name=name,
                    error="Logins are paused: the failed-login count cannot be reached. Try again shortly.")
    sid, _sess = got
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(SESSION_COOKIE, sid, max_age=int(users.SESSION_TTL.total_seconds()),
                    **cookie_settings(request.app.state.secure_cookies))
    return resp


@pages.post("/logout")
async def logout(request: Request):
    sess = deps.current_session(request)
    form = await request.form()
    resp = RedirectResponse("/login", status_code=303)
    if sess is not None and csrf_ok(sess.csrf, form.get("csrf")):
        users.logout(deps.store(request), sess.session_id)
    resp.delete_cookie(SESSION_COOKIE, **cookie_settings(request.app.state.secure_cookies))
    return resp


@api.get("/me")
def me(actor: Actor = Depends(deps.api_actor)) -> dict:
    """The caller and the operations their role allows."""
    return {"name": actor.name, "role": actor.role,
            "may": sorted(op for op, roles in PERMISSIONS.items() if actor.role in roles)}
