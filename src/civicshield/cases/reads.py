"""Read-only views of the case store for reporting.

Transparency reports count what was done and when, so they need each
action's time and flags, which ``enforce.active_actions`` leaves out.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from civicshield.cases.models import Action


def actions_in_force(store, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[dict]:
    """Active actions applied in ``[start, end)`` (aware UTC bounds), oldest first."""
    with store.reader() as s:
        q = sa.select(Action).where(Action.status == "active")
        if start is not None:
            q = q.where(Action.at >= start)
        if end is not None:
            q = q.where(Action.at < end)
        return [{"id": a.id, "case_id": a.case_id, "kind": a.kind, "target_type": a.target_type,
                 "target_id": a.target_id, "detail": a.detail, "finding_kind": a.finding_kind,
                 "automated_detection": a.automated_detection, "automated_decision": a.automated_decision,
                 "at": a.at} for a in s.execute(q.order_by(Action.at, Action.id)).scalars()]
