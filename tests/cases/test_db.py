"""The case store opens on both databases at the schema the models declare."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from civicshield.cases.db import CaseStore, open_case_store
from civicshield.cases.models import Base
from civicshield.errors import WorkspaceError


def test_migrations_create_exactly_the_declared_schema(store):
    with store.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con, opts={"compare_type": False}), Base.metadata)
    assert diff == []
    with store.engine.connect() as con:
        assert con.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == _head()


def _head() -> str:
    """The newest migration: the store must be at it after opening."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from civicshield.cases.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    (head,) = ScriptDirectory.from_config(cfg).get_heads()
    return head


def test_reopening_is_idempotent(case_url):
    CaseStore(case_url).close()
    with CaseStore(case_url) as again, again.engine.connect() as con:
        assert con.execute(sa.text("SELECT count(*) FROM audit_head")).scalar() == 1


def test_workspace_default_is_sqlite_in_the_workspace(tmp_path):
    from civicshield.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    with open_case_store(ws) as s:
        assert s.dialect == "sqlite"
    assert (tmp_path / "ws" / "cases.sqlite").exists()


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(WorkspaceError, match="cannot open the case store"):
        CaseStore("postgresql://nobody@127.0.0.1:1/none")


def test_the_schema_comparison_would_notice_a_drift(store):
    """Guard for the test above: a column the migrations lack is reported."""
    meta = sa.MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(meta)
    meta.tables["cases"].append_column(sa.Column("colour", sa.String(10)))
    with store.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), meta)
    assert any(d[0] == "add_column" and d[3].name == "colour" for d in diff)
