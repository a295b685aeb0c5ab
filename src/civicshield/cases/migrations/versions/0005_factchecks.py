"""Fact-checks: claims, the posts they reach, and the partners' verdicts.

Revision ID: 0005_factchecks
Revises: 0004_authority_requests
"""

import sqlalchemy as sa
from alembic import op

# Registers the tables on the shared metadata (schema comparison in tests/cases/test_db.py).
import civicshield.cases.claims_models  # noqa: F401
from civicshield.cases.models import UTCDateTime

revision = "0005_factchecks"
down_revision = "0004_authority_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_claims_case_id_cases"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("translations", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("verdict", sa.String(20)),
        sa.Column("source_url", sa.String(2000)),
        sa.Column("voting_process", sa.Boolean),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("checked_at", UTCDateTime),
        sa.Column("checked_by", sa.String(120)),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
        sa.UniqueConstraint("key", name="uq_claims_key"),
        sa.UniqueConstraint("case_id", name="uq_claims_case_id"),
    )
    op.create_index("ix_claims_status", "claims", ["status"])
    op.create_table(
        "claim_posts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", name="fk_claim_posts_claim_id_claims"),
                  nullable=False),
        sa.Column("post_id", sa.String(400), nullable=False),
        sa.Column("via", sa.String(12), nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
        sa.Column("post_created_at", UTCDateTime),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_posts"),
        sa.UniqueConstraint("post_id", name="uq_claim_posts_post_id"),
    )
    op.create_index("ix_claim_posts_claim_id", "claim_posts", ["claim_id"])
    op.create_table(
        "factchecks",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.Integer, sa.ForeignKey("claims.id", name="fk_factchecks_claim_id_claims"),
                  nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("source_url", sa.String(2000)),
        sa.Column("voting_process", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_factchecks"),
    )
    op.create_index("ix_factchecks_claim_id", "factchecks", ["claim_id"])


def downgrade() -> None:
    op.drop_table("factchecks")
    op.drop_table("claim_posts")
    op.drop_table("claims")
