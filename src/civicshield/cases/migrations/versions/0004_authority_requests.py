"""Requests from authorities (leads, RFIs) and the shared login-failure count.

``login_failures`` rides along here rather than in a migration of its own so
that the next revision can chain on this one without a gap.

Revision ID: 0004_authority_requests
Revises: 0003_console_indexes
"""

import sqlalchemy as sa
from alembic import op

# Importing the modules registers their tables on the shared metadata (schema comparison in tests/cases/test_db.py).
import civicshield.cases.logins  # noqa: F401
import civicshield.cases.requests  # noqa: F401
from civicshield.cases.models import UTCDateTime

revision = "0004_authority_requests"
down_revision = "0003_console_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authority_leads",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("accounts", sa.JSON, nullable=False),
        sa.Column("hashtags", sa.JSON, nullable=False),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_authority_leads_case_id_cases")),
        sa.Column("handled_by", sa.String(120)),
        sa.Column("handled_at", UTCDateTime),
        sa.Column("handling_note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_authority_leads"),
    )
    op.create_index("ix_authority_leads_status", "authority_leads", ["status"])
    op.create_table(
        "authority_rfis",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("deadline", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("response", sa.Text),
        sa.Column("bundle_sha256", sa.String(64)),
        sa.Column("answered_by", sa.String(120)),
        sa.Column("answered_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_authority_rfis"),
    )
    op.create_index("ix_authority_rfis_status", "authority_rfis", ["status"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"])


def downgrade() -> None:
    op.drop_table("login_failures")
    op.drop_table("authority_rfis")
    op.drop_table("authority_leads")
