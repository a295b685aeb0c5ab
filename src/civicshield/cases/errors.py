"""What the case store tells a user who may not, or cannot, do something."""

from __future__ import annotations

from civicshield.errors import CivicshieldError


class PermissionDenied(CivicshieldError):
    """The actor's role does not allow the operation."""


class ConflictError(CivicshieldError):
    """Someone else changed the case first (optimistic locking), or it is
    held by another reviewer."""


class NotFound(CivicshieldError):
    """No case, action or hold with that id."""


class HoldError(CivicshieldError):
    """A legal hold forbids the operation on something in its scope."""


class InvalidOperation(CivicshieldError):
    """The operation does not fit the case's state or its arguments are wrong."""
