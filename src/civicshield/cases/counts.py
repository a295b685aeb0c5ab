"""Exact case counts per queue and status, kept in the ``case_counts`` table.

The console shows these counts on every queue view.  Counting the cases
table each time costs one pass over every case (at 100k cases 24-50 ms on
PostgreSQL, growing with the table); ``case_counts`` has one row per queue
and status, so reading it costs the same at any size.

How the table stays exact: cases are created and changed only as ORM objects
in a ``CaseStore`` session (bulk ``UPDATE``/``DELETE``/``INSERT`` statements on
``cases`` through a session are refused).  Each flush adds the net change of
every new, changed or deleted case to the session (-1 for its old queue and
status, +1 for the new ones); at commit the summed changes are added to
``case_counts`` in the same transaction, so they commit or roll back with the
case rows.  They are written last, right before COMMIT and in key order:
writers lock the audit head in the middle of their transaction (intake holds
it for its whole run), and a counts row locked at flush time would let a
reviewer's decision (counts row, then head) and an intake (head, then counts
row) deadlock.  Savepoints are not supported (a rolled-back savepoint would
leave its changes counted) and refused.  A change made in raw SQL past the
ORM is not seen: ``rebuild`` recounts the table (migration
``0006_case_counts`` does it once).
"""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from civicshield.cases.models import Base, Case

_KEY = "case_count_deltas"


class CaseCount(Base):
    __tablename__ = "case_counts"

    queue: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)


def track(sessions) -> None:
    """Keep ``case_counts`` exact for every session ``sessions`` (a
    ``sessionmaker``) makes."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_transaction_end", _after_transaction_end)
    event.listen(sessions, "do_orm_execute", _refuse_bulk_dml)


def _old(history, current):
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else current


def _after_flush(session: Session, _ctx) -> None:
    delta: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Case):
            delta[(obj.queue, obj.status)] += 1
    for obj in session.dirty:
        if isinstance(obj, Case):
            st = sa.inspect(obj)
            hq, hs = st.attrs.queue.history, st.attrs.status.history
            if hq.has_changes() or hs.has_changes():
                old = (_old(hq, obj.queue), _old(hs, obj.status))
                if old != (obj.queue, obj.status):
                    delta[old] -= 1
                    delta[(obj.queue, obj.status)] += 1
    for obj in session.deleted:
        if isinstance(obj, Case):
            st = sa.inspect(obj)
            delta[(_old(st.attrs.queue.history, obj.queue), _old(st.attrs.status.history, obj.status))] -= 1
    delta = Counter({k: v for k, v in delta.items() if v})
    if not delta:
        return
    if session.in_nested_transaction():
        raise RuntimeError("cases cannot be changed inside a savepoint: case_counts would not follow its rollback")
    session.info.setdefault(_KEY, Counter()).update(delta)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # the last changes' deltas
    delta = {k: v for k, v in session.info.pop(_KEY, Counter()).items() if v}
    if delta:
        add(session, delta)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)  # rolled back (or already applied at commit)


def _refuse_bulk_dml(state) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and getattr(state.statement, "table", None) is not None \
            and state.statement.table.name == Case.__tablename__:
        raise RuntimeError("change cases as ORM objects (a bulk statement on cases would leave case_counts wrong)")


def add(session: Session, delta: dict[tuple[str, str], int]) -> None:
    """Add ``delta`` ((queue, status) -> change) to ``case_counts``, in key order."""
    rows = [{"queue": q, "status": st, "n": n} for (q, st), n in sorted(delta.items())]
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    stmt = insert(CaseCount).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=[CaseCount.queue, CaseCount.status],
                                      set_={"n": CaseCount.n + stmt.excluded.n})
    session.execute(stmt)


def _by_queue(rows) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for queue, status, n in rows:
        out.setdefault(queue, {})[status] = n
    return out


def _grouped():
    """(queue, status, number of cases) from the cases table: one pass over it."""
    return sa.select(Case.queue, Case.status, sa.func.count()).group_by(Case.queue, Case.status)


def counts(session: Session) -> dict[str, dict[str, int]]:
    """queue -> status -> number of cases, from ``case_counts``."""
    return _by_queue(session.execute(sa.select(CaseCount.queue, CaseCount.status, CaseCount.n)
                                     .where(CaseCount.n != 0)))


def recount(connection) -> dict[str, dict[str, int]]:
    """The same counts, computed from the cases table."""
    return _by_queue(connection.execute(_grouped()))


def rebuild(connection) -> None:
    """Recount ``case_counts`` from the cases table; on PostgreSQL, case
    writers wait until the transaction ends (SQLite's writers always do)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE cases IN SHARE MODE")
    connection.execute(sa.delete(CaseCount))
    connection.execute(sa.insert(CaseCount).from_select(["queue", "status", "n"], _grouped()))
