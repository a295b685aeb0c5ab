"""The gate's state in Redis, shared by any number of stateless gate processes.

One Lua script executes a batch of primitives (see ``state.py``) atomically
in one round trip.  Connection loss, timeouts and restarts surface as
``StateUnavailable``; after a failure the state does not touch Redis for
``retry_s`` seconds, so a dead Redis costs the gate nothing per request
beyond the failure policy, and it reconnects by itself when Redis is back
(the script is reloaded when a restarted Redis has forgotten it).
"""

from __future__ import annotations

import asyncio
import time

import orjson
import redis
import redis.asyncio

from civicshield.gate.state import Op, StateUnavailable, confirmed_key

# ARGV[1]: the key prefix; ARGV[2]: the ops as one flat JSON array,
# [kind, key, now, window, member] after one another.  One string instead of
# thousands of arguments (packing arguments one by one was most of a batch's
# cost); flat, because decoding a table per op was a fifth of the script's
# time.  One string back: the values joined by commas, which the client
# splits in one call instead of parsing a RESP array element by element.
# Keys are built inside the script, so this needs one Redis node (no Cluster).
_SCRIPT = """
local prefix, out = ARGV[1], {}
local ops = cjson.decode(ARGV[2])
for j = 1, #ops, 5 do
  local i = (j + 4) / 5
  local kind, k = ops[j], prefix .. ops[j + 1]
  if kind == 'w' then
    local now, win = ops[j + 2], ops[j + 3]
    redis.call('ZADD', k, 'GT', now, ops[j + 4])
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now - win)
    out[i] = redis.call('ZCARD', k)
    redis.call('PEXPIRE', k, math.floor((win + 60) * 1000))
  elseif kind == 'c' then
    out[i] = redis.call('ZCOUNT', k, string.format('(%.17g', ops[j + 2] - ops[j + 3]), '+inf')
  elseif kind == 's' then
    out[i] = redis.call('SISMEMBER', k, ops[j + 4])
  elseif kind == 'g' then
    out[i] = tonumber(redis.call('GET', k) or '0')
  elseif kind == 'i' then
    out[i] = redis.call('INCRBY', k, tonumber(ops[j + 4]))
    redis.call('PEXPIRE', k, math.floor(ops[j + 3] * 1000))
  else
    return redis.error_reply('unknown op ' .. tostring(kind))
  end
end
return table.concat(out, ',')
"""

_DOWN = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError)


class RedisState:
    """``RedisState("redis://127.0.0.1:6379/0", prefix="cs:gate:")``."""

    def __init__(self, url: str = "redis://127.0.0.1:6379/0", prefix: str = "cs:gate:",
                 timeout_s: float = 0.25, retry_s: float = 0.5):
        self.url, self.prefix, self.retry_s = url, prefix, retry_s
        self.r = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                      retry_on_timeout=False, health_check_interval=0)
        self._sha: str | None = None
        self._down_until = 0.0
        # The decision path talks over one connection of its own, bypassing the
        # client's pool and command wrappers (about half the client-side cost of
        # a round trip).  A gate process decides on one thread, so one is enough.
        self._conn = self.r.connection_pool.make_connection()
        # The HTTP service's path: an asyncio pool, so a process overlaps
        # Redis's work on one request with parsing the next.  Made on first
        # use, inside the event loop that will use it.
        self._timeout_s = timeout_s
        self._apool: redis.asyncio.ConnectionPool | None = None
        self._aloop: asyncio.AbstractEventLoop | None = None

    # -- failure handling -------------------------------------------------
    def _check_up(self) -> None:
        if time.monotonic() < self._down_until:
            raise StateUnavailable(f"Redis at {self.url} was unreachable less than {self.retry_s}s ago")

    def _went_down(self, e: Exception) -> StateUnavailable:
        """Leave Redis alone for ``retry_s``; the connections reconnect on their next command."""
        self._down_until = time.monotonic() + self.retry_s
        self.r.connection_pool.disconnect()
        self._conn.disconnect()
        return StateUnavailable(f"Redis at {self.url}: {e}")

    def _call(self, fn):
        self._check_up()
        try:
            return fn()
        except _DOWN as e:
            raise self._went_down(e) from e

    def _evalsha(self, payload: bytes) -> bytes:
        self._conn.send_command("EVALSHA", self._sha, 0, self.prefix, payload)
        return self._conn.read_response()

    def _eval(self, payload: bytes) -> bytes:
        if self._sha is None:
            self._sha = self.r.script_load(_SCRIPT)
        try:
            return self._evalsha(payload)
        except redis.exceptions.NoScriptError:
            self._sha = self.r.script_load(_SCRIPT)  # Redis restarted and lost its script cache
            return self._evalsha(payload)

    async def _acall(self, payload: bytes) -> bytes:
        self._check_up()
        loop = asyncio.get_running_loop()
        if self._apool is None or self._aloop is not loop:  # a pool serves the loop it was made in
            self._aloop = loop
            self._apool = redis.asyncio.ConnectionPool.from_url(
                self.url, socket_timeout=self._timeout_s, socket_connect_timeout=self._timeout_s,
                retry_on_timeout=False, health_check_interval=0)
        pool = self._apool
        conn = None
        try:
            conn = await pool.get_connection()  # connects if it must: inside the failure handling
            if self._sha is None:
                self._sha = self.r.script_load(_SCRIPT)
            try:
                return await self._aevalsha(conn, payload)
            except redis.exceptions.NoScriptError:
                self._sha = self.r.script_load(_SCRIPT)  # Redis restarted and lost its script cache
                return await self._aevalsha(conn, payload)
        except _DOWN as e:
            if conn is not None:
                await conn.disconnect()
            raise self._went_down(e) from e
        finally:
            if conn is not None:
                await pool.release(conn)

    async def _aevalsha(self, conn, payload: bytes) -> bytes:
        await conn.send_command("EVALSHA", self._sha, 0, self.prefix, payload)
        return await conn.read_response()

    # -- GateState --------------------------------------------------------
    def run(self, ops: list[Op | None]) -> list:
        live, payload = _payload(ops)
        if not live:
            return [None] * len(ops)
        return _values(ops, self._call(lambda: self._eval(payload)))

    async def arun(self, ops: list[Op | None]) -> list:
        live, payload = _payload(ops)
        if not live:
            return [None] * len(ops)
        return _values(ops, await self._acall(payload))

    def confirm(self, kind: str, ids: list[str]) -> int:
        ids = [i for i in ids if i]
        return self._call(lambda: self.r.sadd(self.prefix + confirmed_key(kind), *ids)) if ids else 0

    def unconfirm(self, kind: str, ids: list[str]) -> int:
        return self._call(lambda: self.r.srem(self.prefix + confirmed_key(kind), *ids)) if ids else 0

    def members(self, kind: str) -> set[str]:
        return {m.decode() for m in self._call(lambda: self.r.smembers(self.prefix + confirmed_key(kind)))}

    def add_counts(self, counts: dict[str, int]) -> None:
        if not counts:
            return

        def push():
            p = self.r.pipeline(transaction=False)
            for k, n in counts.items():
                p.hincrby(self.prefix + "counts", k, n)
            p.execute()

        self._call(push)

    def counts(self) -> dict[str, int]:
        raw = self._call(lambda: self.r.hgetall(self.prefix + "counts"))
        return {k.decode(): int(v) for k, v in raw.items()}

    def clear(self) -> None:
        """Delete every key under this state's prefix (tests, replays)."""

        def wipe():
            batch = []
            for k in self.r.scan_iter(match=self.prefix + "*", count=1000):
                batch.append(k)
                if len(batch) >= 1000:
                    self.r.unlink(*batch)
                    batch = []
            if batch:
                self.r.unlink(*batch)

        self._call(wipe)

    def ping(self) -> bool:
        try:
            return bool(self._call(self.r.ping))
        except StateUnavailable:
            return False


def _payload(ops: list[Op | None]) -> tuple[list[Op], bytes]:
    live = [op for op in ops if op is not None]
    return live, orjson.dumps([f for op in live for f in op])  # orjson takes no NamedTuple


def _values(ops: list[Op | None], raw: bytes) -> list:
    vals = iter(map(int, raw.split(b",")))
    return [None if op is None else next(vals) for op in ops]
