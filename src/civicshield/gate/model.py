"""What flows through the gate: requests, the state's answers, verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field

from civicshield.contract import ACTIONS
from civicshield.errors import DataError

SEVERITY = {"allow": 0, "challenge": 1, "block": 2}


@dataclass(frozen=True, slots=True)
class Signup:
    """One account-creation attempt (the contract's ``signups`` row, minus the outcome)."""

    at: float  # unix seconds
    attempt_id: str = ""
    device_id: str = ""
    ip_prefix: str = ""
    country: str = ""
    email_domain: str = ""
    phone_country: str = ""
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class Engagement:
    """One like / follow / share / favorite about to be written."""

    at: float
    actor_id: str
    action: str
    target_id: str
    device_id: str = ""
    ip_prefix: str = ""
    country: str = ""

    @property
    def key(self) -> str:
        return f"{self.actor_id}|{self.action}|{self.target_id}"


@dataclass(frozen=True, slots=True)
class SignupFacts:
    """What the state knows about a sign-up's device and prefix (this attempt included)."""

    flags: tuple[str, ...]
    device_signups: int = 0
    prefix_flagged: int = 0
    device_confirmed: bool = False
    prefix_confirmed: bool = False
    device_strikes: int = 0


@dataclass(frozen=True, slots=True)
class EngagementFacts:
    actor_confirmed: bool = False
    device_confirmed: bool = False
    prefix_confirmed: bool = False
    device_strikes: int = 0
    actor_burst: int = 0
    actor_long: int = 0
    device_actors: int = 0
    target_actors: int = 0
    target_device_actors: int = 0
    target_prefix_actors: int = 0


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    value: float | int | bool = True
    limit: float | int | None = None

    def to_dict(self) -> dict:
        d = {"code": self.code, "value": self.value}
        if self.limit is not None:
            d["limit"] = self.limit
        return d


@dataclass(frozen=True, slots=True)
class Decision:
    decision: str  # allow | challenge | block
    reasons: tuple[Reason, ...] = ()
    strike_device: bool = False  # the block rests on a device signal: the device earns a strike


@dataclass(frozen=True)
class Verdict:
    """What the gate answers.  ``decision`` is what the platform must do;
    in shadow mode it is always ``allow`` and ``would`` says what the rules
    decided."""

    decision: str
    would: str
    reasons: tuple[Reason, ...] = ()
    rules_version: str = ""
    shadow: bool = False
    degraded: bool = False  # the state store was unreachable: the failure policy answered
    id: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def stopped(self) -> bool:
        return self.decision != "allow"

    def to_dict(self) -> dict:
        d = {
            "decision": self.decision,
            "would": self.would,
            "reasons": [r.to_dict() for r in self.reasons],
            "rules_version": self.rules_version,
        }
        if self.id:
            d["id"] = self.id
        if self.shadow:
            d["shadow"] = True
        if self.degraded:
            d["degraded"] = True
        return d


_SIGNUP_FIELDS = ("attempt_id", "device_id", "ip_prefix", "country", "email_domain", "phone_country", "user_agent")
_ENG_FIELDS = ("device_id", "ip_prefix", "country")


def _str(obj: dict, name: str, where: str, row: int | None, required: bool = False) -> str:
    v = obj.get(name)
    if v is None or v == "":
        if required:
            raise DataError(where, row, name, "required")
        return ""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)  # numeric ids are ids, as in the data contract
    if not isinstance(v, str):
        raise DataError(where, row, name, f"must be a string, got {type(v).__name__}")
    return v


def signup_from_json(obj: object, at: float, where: str = "request", row: int | None = None) -> Signup:
    if not isinstance(obj, dict):
        raise DataError(where, row, None, "a sign-up must be a JSON object")
    return Signup(at=at, **{f: _str(obj, f, where, row) for f in _SIGNUP_FIELDS})


def engagement_from_json(obj: object, at: float, where: str = "request", row: int | None = None) -> Engagement:
    if not isinstance(obj, dict):
        raise DataError(where, row, None, "an engagement must be a JSON object")
    action = _str(obj, "action", where, row, required=True)
    if action not in ACTIONS:
        raise DataError(where, row, "action", f"must be one of {', '.join(ACTIONS)}, got {action!r}")
    return Engagement(
        at=at,
        actor_id=_str(obj, "actor_id", where, row, required=True),
        action=action,
        target_id=_str(obj, "target_id", where, row, required=True),
        **{f: _str(obj, f, where, row) for f in _ENG_FIELDS},
    )
