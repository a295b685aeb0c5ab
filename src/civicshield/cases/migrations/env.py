"""Alembic environment: always run by ``civicshield.cases.db`` on a live
connection it passes in (``config.attributes['connection']``), never from an
``alembic.ini`` so the URL cannot come from two places."""

from alembic import context

from civicshield.cases.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
