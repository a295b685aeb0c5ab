"""Counts per queue and status in ``case_counts``; the queue's priority
indexes in the list's order (``priority DESC, id``).  See ``cases/counts.py``
and ``cases/items.py``.

The counts are computed from the cases table here once (on PostgreSQL with
case writers held off until the migration commits); from then on every
case change keeps them exact.

Revision ID: 0006_case_counts
Revises: 0005_factchecks
"""

import sqlalchemy as sa
from alembic import op

# Registers the table and indexes on the shared metadata (schema comparison in tests/cases/test_db.py).
import civicshield.cases.items  # noqa: F401
from civicshield.cases import counts

revision = "0006_case_counts"
down_revision = "0005_factchecks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counts",
        sa.Column("queue", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("queue", "status", name="pk_case_counts"),
    )
    counts.rebuild(op.get_bind())
    op.drop_index("ix_cases_priority_id", table_name="cases")
    op.drop_index("ix_cases_queue_priority_id", table_name="cases")
    op.create_index("ix_cases_priority_desc_id", "cases", [sa.text("priority DESC"), "id"])
    op.create_index("ix_cases_queue_priority_desc_id", "cases", ["queue", sa.text("priority DESC"), "id"])


def downgrade() -> None:
    op.drop_index("ix_cases_queue_priority_desc_id", table_name="cases")
    op.drop_index("ix_cases_priority_desc_id", table_name="cases")
    op.create_index("ix_cases_priority_id", "cases", ["priority", "id"])
    op.create_index("ix_cases_queue_priority_id", "cases", ["queue", "priority", "id"])
    op.drop_table("case_counts")
