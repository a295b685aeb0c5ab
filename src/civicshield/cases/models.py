"""The case store's tables, declared once for SQLite and PostgreSQL.

The Alembic migrations in ``migrations/versions`` create exactly these tables;
``tests/cases/test_db.py`` compares the migrated schema with this metadata so
the two cannot drift.  Times are stored as UTC and always come back aware.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC in, aware UTC out: SQLite drops the zone, PostgreSQL keeps it."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the case store only takes timezone-aware datetimes")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


CASE_STATUSES = ("open", "assigned", "confirmed", "dismissed", "escalated", "needs_evidence", "merged")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    # active_history: the old value is loaded before a change even if it was
    # expired, so the flush can move the case between case_counts rows (counts.py).
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True, active_history=True)
    queue: Mapped[str] = mapped_column(sa.String(40), index=True, active_history=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(8), default="und")
    priority: Mapped[float] = mapped_column(sa.Float, default=0.0)
    reach: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    severity: Mapped[float] = mapped_column(sa.Float, default=0.0)
    proximity: Mapped[float] = mapped_column(sa.Float, default=0.0)
    assignee: Mapped[str | None] = mapped_column(sa.String(120))
    automated_detection: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    merged_into: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    # Optimistic locking: every UPDATE says "WHERE version = <what I read>",
    # so a reviewer acting on a stale copy changes nothing and is told so.
    __mapper_args__ = {"version_id_col": version}


class CaseFinding(Base):
    __tablename__ = "case_findings"

    finding_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    detector: Mapped[str] = mapped_column(sa.String(80))
    score: Mapped[float] = mapped_column(sa.Float)
    network_id: Mapped[str | None] = mapped_column(sa.String(120))
    account_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    post_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    engagements: Mapped[list] = mapped_column(sa.JSON, default=list)
    first_seen: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_seen: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    evidence: Mapped[dict | None] = mapped_column(sa.JSON)
    withdrawn: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseEntity(Base):
    """What a case is about: accounts, posts, networks, engagements.  Intake
    merges findings through this table."""

    __tablename__ = "case_entities"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "etype", "eid"),
        sa.Index("ix_case_entities_etype_eid", "etype", "eid"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    etype: Mapped[str] = mapped_column(sa.String(12))
    eid: Mapped[str] = mapped_column(sa.String(400))


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    decision: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    actor: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    automated: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Action(Base):
    """One enforcement action.  ``(kind, target_id, detail)`` is unique so
    applying the same decision twice is a no-op, and a reversed action is
    not silently re-applied by the next bulk run."""

    __tablename__ = "actions"
    __table_args__ = (sa.UniqueConstraint("kind", "target_id", "detail"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    target_type: Mapped[str] = mapped_column(sa.String(12))
    target_id: Mapped[str] = mapped_column(sa.String(400))
    detail: Mapped[str] = mapped_column(sa.String(60), default="")
    finding_kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(12), default="active", index=True)
    automated_detection: Mapped[bool] = mapped_column(sa.Boolean)
    automated_decision: Mapped[bool] = mapped_column(sa.Boolean)
    actor: Mapped[str] = mapped_column(sa.String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reversed_by: Mapped[str | None] = mapped_column(sa.String(120))
    reversal_reason: Mapped[str | None] = mapped_column(sa.Text)


class Statement(Base):
    """The DSA statement of reasons an action yields (body = API fields)."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id"), unique=True)
    puid: Mapped[str] = mapped_column(sa.String(500), unique=True)
    body: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    exported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Append-only, hash-chained.  ``at`` is kept as the exact ISO text that
    was hashed, so no driver's datetime round trip can change a hash."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(sa.String(40))
    actor: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    event: Mapped[str] = mapped_column(sa.String(40), index=True)
    subject: Mapped[str] = mapped_column(sa.String(400), index=True)
    payload: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """One row: the last sequence number and hash.  Appenders lock it, which
    serialises concurrent transactions on the chain, and verify compares it
    with the last entry so that deleting entries at the tail shows."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    hash: Mapped[str] = mapped_column(sa.String(64))


class Hold(Base):
    __tablename__ = "holds"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(sa.String(200))
    reference: Mapped[str] = mapped_column(sa.String(200))
    scope: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(12), default="active", index=True)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(sa.String(120))
    release_reason: Mapped[str | None] = mapped_column(sa.Text)


class EvidenceItem(Base):
    """A snapshot of an account or post row taken at intake, so a case keeps
    its evidence after the event store is re-ingested.  Insert-only: a changed
    row becomes a new version (new sha256), old versions stay."""

    __tablename__ = "evidence_items"
    __table_args__ = (sa.UniqueConstraint("etype", "eid", "sha256"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    etype: Mapped[str] = mapped_column(sa.String(12))
    eid: Mapped[str] = mapped_column(sa.String(400), index=True)
    account_id: Mapped[str | None] = mapped_column(sa.String(400), index=True)
    entity_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    captured_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Erasure(Base):
    """An account-deletion request: carried out by purge unless a hold covers it."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(sa.String(400), index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(120))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(sa.String(12), default="pending")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
