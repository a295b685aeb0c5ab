"""Defences for a console that shows content written by the accounts under
investigation: strict headers (no inline script or style can run), CSRF
tokens bound to the session, cookie settings and a login rate limit shared
by every server process (case store or Redis).

Passwords (argon2id) and session/token storage live in ``cases.users``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

import redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civicshield.cases import logins

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


class LimiterUnavailable(Exception):
    """The shared failure count cannot be read: logins are refused (503)
    rather than let through uncounted."""


class StoreCounter:
    """Failures kept in the case store (``cases.logins``): every process that
    opens the same store shares them, on SQLite and PostgreSQL alike."""

    def __init__(self, store):
        self.store = store

    def add(self, keys: list[str], now: float, forget_before: float) -> None:
        logins.record_failure(self.store, keys, _utc(now), _utc(forget_before))

    def latest(self, keys: list[str], since: float, n: int) -> dict[str, list[float]]:
        got = logins.latest_failures(self.store, keys, _utc(since), n)
        return {k: [t.timestamp() for t in ts] for k, ts in got.items()}

    def clear(self, keys: list[str]) -> None:
        logins.forget(self.store, keys)


class RedisCounter:
    """Failures kept in Redis, one sorted set per key (score = time), for
    deployments that already run Redis for the gate."""

    def __init__(self, url: str, prefix: str = "cs:login:"):
        self.r = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.prefix = prefix

    def _call(self, fn):
        try:
            return fn()
        except redis.exceptions.RedisError as e:
            raise LimiterUnavailable(f"the login limiter's Redis is unreachable: {e}") from e

    def add(self, keys: list[str], now: float, forget_before: float) -> None:
        def run():
            p = self.r.pipeline()
            for k in keys:
                p.zadd(self.prefix + k, {f"{now!r}:{secrets.token_hex(4)}": now})
                p.zremrangebyscore(self.prefix + k, "-inf", forget_before)
                p.expire(self.prefix + k, max(1, int(now - forget_before) + 1))
            p.execute()
        self._call(run)

    def latest(self, keys: list[str], since: float, n: int) -> dict[str, list[float]]:
        def run():
            p = self.r.pipeline(transaction=False)
            for k in keys:
                p.zrevrangebyscore(self.prefix + k, "+inf", f"({since!r}", start=0, num=n, withscores=True)
            return {k: [score for _m, score in got] for k, got in zip(keys, p.execute(), strict=True)}
        return self._call(run)

    def clear(self, keys: list[str]) -> None:
        self._call(lambda: self.r.delete(*[self.prefix + k for k in keys]))


class LoginLimiter:
    """At most ``attempts`` failed logins per client address and per user
    name in a sliding ``window`` (seconds), counted in ``counter``: the case
    store by default, or Redis.  Either is shared by every server process,
    so running several behind a proxy does not multiply the allowance.
    Failures racing each other can overshoot the limit by the number of
    requests in flight at once, never more."""

    def __init__(self, counter, attempts: int = 5, window: float = 300.0, clock=time.time):
        self.counter, self.attempts, self.window, self.clock = counter, attempts, window, clock

    @staticmethod
    def keys(client: str, user: str) -> list[str]:
        # The name is hashed: people type passwords into the name field, and
        # a hostile name of any size becomes a fixed-size key.
        name = hashlib.sha256(user.strip().casefold().encode()).hexdigest()[:32]
        return [f"ip:{client[:100]}", f"user:{name}"]

    def blocked(self, client: str, user: str) -> float:
        """Seconds to wait (0 when a try is allowed)."""
        now = self.clock()
        got = self.counter.latest(self.keys(client, user), now - self.window, self.attempts)
        waits = [min(ts) + self.window - now for ts in got.values() if len(ts) >= self.attempts]
        return max(waits, default=0.0)

    def failed(self, client: str, user: str) -> None:
        now = self.clock()
        self.counter.add(self.keys(client, user), now, now - self.window)

    def succeeded(self, client: str, user: str) -> None:
        self.counter.clear(self.keys(client, user)[1:])


def _utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)
