"""Who may do what.  One table, checked by every API function.

There is no authentication here: the CLI takes the acting user and role from
``--as``/``--role`` (or ``CIVICSHIELD_USER``/``CIVICSHIELD_ROLE``), the web
layer from its session.  What this module guarantees is that each operation
states the roles it accepts, in one place that the tests walk completely.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicshield.cases.errors import PermissionDenied

ROLES: tuple[str, ...] = ("analyst", "moderator", "lead", "auditor", "liaison", "factchecker")

ROLE_HELP = {
    "analyst": "runs detection and intake, reads cases, turns authorities' leads into cases",
    "moderator": "takes cases from a queue, decides them, enforces confirmed ones",
    "lead": "everything a moderator does, plus escalated cases, appeals, purge, statements of reasons and answers "
            "to authorities' requests for information",
    "auditor": "reads cases and the audit trail, verifies the chain; changes nothing",
    "liaison": "authority liaison: legal holds, evidence bundles, leads and requests for information",
    "factchecker": "fact-checking partner: reads its claim queue and gives verdicts with a source link; nothing else",
}

# operation -> roles allowed.  Keep every operation of the API here.
PERMISSIONS: dict[str, frozenset[str]] = {
    "cases.intake": frozenset({"analyst", "lead"}),
    "cases.view": frozenset({"analyst", "moderator", "lead", "auditor"}),
    "cases.assign": frozenset({"moderator", "lead"}),
    "cases.assign_other": frozenset({"lead"}),
    "cases.decide": frozenset({"moderator", "lead"}),
    "cases.decide_escalated": frozenset({"lead"}),
    "cases.auto_decide": frozenset({"lead"}),
    "enforce": frozenset({"moderator", "lead"}),
    "appeal.reinstate": frozenset({"lead"}),
    "audit.verify": frozenset({"auditor", "lead"}),
    "audit.read": frozenset({"auditor", "lead", "liaison"}),
    "hold.add": frozenset({"liaison", "lead"}),
    "hold.release": frozenset({"liaison", "lead"}),
    "hold.list": frozenset({"liaison", "lead", "auditor"}),
    "purge": frozenset({"lead"}),
    "account.erase": frozenset({"lead"}),
    "evidence.export": frozenset({"liaison"}),
    "sor.export": frozenset({"lead"}),
    "authority.lead.submit": frozenset({"liaison"}),
    "authority.rfi.submit": frozenset({"liaison"}),
    "authority.view": frozenset({"analyst", "lead", "liaison", "auditor"}),
    "authority.lead.handle": frozenset({"analyst", "lead"}),
    "authority.rfi.answer": frozenset({"lead"}),
    "claims.intake": frozenset({"analyst", "lead"}),
    "claims.view": frozenset({"factchecker", "analyst", "moderator", "lead", "auditor"}),
    "claims.verdict": frozenset({"factchecker"}),
    "claims.import": frozenset({"factchecker"}),
    "claims.match": frozenset({"analyst", "lead"}),
}


@dataclass(frozen=True)
class Actor:
    name: str
    role: str

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise PermissionDenied("an acting user is required (--as NAME or CIVICSHIELD_USER)")
        if self.role not in ROLES:
            raise PermissionDenied(f"unknown role {self.role!r}; roles are: {', '.join(ROLES)}")


def allowed(role: str, operation: str) -> bool:
    return role in PERMISSIONS[operation]


def require(actor: Actor, operation: str) -> None:
    if operation not in PERMISSIONS:
        raise KeyError(f"operation {operation!r} is not in the permission table")
    if actor.role not in PERMISSIONS[operation]:
        who = ", ".join(sorted(PERMISSIONS[operation]))
        raise PermissionDenied(f"{actor.name} ({actor.role}) may not {operation}; allowed roles: {who}")
