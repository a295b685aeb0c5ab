"""A process killed (SIGKILL) in the middle of a bulk enforcement leaves no
half-applied action: the whole run is one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import sqlalchemy as sa

from civicshield.cases import audit, review
from civicshield.cases.enforce import enforce
from civicshield.cases.intake import intake
from civicshield.cases.models import Action, AuditHead, Statement

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

MOD, LEAD = actor("moderator", "mara"), actor("lead", "lena")

WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from civicshield.cases.db import CaseStore
    from civicshield.cases.enforce import enforce
    from civicshield.cases.roles import Actor

    url, marker = sys.argv[1], Path(sys.argv[2])

    def progress(task, done, total):
        if done == 5:  # five actions written inside the open transaction
            tmp = marker.with_suffix(".tmp")  # rename: the parent must never read a half-written marker
            tmp.write_text(str(total))
            tmp.replace(marker)
            time.sleep(120)  # wait here to be killed

    enforce(CaseStore(url), Actor("mara", "moderator"), progress=progress)
""")


def _counts(store):
    with store.session() as s:
        return (s.execute(sa.select(sa.func.count()).select_from(Action)).scalar(),
                s.execute(sa.select(sa.func.count()).select_from(Statement)).scalar(),
                s.execute(sa.select(AuditHead.seq)).scalar())


def test_sigkill_mid_enforcement_applies_nothing(store, case_url, make_workspace, tmp_path):
    ws = election_workspace(make_workspace)
    accounts = [f"x{i}" for i in range(40)]
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=accounts + NET,
                                               network="net-big")]})
    intake(store, ws, actor("analyst"))
    cid = review.list_cases(store, LEAD)[0].id
    review.assign(store, MOD, cid)
    review.decide(store, MOD, cid, "confirm", "A 46-account covert network.")
    before = _counts(store)

    marker = tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", WORKER, case_url, str(marker)])
    try:
        deadline = time.time() + 60
        while not marker.exists():
            assert proc.poll() is None, "the worker ended before reaching the kill point"
            assert time.time() < deadline, "the worker never reached the kill point"
            time.sleep(0.05)
        assert int(marker.read_text()) == 46
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    assert _counts(store) == before  # no action, no statement, no audit entry
    assert audit.verify(store, actor("auditor")).ok
    done = enforce(store, MOD)  # and the run can simply be repeated
    assert done.applied == 46
    assert _counts(store)[0] == 46


def test_two_bulk_runs_at_once_never_apply_an_action_twice(store, make_workspace):
    """Two moderators press 'enforce' together: the actions exist once, each
    with one statement; a run that lost the race says so and kept nothing."""
    import threading

    from civicshield.cases.errors import ConflictError

    ws = election_workspace(make_workspace)
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=[f"x{i}" for i in range(30)],
                                               network="net-big")]})
    intake(store, ws, actor("analyst"))
    cid = review.list_cases(store, LEAD)[0].id
    review.assign(store, MOD, cid)
    review.decide(store, MOD, cid, "confirm", "A 30-account covert network.")
    barrier, results = threading.Barrier(2), []

    def run(who):
        barrier.wait()
        try:
            results.append(enforce(store, who).applied)
        except ConflictError as e:
            results.append(e)

    threads = [threading.Thread(target=run, args=(a,)) for a in (MOD, LEAD)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(r for r in results if isinstance(r, int))[-1] == 30
    assert all(r == 0 or isinstance(r, ConflictError) for r in results if r != 30)
    actions, statements, _ = _counts(store)
    assert actions == 30 and statements == 30
    assert audit.verify(store, actor("auditor")).ok
