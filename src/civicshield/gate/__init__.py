"""The real-time gate: allow, challenge or block sign-ups and engagement before they count.

See ``docs/gate.md``.  ``Gate`` (core) drives ``decide`` over a ``GateState``
(in-process ``MemoryState`` or shared ``RedisState``) with versioned ``Rules``.
"""

from civicshield.gate.core import Gate
from civicshield.gate.model import Engagement, Signup, Verdict
from civicshield.gate.rules import Rules, load_rules
from civicshield.gate.state import MemoryState, StateUnavailable

__all__ = ["Gate", "Engagement", "Signup", "Verdict", "Rules", "load_rules", "MemoryState", "StateUnavailable"]
