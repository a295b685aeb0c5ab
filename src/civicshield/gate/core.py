"""The gate: state + rules + decision logic + failure policy + shadow mode.

``Gate`` is what the HTTP service, the replay and the tests all drive, so
they share one behaviour.  Decision counts are buffered per process and
pushed to the state every ``flush_every`` decisions (they feed the
transparency figures, not decisions, so a short lag is harmless).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence

from civicshield.gate.decide import decide_engagement, decide_signup, signup_flags
from civicshield.gate.model import Decision, Engagement, Reason, Signup, Verdict
from civicshield.gate.rules import Rules
from civicshield.gate.state import (
    GateState,
    MemoryState,
    Op,
    StateUnavailable,
    facts_engagement,
    facts_signup,
    plan_engagement,
    plan_signup,
)

log = logging.getLogger("civicshield.gate.decisions")


class Gate:
    def __init__(self, state: GateState | None = None, rules: Rules | None = None, *,
                 shadow: bool | None = None, flush_every: int = 1000,
                 on_verdict: Callable[[str, object, Verdict], None] | None = None):
        from civicshield.gate.rules import load_rules

        self.state = state if state is not None else MemoryState()
        self.rules = rules if rules is not None else load_rules()
        self._shadow_override = shadow
        self.flush_every = flush_every
        self.on_verdict = on_verdict
        self._pending: Counter[str] = Counter()
        self._unflushed = 0

    @property
    def shadow(self) -> bool:
        return self._shadow_override if self._shadow_override is not None else self.rules.shadow

    # -- endpoints --------------------------------------------------------
    # Each endpoint is a plan (ops for the state), one state round trip, and
    # a conclusion.  ``aengagements``, which the HTTP service uses, runs the
    # same halves around an awaited round trip, so one process keeps parsing
    # and deciding other requests while Redis works on a batch.  A sign-up's
    # round trip is short (a few commands): waiting for it costs less CPU
    # than handing it to the event loop, so the service calls ``signup``.
    def signup(self, s: Signup) -> Verdict:
        flags, ops = self._signup_plan(s)
        try:
            vals = self.state.run(ops)
        except StateUnavailable:
            return self._signup_degraded(s)
        v, strikes = self._signup_verdict(s, flags, vals)
        self._strike(strikes)
        return v

    def engagements(self, evs: Sequence[Engagement]) -> list[Verdict]:
        """Decide a batch in order; one state round trip for the whole batch."""
        if not evs:
            return []
        ops = self._engagement_plan(evs)
        try:
            vals = self.state.run(ops)
        except StateUnavailable:
            return self._engagements_degraded(evs)
        out, strikes = self._engagement_verdicts(evs, vals)
        self._strike(strikes)
        return out

    async def aengagements(self, evs: Sequence[Engagement]) -> list[Verdict]:
        if not evs:
            return []
        ops = self._engagement_plan(evs)
        try:
            vals = await self.state.arun(ops)
        except StateUnavailable:
            return self._engagements_degraded(evs)
        out, strikes = self._engagement_verdicts(evs, vals)
        await self._astrike(strikes)
        return out

    def engagement(self, e: Engagement) -> Verdict:
        return self.engagements([e])[0]

    # -- the halves -------------------------------------------------------
    def _signup_plan(self, s: Signup) -> tuple[tuple[str, ...], list[Op | None]]:
        flags = signup_flags(s)
        return flags, plan_signup(s, flags, self.rules)

    def _signup_degraded(self, s: Signup) -> Verdict:
        return self._finish("signup", s, self._degraded("signup"), s.attempt_id, degraded=True)

    def _signup_verdict(self, s: Signup, flags: tuple[str, ...], vals: list) -> tuple[Verdict, list[str]]:
        d = decide_signup(facts_signup(flags, vals), self.rules)
        strikes = [s.device_id] if d.strike_device and s.device_id else []
        return self._finish("signup", s, d, s.attempt_id), strikes

    def _engagement_plan(self, evs: Sequence[Engagement]) -> list[Op | None]:
        rules = self.rules
        return [op for e in evs for op in plan_engagement(e, rules)]

    def _engagements_degraded(self, evs: Sequence[Engagement]) -> list[Verdict]:
        d = self._degraded("engagement")
        return [self._finish("engagement", e, d, e.key, degraded=True) for e in evs]

    def _engagement_verdicts(self, evs: Sequence[Engagement], vals: list) -> tuple[list[Verdict], list[str]]:
        rules = self.rules
        width = len(vals) // len(evs)
        out, strikes = [], []
        for i, e in enumerate(evs):
            d = decide_engagement(facts_engagement(vals[i * width:(i + 1) * width]), rules)
            if d.strike_device and e.device_id:
                strikes.append(e.device_id)
            out.append(self._finish("engagement", e, d, e.key))
        return out, strikes

    def _degraded(self, endpoint: str) -> Decision:
        return Decision(self.rules.failure[endpoint], (Reason("state_unavailable"),))

    def _strike_ops(self, devices: list[str]) -> list[Op]:
        n = self.rules.values["reputation.strike_on_block"]
        if not n or not devices:
            return []
        ttl = self.rules.values["reputation.strike_ttl_s"]
        return [Op("i", f"k:{d}", window=ttl, member=str(n)) for d in devices]

    # A lost strike only weakens a later decision; the block itself stands.
    def _strike(self, devices: list[str]) -> None:
        if ops := self._strike_ops(devices):
            with contextlib.suppress(StateUnavailable):
                self.state.run(ops)

    async def _astrike(self, devices: list[str]) -> None:
        if ops := self._strike_ops(devices):
            with contextlib.suppress(StateUnavailable):
                await self.state.arun(ops)

    def _finish(self, endpoint: str, event: object, d: Decision, ident: str, degraded: bool = False) -> Verdict:
        shadow = self.shadow
        v = Verdict(
            decision="allow" if shadow else d.decision,
            would=d.decision,
            reasons=d.reasons,
            rules_version=self.rules.version,
            shadow=shadow,
            degraded=degraded,
            id=ident,
        )
        p = self._pending
        p[f"{endpoint}:{d.decision}:{'shadow' if shadow else 'enforced'}"] += 1
        for r in d.reasons:
            p[f"{endpoint}:reason:{r.code}"] += 1
        if shadow and d.decision != "allow":
            log.info(json.dumps({"endpoint": endpoint, "shadow": True, **v.to_dict()}))
        if self.on_verdict is not None:
            self.on_verdict(endpoint, event, v)
        self._unflushed += 1
        if self._unflushed >= self.flush_every:
            self.flush()
        return v

    def flush(self) -> None:
        """Push buffered decision counts to the state (kept for later if it is down)."""
        if not self._pending:
            return
        try:
            self.state.add_counts(dict(self._pending))
            self._pending.clear()
            self._unflushed = 0
        except StateUnavailable:
            pass
