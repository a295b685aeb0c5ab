"""The gate's shared state: sliding windows, confirmed sets, device strikes.

Both implementations run the same *plan*: ``plan_signup`` / ``plan_engagement``
turn an event into a list of primitive operations, and a backend only knows
how to execute primitives.  That is what makes the in-process state and the
Redis state agree exactly (the tests replay one event sequence through both).

Primitives (``Op.kind``):

``w``  add ``member`` at time ``now`` to a sliding window (a member already
       present keeps its latest time), drop members at or before
       ``now - window``, return how many remain.  Counters use a unique member
       per event; "distinct accounts" windows use the account id.
``c``  how many members of the window at ``key`` have a time after
       ``now - window`` (nothing is added or dropped).  One account's short
       and long action rates are two counts of one window, not two windows.
``s``  is ``member`` in the set at ``key``?
``g``  the integer at ``key`` (0 when absent).
``i``  add ``member`` (an integer) to the integer at ``key``; expire after ``window`` s.

In Redis a window is a sorted set scored by time, and one Lua script runs a
whole batch of primitives in one round trip.  Window keys also get a
wall-clock TTL so idle keys disappear; state for one key lives on one node
(a Redis Cluster would need hash tags, not done).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import os
import time
from typing import NamedTuple, Protocol

from civicshield.gate.model import Engagement, EngagementFacts, Signup, SignupFacts
from civicshield.gate.rules import Rules

CONFIRMED_KINDS = ("account", "device", "prefix")


class StateUnavailable(Exception):
    """The state store cannot be reached; the gate applies its failure policy."""


_time = operator.itemgetter(0)


class Op(NamedTuple):  # a tuple: a batch builds thousands of these, a frozen dataclass costs 3x more
    kind: str
    key: str
    now: float = 0.0
    window: float = 0.0
    member: str = ""


def _new_uid_prefix() -> None:
    global _UID_PREFIX
    _UID_PREFIX = os.urandom(6).hex()


_UIDS = itertools.count()
_new_uid_prefix()
os.register_at_fork(after_in_child=_new_uid_prefix)


def _uid() -> str:
    # Counter members must be unique across every gate process sharing Redis:
    # a random prefix per process (drawn again in a forked child) and a counter.
    return f"{_UID_PREFIX}{next(_UIDS):x}"


def confirmed_key(kind: str) -> str:
    return f"c:{kind}"


def plan_signup(s: Signup, flags: tuple[str, ...], rules: Rules) -> list[Op]:
    w = rules.values["signup.window_s"]
    ops = [
        Op("w", f"s:d:{s.device_id}", s.at, w, _uid()) if s.device_id else None,
        Op("w", f"s:pf:{s.ip_prefix}", s.at, w, _uid()) if s.ip_prefix and flags else None,
        Op("s", confirmed_key("device"), member=s.device_id) if s.device_id else None,
        Op("s", confirmed_key("prefix"), member=s.ip_prefix) if s.ip_prefix else None,
        Op("g", f"k:{s.device_id}") if s.device_id else None,
    ]
    return ops


def facts_signup(flags: tuple[str, ...], vals: list) -> SignupFacts:
    d, pf, dc, pc, k = vals
    return SignupFacts(flags, d or 0, pf or 0, bool(dc), bool(pc), k or 0)


_CONFIRMED_ACCOUNT, _CONFIRMED_DEVICE, _CONFIRMED_PREFIX = (confirmed_key(k) for k in ("account", "device", "prefix"))
_op = functools.partial(tuple.__new__, Op)  # an Op from a plain tuple: a third of Op(...)'s cost on the hot path


def plan_engagement(e: Engagement, rules: Rules) -> list[Op]:
    v = rules.values
    tw = v["engagement.target_window_s"]
    tgt = f"e:t:{e.action}:{e.target_id}"
    at, actor_id, dev, pfx = e.at, e.actor_id, e.device_id, e.ip_prefix
    burst, long = v["engagement.actor_burst_window_s"], v["engagement.actor_long_window_s"]
    actor = f"e:a:{actor_id}"
    return [
        _op(("s", _CONFIRMED_ACCOUNT, 0.0, 0.0, actor_id)),
        _op(("s", _CONFIRMED_DEVICE, 0.0, 0.0, dev)) if dev else None,
        _op(("s", _CONFIRMED_PREFIX, 0.0, 0.0, pfx)) if pfx else None,
        _op(("g", f"k:{dev}", 0.0, 0.0, "")) if dev else None,
        # The window op's own count covers the longer window: the long count
        # costs no extra command when (as usual) long >= burst.
        _op(("w", actor, at, max(burst, long), _uid())),
        _op(("c", actor, at, burst, "")) if burst < long else None,
        _op(("c", actor, at, long, "")) if long < burst else None,
        _op(("w", f"e:d:{dev}", at, v["engagement.device_window_s"], actor_id)) if dev else None,
        _op(("w", tgt, at, tw, actor_id)),
        _op(("w", f"{tgt}:d:{dev}", at, tw, actor_id)) if dev else None,
        _op(("w", f"{tgt}:p:{pfx}", at, tw, actor_id)) if pfx else None,
    ]


def facts_engagement(vals: list) -> EngagementFacts:
    ac, dc, pc, k, both, ab, al, da, ta, tda, tpa = vals
    ab, al = (both if ab is None else ab), (both if al is None else al)
    return EngagementFacts(bool(ac), bool(dc), bool(pc), k or 0, ab, al, da or 0, ta, tda or 0, tpa or 0)


class GateState(Protocol):
    """What the gate needs from a state store.  ``run`` executes primitives in
    order and returns one value per op (``None`` ops yield ``None``)."""

    def run(self, ops: list[Op | None]) -> list: ...

    async def arun(self, ops: list[Op | None]) -> list: ...

    def confirm(self, kind: str, ids: list[str]) -> int: ...

    def unconfirm(self, kind: str, ids: list[str]) -> int: ...

    def members(self, kind: str) -> set[str]: ...

    def add_counts(self, counts: dict[str, int]) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def clear(self) -> None: ...


class _Window:
    """A sorted set scored by time, same semantics as the Redis sorted set the
    Lua script keeps: member -> latest time.  ``items`` holds one
    ``(time, member)`` per member in time order, so trimming drops a prefix
    and counting the members after a cutoff is a binary search (a bot
    hammering one key costs a search, not a scan, per action)."""

    __slots__ = ("score", "items")

    def __init__(self) -> None:
        self.score: dict[str, float] = {}
        self.items: list[tuple[float, str]] = []

    def add(self, now: float, member: str, cutoff: float) -> int:
        score, items = self.score, self.items
        old = score.get(member)
        if old is None or now > old:
            if old is not None:
                del items[bisect.bisect_left(items, (old, member))]
            score[member] = now
            bisect.insort(items, (now, member))
        k = bisect.bisect_right(items, cutoff, key=_time)
        if k:
            for _, m in items[:k]:
                del score[m]
            del items[:k]
        return len(score)

    def count_after(self, cutoff: float) -> int:
        return len(self.items) - bisect.bisect_right(self.items, cutoff, key=_time)


class MemoryState:
    """In-process state for one gate process (the embedded default)."""

    SWEEP_EVERY = 50_000

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._windows: dict[str, _Window] = {}
        self._sets: dict[str, set[str]] = {}
        self._ints: dict[str, tuple[int, float]] = {}  # key -> (value, expires at, wall clock)
        self._counts: dict[str, int] = {}
        self._ops = 0
        self._latest = float("-inf")
        self._longest = 0.0

    def run(self, ops: list[Op | None]) -> list:
        out: list = []
        for op in ops:
            if op is None:
                out.append(None)
            elif op.kind == "w":
                win = self._windows.get(op.key)
                if win is None:
                    win = self._windows[op.key] = _Window()
                out.append(win.add(op.now, op.member, op.now - op.window))
                self._latest = max(self._latest, op.now)
                self._longest = max(self._longest, op.window)
            elif op.kind == "c":
                win = self._windows.get(op.key)
                cut = op.now - op.window
                out.append(win.count_after(cut) if win else 0)
            elif op.kind == "s":
                out.append(op.member in self._sets.get(op.key, ()))
            elif op.kind == "g":
                v = self._ints.get(op.key)
                out.append(v[0] if v and v[1] > time.time() else 0)
            elif op.kind == "i":
                v = self._ints.get(op.key)
                base = v[0] if v and v[1] > time.time() else 0
                self._ints[op.key] = (base + int(op.member), time.time() + op.window)
                out.append(base + int(op.member))
            else:
                raise ValueError(f"unknown state op {op.kind!r}")
        self._ops += len(ops)
        if self._ops >= self.SWEEP_EVERY:
            self._sweep()
        return out

    async def arun(self, ops: list[Op | None]) -> list:
        return self.run(ops)  # nothing to wait for in-process

    def _sweep(self) -> None:
        # Drop windows whose every member is older than the longest window:
        # bounded memory for a long-running process.
        self._ops = 0
        cutoff = self._latest - self._longest
        for key in [k for k, w in self._windows.items() if not w.items or w.items[-1][0] <= cutoff]:
            del self._windows[key]

    def confirm(self, kind: str, ids: list[str]) -> int:
        s = self._sets.setdefault(confirmed_key(kind), set())
        before = len(s)
        s.update(i for i in ids if i)
        return len(s) - before

    def unconfirm(self, kind: str, ids: list[str]) -> int:
        s = self._sets.get(confirmed_key(kind), set())
        before = len(s)
        s.difference_update(ids)
        return before - len(s)

    def members(self, kind: str) -> set[str]:
        return set(self._sets.get(confirmed_key(kind), ()))

    def add_counts(self, counts: dict[str, int]) -> None:
        for k, n in counts.items():
            self._counts[k] = self._counts.get(k, 0) + n

    def counts(self) -> dict[str, int]:
        return dict(self._counts)
