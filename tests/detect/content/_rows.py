"""Row builders shared by the content detector tests."""

from __future__ import annotations

import datetime as dt

T0 = dt.datetime(2024, 11, 10, 12, 0)


def account(aid: str, handle: str | None = None, **kw) -> dict:
    return {"account_id": aid, "handle": handle or aid, "created_at": dt.datetime(2020, 1, 1), **kw}


def post(pid: str, aid: str, text: str = "", minutes: float = 0, **kw) -> dict:
    return {"post_id": pid, "account_id": aid, "created_at": T0 + dt.timedelta(minutes=minutes), "text": text, **kw}


def run(ws, detector, **params):
    from civicshield.detect.base import run_detector
    from civicshield.detect.context import DetectionContext

    with ws.events() as store:
        return run_detector(detector, DetectionContext(store=store, election=store.election()), params).findings


def post_ids(findings, kind: str | None = None) -> set[str]:
    return {p for f in findings if kind is None or f.kind == kind for p in f.post_ids}


def account_ids(findings, kind: str | None = None) -> set[str]:
    return {a for f in findings if kind is None or f.kind == kind for a in f.account_ids}
