"""Defences for a console that shows content written by the accounts under
investigation: strict headers (no inline script or style can run), CSRF
tokens bound to the session, cookie settings and a login rate limit.

Passwords (argon2id) and session/token storage live in ``cases.users``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "cs_session"

# No inline script or style, no third-party origins, no framing, forms post
# only back here.  Hostile text that slips through escaping still cannot run.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cache-control": b"no-store",
}


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to every response, errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS.items() if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cookie_settings(secure: bool = True) -> dict:
    """HttpOnly: scripts never see the session.  SameSite=Strict: other sites
    cannot make the browser send it.  Secure: browsers treat localhost as a
    secure context, so this holds for ``serve`` on 127.0.0.1 too."""
    return {"httponly": True, "samesite": "strict", "secure": secure, "path": "/"}


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and secrets.compare_digest(expected, given)


class LoginLimiter:
    """At most ``attempts`` failed logins per client address and per user
    name in a sliding ``window`` (seconds).  In-process memory: one server
    process per store (run several behind a proxy and each limits on its own)."""

    def __init__(self, attempts: int = 5, window: float = 300.0, clock=time.monotonic):
        self.attempts, self.window, self.clock = attempts, window, clock
        self._fails: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, client: str, user: str) -> float:
        """Seconds to wait (0 when a try is allowed)."""
        now = self.clock()
        with self._lock:
            waits = [q[0] + self.window - now for k in (f"ip:{client}", f"user:{user.lower()}")
                     if len(q := self._recent(k, now)) >= self.attempts]
        return max(waits, default=0.0)

    def failed(self, client: str, user: str) -> None:
        now = self.clock()
        with self._lock:
            for k in (f"ip:{client}", f"user:{user.lower()}"):
                self._recent(k, now).append(now)

    def succeeded(self, client: str, user: str) -> None:
        with self._lock:
            self._fails.pop(f"user:{user.lower()}", None)
