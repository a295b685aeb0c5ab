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
    def signup(self, s: Signup) -> Verdict:
        rules = self.rules
        flags = signup_flags(s)
        try:
            facts = facts_signup(flags, self.state.run(plan_signup(s, flags, rules)))
        except StateUnavailable:
            return self._finish("signup", s, self._degraded("signup"), s.attempt_id, degraded=True)
        d = decide_signup(facts, rules)
        if d.strike_device and s.device_id:
            self._strike([s.device_id])
        return self._finish("signup", s, d, s.attempt_id)

    def engagements(self, evs: Sequence[Engagement]) -> list[Verdict]:
        """Decide a batch in order; one state round trip for the whole batch."""
        if not evs:
            return []
        rules = self.rules
        plans = [plan_engagement(e, rules) for e in evs]
        width = len(plans[0])
        try:
            vals = self.state.run([op for p in plans for op in p])
        except StateUnavailable:
            d = self._degraded("engagement")
            return [self._finish("engagement", e, d, e.key, degraded=True) for e in evs]
        out, strikes = [], []
        for i, e in enumerate(evs):
            d = decide_engagement(facts_engagement(vals[i * width:(i + 1) * width]), rules)
            if d.strike_device and e.device_id:
                strikes.append(e.device_id)
            out.append(self._finish("engagement", e, d, e.key))
        if strikes:
            self._strike(strikes)
        return out

    def engagement(self, e: Engagement) -> Verdict:
        return self.engagements([e])[0]

    # -- helpers ----------------------------------------------------------
    def _degraded(self, endpoint: str) -> Decision:
        return Decision(self.rules.failure[endpoint], (Reason("state_unavailable"),))

    def _strike(self, devices: list[str]) -> None:
        n = self.rules.values["reputation.strike_on_block"]
        if not n:
            return
        ttl = self.rules.values["reputation.strike_ttl_s"]
        # A lost strike only weakens a later decision; the block itself stands.
        with contextlib.suppress(StateUnavailable):
            self.state.run([Op("i", f"k:{d}", window=ttl, member=str(n)) for d in devices])

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
