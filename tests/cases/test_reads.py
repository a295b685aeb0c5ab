"""actions_in_force: the report's read of the case store, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from civicshield.cases import review
from civicshield.cases.enforce import enforce, reinstate
from civicshield.cases.intake import intake
from civicshield.cases.models import Action
from civicshield.cases.reads import actions_in_force

from .conftest import actor
from .helpers import NET, election_workspace, finding, put_findings

UTC = dt.UTC


def test_actions_in_force_by_time_without_reversed(store, make_workspace):
    ws = election_workspace(make_workspace)
    put_findings(ws, {"coordination": [finding("coordinated_network", "coordination", accounts=NET[:4], network="net-1")]})
    intake(store, ws, actor("analyst"))
    (case,) = review.list_cases(store, actor("lead"))
    review.assign(store, actor("moderator"), case.id)
    review.decide(store, actor("moderator"), case.id, "confirm", "Identical posts within seconds.")
    enforce(store, actor("lead"))
    days = {NET[0]: 1, NET[1]: 10, NET[2]: 20, NET[3]: 25}
    with store.session() as s:
        for a in s.execute(sa.select(Action)).scalars():
            a.at = dt.datetime(2024, 11, days[a.target_id], 9, tzinfo=UTC)
        reversed_id = s.execute(sa.select(Action.id).where(Action.target_id == NET[1])).scalar_one()
    reinstate(store, actor("lead"), "Appeal upheld after a second review.", action_ids=[reversed_id])

    got = actions_in_force(store, dt.datetime(2024, 11, 1, tzinfo=UTC), dt.datetime(2024, 11, 21, tzinfo=UTC))
    assert [a["target_id"] for a in got] == [NET[0], NET[2]]  # oldest first; NET[1] reversed, NET[3] after the end
    assert got[0]["at"] == dt.datetime(2024, 11, 1, 9, tzinfo=UTC) and got[0]["at"].tzinfo is not None
    assert {a["finding_kind"] for a in got} == {"coordinated_network"}
    assert all(a["automated_detection"] and not a["automated_decision"] for a in got)
    assert len(actions_in_force(store)) == 3
