"""Open the case store: SQLite in the workspace by default, PostgreSQL in
production (``--db postgresql://...``).  Opening runs the Alembic migrations
up to head, so a store is always at the schema this code expects.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from civicshield.cases import counts
from civicshield.errors import WorkspaceError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (the only PostgreSQL driver we ship)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url, connect_args={"timeout": 60})

    # pysqlite's own transaction handling starts transactions lazily and lets
    # two writers both read before either writes; take the write lock at
    # BEGIN instead so concurrent writers queue (SQLAlchemy's documented recipe).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_con, _record):
        dbapi_con.isolation_level = None
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Readers (WAL) neither wait for nor block the writer.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("cs_read_only") else "BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True)


def migrate(engine: sa.Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class CaseStore:
    """The system of record for cases.  ``session()`` is one transaction:
    it commits when the block ends and rolls back on any exception."""

    def __init__(self, url: str, migrate_on_open: bool = True):
        self.url = normalise_url(url)
        try:
            self.engine = make_engine(self.url)
            if migrate_on_open:
                migrate(self.engine)
        except sa.exc.OperationalError as e:
            raise WorkspaceError(f"cannot open the case store at {sa.make_url(self.url).render_as_string()}: "
                                 f"{str(e.orig).strip().splitlines()[0]}") from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(cs_read_only=True), expire_on_commit=False)
        for sessions in (self._sessions, self._readers):
            counts.track(sessions)  # case_counts follows every case change

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A transaction for reading only: on SQLite it does not take the
        write lock, so listing cases never waits for a long intake."""
        with self._readers() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_case_store(workspace=None, url: str | None = None) -> CaseStore:
    """The store at ``url`` or else the workspace's SQLite file."""
    if url:
        return CaseStore(url)
    if workspace is None:
        raise WorkspaceError("give a workspace (--workspace) or a database URL (--db)")
    workspace.ensure()
    return CaseStore(workspace.cases_url)
