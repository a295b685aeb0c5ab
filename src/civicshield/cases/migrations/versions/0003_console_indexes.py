"""Indexes for the console's queue views (see ``cases/items.py``).

Revision ID: 0003_console_indexes
Revises: 0002_web_users
"""

from alembic import op

# Registers the indexes on the shared metadata (schema comparison in tests/cases/test_db.py).
import civicshield.cases.items  # noqa: F401

revision = "0003_console_indexes"
down_revision = "0002_web_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_priority_id", "cases", ["priority", "id"])
    op.create_index("ix_cases_queue_priority_id", "cases", ["queue", "priority", "id"])
    op.create_index("ix_cases_queue_status", "cases", ["queue", "status"])


def downgrade() -> None:
    for name in ("ix_cases_queue_status", "ix_cases_queue_priority_id", "ix_cases_priority_id"):
        op.drop_index(name, table_name="cases")
