"""Who is asking: a person's session (pages, and the API from the console)
or a machine's bearer token (API).  Unsafe requests made with a session must
carry the session's CSRF token; bearer tokens are not sent by browsers on
their own, so they need none."""

from __future__ import annotations

from fastapi import Request

from civicshield.cases import users
from civicshield.cases.roles import Actor
from civicshield.web.security import SESSION_COOKIE, csrf_ok

SAFE = ("GET", "HEAD", "OPTIONS")


class LoginRequired(Exception):
    """A page was asked for without a valid session: go to the login page."""


class Unauthorized(Exception):
    """An API call without valid credentials (401)."""


class CsrfFailed(Exception):
    """An unsafe request whose CSRF token is missing or wrong (403)."""


def store(request: Request):
    return request.app.state.store


def current_session(request: Request) -> users.LoginSession | None:
    return users.session_for(store(request), request.cookies.get(SESSION_COOKIE))


def page_session(request: Request) -> users.LoginSession:
    """For GET pages."""
    sess = current_session(request)
    if sess is None:
        raise LoginRequired()
    return sess


async def form_session(request: Request) -> users.LoginSession:
    """For form posts: a session and the form's CSRF token must match."""
    sess = current_session(request)
    if sess is None:
        raise LoginRequired()
    form = await request.form()
    if not csrf_ok(sess.csrf, form.get("csrf")):
        raise CsrfFailed()
    return sess


def api_actor(request: Request) -> Actor:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        actor = users.token_actor(store(request), auth[7:].strip())
        if actor is None:
            raise Unauthorized()
        return actor
    sess = current_session(request)
    if sess is None:
        raise Unauthorized()
    if request.method not in SAFE and not csrf_ok(sess.csrf, request.headers.get("x-csrf-token")):
        raise CsrfFailed()
    return sess.actor
