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
