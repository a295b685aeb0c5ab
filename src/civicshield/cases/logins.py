"""Failed logins, counted in the case store so that every server process
sharing the store sees the same count (the web layer's ``LoginLimiter``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from civicshield.cases.models import Base, UTCDateTime, utcnow


class LoginFailure(Base):
    """One failed attempt per row and key (``ip:ADDR`` or ``user:NAME``); rows
    older than the window are deleted by the next failure."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def record_failure(store, keys: list[str], at: dt.datetime, forget_before: dt.datetime) -> None:
    """Count one failure against each key, and drop every failure older than
    ``forget_before`` (the table only ever holds one window's worth)."""
    with store.session() as s:
        s.execute(sa.delete(LoginFailure).where(LoginFailure.at < forget_before))
        s.add_all([LoginFailure(key=k, at=at) for k in keys])


def latest_failures(store, keys: list[str], since: dt.datetime, n: int) -> dict[str, list[dt.datetime]]:
    """Per key, the newest ``n`` failures after ``since``, newest first."""
    out: dict[str, list[dt.datetime]] = {}
    with store.reader() as s:
        for k in keys:
            q = (sa.select(LoginFailure.at).where(LoginFailure.key == k, LoginFailure.at > since)
                 .order_by(LoginFailure.at.desc()).limit(n))
            out[k] = list(s.execute(q).scalars())
    return out


def forget(store, keys: list[str]) -> None:
    with store.session() as s:
        s.execute(sa.delete(LoginFailure).where(LoginFailure.key.in_(keys)))
