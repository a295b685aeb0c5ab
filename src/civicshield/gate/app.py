"""The gate's HTTP service (Starlette on uvicorn).

``POST /v1/signup``      one sign-up attempt -> a verdict
``POST /v1/engagement``  one engagement, or ``{"events": [...]}`` -> ``{"decisions": [...]}``
``POST /v1/search-notice`` ``{"query", "language"?}`` -> is it about the election, and the notice
``GET  /v1/health``      state store reachable?, rules version, mode
``GET  /v1/counts``      decision counters (transparency figures)

The service is stateless: all state is in Redis (or in-process with no Redis
configured, for one process only), so any number of gate processes can
serve one platform.  The time of an event is the server's clock: a client
cannot backdate its actions out of a window.  The rules file is re-read
when it changes (checked at most once a second); a broken edit is logged
and the previous rules stay in force.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from civicshield.election import load_election
from civicshield.errors import DataError, ParameterError
from civicshield.gate.core import Gate
from civicshield.gate.model import engagement_from_json, signup_from_json
from civicshield.gate.rules import load_rules
from civicshield.gate.state import MemoryState, StateUnavailable
from civicshield.notices import SearchNotices

log = logging.getLogger("civicshield.gate")
MAX_BATCH = 1000


class RulesWatcher:
    """Reloads the rules file into the gate when its modification time changes."""

    def __init__(self, gate: Gate, path: Path | None, every_s: float = 1.0):
        self.gate, self.path, self.every_s = gate, path, every_s
        self._next = time.monotonic() + every_s
        self._mtime = path.stat().st_mtime_ns if path else None

    def poll(self) -> None:
        if self.path is None or time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.every_s
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError:
            return
        if mtime == self._mtime:
            return
        self._mtime = mtime
        try:
            rules = load_rules(self.path)
        except DataError as e:
            log.error("rules file changed but is invalid, keeping version %s: %s", self.gate.rules.version, e)
            return
        self.gate.rules = rules
        log.warning("rules reloaded: version %s (%s)", rules.version, rules.digest)


def _json_body(raw: bytes) -> object:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise DataError("request body", None, None, f"not valid JSON: {e}") from e


class FastJSON(Response):
    """A JSON answer serialised with orjson (the decision endpoints' hot path)."""

    media_type = "application/json"

    def render(self, content: object) -> bytes:
        return orjson.dumps(content)


def _bad(e: DataError) -> Response:
    return FastJSON({"error": e.message, "row": e.row, "column": e.column, "detail": str(e)}, status_code=400)


def create_app(gate: Gate, rules_path: Path | None = None, notices: SearchNotices | None = None) -> Starlette:
    """``notices`` (built from the election) enables ``/v1/search-notice``."""
    watcher = RulesWatcher(gate, rules_path)

    async def signup(request: Request) -> Response:
        watcher.poll()
        try:
            s = signup_from_json(_json_body(await request.body()), time.time(), "request body")
        except DataError as e:
            return _bad(e)
        return FastJSON(gate.signup(s).to_dict())

    async def engagement(request: Request) -> Response:
        watcher.poll()
        now = time.time()
        try:
            body = _json_body(await request.body())
            batch = isinstance(body, dict) and "events" in body
            items = body["events"] if batch else [body]
            if not isinstance(items, list) or not 0 < len(items) <= MAX_BATCH:
                raise DataError("request body", None, "events", f"must be a list of 1 to {MAX_BATCH} engagements")
            evs = [engagement_from_json(o, now, "request body", i + 1 if batch else None) for i, o in enumerate(items)]
        except DataError as e:
            return _bad(e)
        verdicts = await gate.aengagements(evs)
        if batch:
            return FastJSON({"decisions": [v.to_dict() for v in verdicts]})
        return FastJSON(verdicts[0].to_dict())

    async def search_notice(request: Request) -> Response:
        if notices is None:
            return JSONResponse({"error": "no election configured: start the gate with --election election.toml"},
                                status_code=503)
        try:
            body = _json_body(await request.body())
            if not isinstance(body, dict):
                raise DataError("request body", None, None, "expected a JSON object with a 'query'")
            answer = notices.check(body.get("query"), body.get("language"), "request body")
        except DataError as e:
            return _bad(e)
        return JSONResponse(answer.to_dict())

    async def health(request: Request) -> Response:
        try:
            gate.state.counts()
            ok = True
        except StateUnavailable:
            ok = False
        r = gate.rules
        return JSONResponse({"state": "ok" if ok else "unavailable", "state_kind": type(gate.state).__name__,
                             "rules_version": r.version, "rules_digest": r.digest,
                             "mode": "shadow" if gate.shadow else "enforce", "failure": dict(r.failure)},
                            status_code=200 if ok else 503)

    async def counts(request: Request) -> Response:
        gate.flush()
        try:
            return JSONResponse(gate.state.counts())
        except StateUnavailable as e:
            return JSONResponse({"error": str(e)}, status_code=503)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        gate.flush()

    return Starlette(
        routes=[
            Route("/v1/signup", signup, methods=["POST"]),
            Route("/v1/engagement", engagement, methods=["POST"]),
            Route("/v1/search-notice", search_notice, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/counts", counts, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def build_gate(redis_url: str | None, rules_path: Path | None, shadow: bool | None,
               prefix: str = "cs:gate:") -> Gate:
    rules = load_rules(rules_path)
    if redis_url:
        from civicshield.gate.redis_state import RedisState

        state = RedisState(redis_url, prefix=prefix)
    else:
        state = MemoryState()
    return Gate(state, rules, shadow=shadow)


_ENV = "CIVICSHIELD_GATE_CONFIG"


def app_from_env() -> Starlette:
    """uvicorn factory for worker processes: the configuration comes through one env variable."""
    cfg = json.loads(os.environ[_ENV])
    rules = Path(cfg["rules"]) if cfg["rules"] else None
    notices = SearchNotices(load_election(Path(cfg["election"]))) if cfg.get("election") else None
    return create_app(build_gate(cfg["redis"], rules, cfg["shadow"], cfg["prefix"]), rules, notices)


def serve(*, redis_url: str | None = None, rules_path: Path | None = None, shadow: bool = False,
          host: str = "127.0.0.1", port: int = 8090, workers: int = 1, key_prefix: str = "cs:gate:",
          election_path: Path | None = None) -> None:
    """Run the service until interrupted.  ``rules_path`` (and the election
    file) are validated first so a broken file fails here, with its errors,
    not inside a worker."""
    import uvicorn

    load_rules(rules_path)
    if election_path:
        load_election(Path(election_path))
    if workers > 1 and not redis_url:
        raise ParameterError("more than one worker needs --redis: in-process state lives in one process")
    os.environ[_ENV] = json.dumps({"redis": redis_url, "rules": str(rules_path) if rules_path else None,
                                   "shadow": True if shadow else None, "prefix": key_prefix,
                                   "election": str(election_path) if election_path else None})
    uvicorn.run("civicshield.gate.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                access_log=False, log_level="warning")
