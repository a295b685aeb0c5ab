"""The fact-check tables: claims (one per cluster of posts repeating the same
text), the posts each claim reaches, and every verdict a partner gave.

A claim owns one case (kind ``election_misinformation``, queue
``factcheck-<language>``) so its enforcement actions, statements of reasons
and audit entries hang off the case store like any other.  Created by
migration ``0005_factchecks``.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from civicshield.cases.models import Base, UTCDateTime, utcnow

CLAIM_STATUSES = ("pending", "checked")
# how a post came to a claim: flagged by the claim patterns, reported by
# users, imported with the partner's record, or matched after a verdict
# (near-duplicate text, or the claim's re-uploaded card)
VIA = ("flagged", "reported", "matched", "media")


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8), default="und")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(12), default="pending", index=True)
    verdict: Mapped[str | None] = mapped_column(sa.String(20))
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    voting_process: Mapped[bool | None] = mapped_column(sa.Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    checked_by: Mapped[str | None] = mapped_column(sa.String(120))


class ClaimPost(Base):
    """A post belongs to at most one claim: the first that reached it."""

    __tablename__ = "claim_posts"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    post_id: Mapped[str] = mapped_column(sa.String(400), unique=True)
    via: Mapped[str] = mapped_column(sa.String(12))
    similarity: Mapped[float] = mapped_column(sa.Float, default=0.0)
    post_created_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FactCheck(Base):
    """Every verdict given, in order: a partner may revise one."""

    __tablename__ = "factchecks"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    verdict: Mapped[str] = mapped_column(sa.String(20))
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    voting_process: Mapped[bool] = mapped_column(sa.Boolean)
    actor: Mapped[str] = mapped_column(sa.String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
