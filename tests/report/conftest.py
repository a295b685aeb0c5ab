"""One simulated election run through the whole pipeline once per module:
simulate -> ingest -> detect -> intake -> auto-confirm -> enforce, then one
ban reversed on appeal.

``enforce`` stamps actions with the wall clock; a replayed 2024 dataset
would put every action two years after the posts.  The fixture therefore
re-times the actions as a platform acting live would have: post removals
2 hours or 3 days after the post, other actions spread over 2024-11-01 ..
2024-11-30 so that some fall outside the reported period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from civicshield.cases.claims import import_factchecks
from civicshield.cases.db import CaseStore
from civicshield.cases.enforce import enforce, reinstate
from civicshield.cases.intake import intake
from civicshield.cases.models import Action
from civicshield.cases.review import auto_confirm
from civicshield.cases.roles import Actor
from civicshield.contract import FINDING_KINDS
from civicshield.detect import detect
from civicshield.ingest import ingest_dataset
from civicshield.sim import SimConfig, simulate
from civicshield.workspace import Workspace

PERIOD = "2024-09-01..2024-11-24"
START = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
END = dt.datetime(2024, 11, 25, tzinfo=dt.UTC)  # exclusive


@dataclass
class Pipeline:
    dataset: Path
    ws: Workspace
    store: CaseStore
    reversed_account: str

    def table(self, name: str):
        return pq.read_table(sorted((self.dataset).glob(f"{name}*.parquet"))).to_pylist()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    root = tmp_path_factory.mktemp("report")
    dataset = root / "dataset"
    simulate(dataset, SimConfig(seed=3, accounts=600))
    ws = Workspace(root / "ws").ensure()
    ingest_dataset(dataset, ws)
    store = CaseStore(ws.cases_url)
    # the fact-check partner's database (one record per planted claim): verdicts applied to every repeat
    import_factchecks(store, ws, Actor("factual", "factchecker"), dataset / "truth" / "claims.jsonl")
    detect(ws)
    intake(store, ws, Actor("ana", "analyst"))
    auto_confirm(store, Actor("lena", "lead"), list(FINDING_KINDS), "Confirmed by rule for the report test.")
    enforce(store, Actor("lena", "lead"))
    posted = {r["post_id"]: r["created_at"] for r in pq.read_table(sorted(dataset.glob("posts*.parquet")),
                                                                   columns=["post_id", "created_at"]).to_pylist()}
    with store.session() as s:
        times = []
        for aid, kind, target in s.execute(sa.select(Action.id, Action.kind, Action.target_id)):
            if kind == "remove_post":
                late = dt.timedelta(hours=2) if aid % 2 else dt.timedelta(days=3)
                times.append({"id": aid, "at": posted[target].replace(tzinfo=dt.UTC) + late})
            else:
                times.append({"id": aid, "at": dt.datetime(2024, 11, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=aid % 30)})
        s.execute(sa.update(Action), times)  # bulk UPDATE by primary key
        ban = s.execute(sa.select(Action).where(Action.kind == "ban_account",
                                                Action.finding_kind == "coordinated_network",
                                                Action.at < END).order_by(Action.id).limit(1)).scalar_one()
        ban_id, reversed_account = ban.id, ban.target_id
    reinstate(store, Actor("lena", "lead"), "Appeal upheld after a second review.", action_ids=[ban_id])
    yield Pipeline(dataset, ws, store, reversed_account)
    store.close()
