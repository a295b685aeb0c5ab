"""case_counts: the queue's counts per queue and status stay exactly what
counting the cases table gives (through intake, merges, decisions, rollbacks
and concurrent writers), on SQLite and PostgreSQL; migration 0006 fills the
table for a store that already holds cases."""

from __future__ import annotations

import random
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from civicshield.cases import audit, counts, items, review
from civicshield.cases.db import MIGRATIONS, CaseStore, make_engine
from civicshield.cases.intake import intake
from civicshield.cases.models import Case

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

LEAD, M1 = actor("lead", "lena"), actor("moderator", "mara")


def _table(store) -> dict:
    with store.reader() as s:
        return counts.counts(s)


def _truth(store) -> dict:
    with store.engine.connect() as con:
        return counts.recount(con)


def _exact(store) -> dict:
    got = _table(store)
    assert got == _truth(store)
    return got


def test_counts_follow_intake_merges_and_decisions(store, make_workspace):
    ws = election_workspace(make_workspace)
    a = finding("coordinated_network", "coordination", accounts=NET[:3], network="net-a")
    b = finding("coordinated_network", "coordination", accounts=NET[3:], network="net-b")
    imp = finding("impersonation", "impersonation", accounts=["imp1"], posts=["pimp"])
    put_findings(ws, {"coordination": [a, b], "impersonation": [imp]})
    intake(store, ws, actor("analyst"))
    assert _exact(store) == {"network-ro": {"open": 2}, "content-hu": {"open": 1}}
    assert items.queue_counts(store, LEAD) == {"content-hu": {"open": 1}, "network-ro": {"open": 2}}

    ca, cb = sorted(c.id for c in review.list_cases(store, LEAD, queue="network-ro"))
    review.assign(store, M1, ca)
    review.decide(store, M1, ca, "confirm", "Same caption posted within 30 s by all three accounts.")
    review.assign(store, M1, cb)
    assert _exact(store) == {"network-ro": {"confirmed": 1, "assigned": 1}, "content-hu": {"open": 1}}

    # a finding bridging both networks merges the newer case into the older
    # one, and new material reopens the confirmed one
    put_findings(ws, {"recruitment": [finding("offplatform_recruitment", "recruitment", accounts=["n2", "n5"])]})
    intake(store, ws, actor("analyst"))
    assert _exact(store) == {"network-ro": {"open": 1, "merged": 1}, "content-hu": {"open": 1}}
    assert items.queue_counts(store, LEAD) == {"content-hu": {"open": 1}, "network-ro": {"open": 1}}


def test_random_changes_flushes_and_rollbacks_keep_the_counts_exact(store):
    rng = random.Random(8)
    queues, statuses = ["network-ro", "content-hu", "factcheck-ro"], ["open", "assigned", "confirmed", "dismissed"]
    ids: list[int] = []
    rolled_back = 0
    for step in range(40):
        roll_back = step % 5 == 4
        try:
            with store.session() as s:
                for _ in range(rng.randint(1, 6)):
                    op = rng.random()
                    if op < 0.35 or not ids:
                        kw = {} if rng.random() < 0.3 else {"status": rng.choice(statuses)}  # no status: default open
                        c = Case(queue=rng.choice(queues), kind="coordinated_network", **kw)
                        s.add(c)
                        s.flush()
                        ids.append(c.id)
                    else:
                        c = s.get(Case, rng.choice(ids))
                        if rng.random() < 0.3:
                            s.expire(c)  # the old value is not in memory when it changes
                        if op < 0.6:
                            c.status = rng.choice(statuses)
                        elif op < 0.75:
                            c.queue = rng.choice(queues)
                        elif op < 0.9:
                            c.status, c.queue = rng.choice(statuses), rng.choice(queues)
                        else:
                            old = c.status
                            c.status = "escalated"
                            s.flush()
                            c.status = old  # changed and back within the transaction: no net change
                    if rng.random() < 0.5:
                        s.flush()
                if roll_back:
                    raise KeyError("roll back")
        except KeyError:
            rolled_back += 1
            with store.reader() as s:
                ids = [i for i in ids if s.get(Case, i) is not None]
        _exact(store)
    assert rolled_back == 8 and sum(sum(by.values()) for by in _table(store).values()) == len(ids) > 20


def test_bulk_statements_and_savepoints_on_cases_are_refused(store):
    with store.session() as s:
        s.add(Case(queue="network-ro", kind="coordinated_network"))
    with pytest.raises(RuntimeError, match="as ORM objects"), store.session() as s:
        s.execute(sa.update(Case).values(status="confirmed"))
    with pytest.raises(RuntimeError, match="savepoint"), store.session() as s:
        c = s.execute(sa.select(Case)).scalar_one()
        with s.begin_nested():
            c.status = "confirmed"
            s.flush()
    assert _exact(store) == {"network-ro": {"open": 1}}


def test_concurrent_reviewers_keep_the_counts_exact(store):
    with store.session() as s:
        s.add_all([Case(queue="network-ro", kind="coordinated_network") for _ in range(12)])
    with store.reader() as s:
        ids = list(s.execute(sa.select(Case.id).order_by(Case.id)).scalars())
    errors: list[BaseException] = []

    def work(mine: list[int], name: str) -> None:
        try:
            me = actor("moderator", name)
            for cid in mine:
                review.assign(store, me, cid)
                review.decide(store, me, cid, "dismiss", "Ordinary supporters, not a network.")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(ids[i::4], f"mod{i}")) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert _exact(store) == {"network-ro": {"dismissed": 12}}


@pytest.mark.postgres
def test_a_decision_during_an_intake_holding_the_audit_head_does_not_deadlock(pg_database_url):
    """Intake takes the audit head early and keeps creating cases; a reviewer
    changes a case (same queue and status) and then waits for the head.  Were
    the counts row locked at the reviewer's flush, the intake's next case
    would wait for the reviewer and PostgreSQL would abort one of them."""
    store = CaseStore(pg_database_url)
    with store.session() as s:
        s.add_all([Case(queue="network-ro", kind="coordinated_network") for _ in range(2)])
    cid = 1
    has_head, reviewer_flushed = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def intake_like() -> None:
        try:
            with store.session() as s:
                audit.record(s, actor("analyst"), "test.intake", "case:new")  # locks the head
                has_head.set()
                assert reviewer_flushed.wait(20)
                _wait_for_a_lock_wait(pg_database_url)  # the reviewer now waits for the head
                s.add(Case(queue="network-ro", kind="coordinated_network"))
                s.flush()
                audit.record(s, actor("analyst"), "case.created", "case:3")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
            has_head.set()

    def reviewer() -> None:
        try:
            assert has_head.wait(20)
            with store.session() as s:
                s.get(Case, cid).status = "assigned"
                s.flush()
                reviewer_flushed.set()
                audit.record(s, M1, "case.assigned", f"case:{cid}")
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
            reviewer_flushed.set()

    threads = [threading.Thread(target=intake_like), threading.Thread(target=reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert _exact(store) == {"network-ro": {"open": 2, "assigned": 1}}
    store.close()


def _wait_for_a_lock_wait(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as con:
        for _ in range(200):
            n = con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                            (name,)).fetchone()[0]
            if n:
                return
            time.sleep(0.05)
    raise AssertionError("the reviewer never waited for the audit head")


def _upgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_migration_0006_counts_the_cases_already_stored(case_url):
    _upgrade(case_url, "0005_factchecks")
    engine = make_engine(case_url)
    rows = ([("network-ro", "open")] * 3 + [("network-ro", "merged"), ("content-hu", "confirmed")]
            + [("content-hu", "open")] * 2)
    with engine.begin() as con:
        con.execute(sa.insert(Case.__table__), [{"queue": q, "status": st, "kind": "coordinated_network", "version": 1}
                                                 for q, st in rows])
    engine.dispose()
    with CaseStore(case_url) as store:
        assert _exact(store) == {"network-ro": {"open": 3, "merged": 1}, "content-hu": {"confirmed": 1, "open": 2}}
        assert items.queue_counts(store, LEAD) == {"content-hu": {"confirmed": 1, "open": 2}, "network-ro": {"open": 3}}
        names = {ix["name"] for ix in sa.inspect(store.engine).get_indexes("cases")}
        assert {"ix_cases_priority_desc_id", "ix_cases_queue_priority_desc_id", "ix_cases_queue_status"} <= names
        assert not names & {"ix_cases_priority_id", "ix_cases_queue_priority_id"}
        with store.session() as s:
            s.add(Case(queue="content-hu", kind="coordinated_network"))
        assert _exact(store)["content-hu"]["open"] == 3


def test_migration_0006_downgrades_and_upgrades_again(case_url):
    CaseStore(case_url).close()
    engine = make_engine(case_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005_factchecks")
    names = {ix["name"] for ix in sa.inspect(engine).get_indexes("cases")}
    assert "ix_cases_priority_id" in names and "case_counts" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    with CaseStore(case_url) as store, store.session() as s:
        s.add(Case(queue="network-ro", kind="coordinated_network"))
    with CaseStore(case_url) as store:
        assert _exact(store) == {"network-ro": {"open": 1}}


def test_the_queue_list_reads_its_index_in_order_without_sorting(store):
    """Highest priority first, oldest first among equals, read from the
    ``priority DESC, id`` index: no sort of the whole table per view."""
    with store.session() as s:
        s.add_all([Case(queue="network-ro" if i % 2 else "content-hu", kind="coordinated_network", priority=p)
                   for i, p in enumerate([0.5, 0.9, 0.5, 0.7, 0.9, 0.1])])
    got = [(c.priority, c.id) for c in review.list_cases(store, LEAD)]
    assert got == [(0.9, 2), (0.9, 5), (0.7, 4), (0.5, 1), (0.5, 3), (0.1, 6)]
    assert [c.id for c in review.list_cases(store, LEAD, queue="content-hu")] == [5, 1, 3]
    for queue, index in ((None, "ix_cases_priority_desc_id"), ("content-hu", "ix_cases_queue_priority_desc_id")):
        q = sa.select(Case).where(Case.status != "merged").order_by(Case.priority.desc(), Case.id).limit(100)
        q = q.where(Case.queue == queue) if queue else q
        sql = str(q.compile(store.engine, compile_kwargs={"literal_binds": True}))
        with store.engine.begin() as con:
            if store.dialect == "postgresql":
                con.exec_driver_sql("SET LOCAL enable_seqscan = off")  # six rows: a table scan would do too
                plan = "\n".join(r[0] for r in con.exec_driver_sql("EXPLAIN " + sql))
                assert index in plan and "Sort" not in plan, plan
            else:
                plan = "\n".join(r[-1] for r in con.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
                assert index in plan and "TEMP B-TREE" not in plan, plan
