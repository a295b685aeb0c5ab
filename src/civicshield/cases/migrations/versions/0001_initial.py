"""Initial case store: cases, findings, entities, decisions, actions,
statements of reasons, the audit chain, holds, evidence, erasures.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from civicshield.cases.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit table refuses UPDATE and DELETE at the database level too, so a
# bug or a careless operator cannot rewrite history through the ORM.  Someone
# with DDL rights can still drop the trigger: that is what the hash chain and
# 'civicshield audit verify' are for.
_PG_AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION civicshield_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("queue", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("kinds", sa.JSON, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("reach", sa.BigInteger, nullable=False),
        sa.Column("severity", sa.Float, nullable=False),
        sa.Column("proximity", sa.Float, nullable=False),
        sa.Column("assignee", sa.String(120)),
        sa.Column("automated_detection", sa.Boolean, nullable=False),
        sa.Column("merged_into", sa.Integer, sa.ForeignKey("cases.id", name="fk_cases_merged_into_cases")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    op.create_index("ix_cases_status", "cases", ["status"])
    op.create_index("ix_cases_queue", "cases", ["queue"])

    op.create_table(
        "case_findings",
        sa.Column("finding_id", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_case_findings_case_id_cases"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detector", sa.String(80), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("network_id", sa.String(120)),
        sa.Column("account_ids", sa.JSON, nullable=False),
        sa.Column("post_ids", sa.JSON, nullable=False),
        sa.Column("engagements", sa.JSON, nullable=False),
        sa.Column("first_seen", UTCDateTime),
        sa.Column("last_seen", UTCDateTime),
        sa.Column("evidence", sa.JSON),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("finding_id", name="pk_case_findings"),
    )
    op.create_index("ix_case_findings_case_id", "case_findings", ["case_id"])

    op.create_table(
        "case_entities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_case_entities_case_id_cases"), nullable=False),
        sa.Column("etype", sa.String(12), nullable=False),
        sa.Column("eid", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_entities"),
        sa.UniqueConstraint("case_id", "etype", "eid", name="uq_case_entities_case_id_etype_eid"),
    )
    op.create_index("ix_case_entities_etype_eid", "case_entities", ["etype", "eid"])

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_decisions_case_id_cases"), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("automated", sa.Boolean, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_case_id", "decisions", ["case_id"])

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_actions_case_id_cases"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("target_type", sa.String(12), nullable=False),
        sa.Column("target_id", sa.String(400), nullable=False),
        sa.Column("detail", sa.String(60), nullable=False),
        sa.Column("finding_kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("automated_detection", sa.Boolean, nullable=False),
        sa.Column("automated_decision", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("reversed_at", UTCDateTime),
        sa.Column("reversed_by", sa.String(120)),
        sa.Column("reversal_reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        sa.UniqueConstraint("kind", "target_id", "detail", name="uq_actions_kind_target_id_detail"),
    )
    op.create_index("ix_actions_case_id", "actions", ["case_id"])
    op.create_index("ix_actions_status", "actions", ["status"])

    op.create_table(
        "statements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", name="fk_statements_action_id_actions"),
                  nullable=False),
        sa.Column("puid", sa.String(500), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("exported_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_statements"),
        sa.UniqueConstraint("action_id", name="uq_statements_action_id"),
        sa.UniqueConstraint("puid", name="uq_statements_puid"),
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_event", "audit_log", ["event"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)").bindparams(h="0" * 64))

    op.create_table(
        "holds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("scope", sa.JSON, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("released_at", UTCDateTime),
        sa.Column("released_by", sa.String(120)),
        sa.Column("release_reason", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_holds"),
    )
    op.create_index("ix_holds_status", "holds", ["status"])

    op.create_table(
        "evidence_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_evidence_items_case_id_cases"),
                  nullable=False),
        sa.Column("etype", sa.String(12), nullable=False),
        sa.Column("eid", sa.String(400), nullable=False),
        sa.Column("account_id", sa.String(400)),
        sa.Column("entity_time", UTCDateTime),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("captured_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_items"),
        sa.UniqueConstraint("etype", "eid", "sha256", name="uq_evidence_items_etype_eid_sha256"),
    )
    op.create_index("ix_evidence_items_case_id", "evidence_items", ["case_id"])
    op.create_index("ix_evidence_items_eid", "evidence_items", ["eid"])
    op.create_index("ix_evidence_items_account_id", "evidence_items", ["account_id"])

    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(400), nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("done_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_erasures"),
    )
    op.create_index("ix_erasures_account_id", "erasures", ["account_id"])

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_AUDIT_GUARD)
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION civicshield_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION civicshield_audit_append_only()"
        )
    elif dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only ({verb} refused)'); END"
            )


def downgrade() -> None:
    # A case store is a system of record: there is no going back from its
    # first schema, only forward migrations.
    raise RuntimeError("the initial case-store migration cannot be downgraded")
