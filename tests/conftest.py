"""Fixtures shared by every test module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from civicshield.election import Candidate, Election, Party
from civicshield.store.build import build_store
from civicshield.workspace import Workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"


def ro_election(**over) -> Election:
    """A small Romanian-style election used by unit tests."""
    base = dict(
        id="ro-2024-presidential",
        country="RO",
        name="Romanian presidential election 2024",
        rounds=(dt.date(2024, 11, 24), dt.date(2024, 12, 8)),
        watch_from=dt.date(2024, 9, 1),
        authority_name="Permanent Electoral Authority",
        authority_url="https://www.roaep.ro/",
        languages=("ro", "hu"),
        keywords=("alegeri", "prezidențiale", "vot", "candidat", "turul"),
        candidates=(
            Candidate(id="cand-georgescu", name="Călin Georgescu", aliases=("Georgescu", "Calin Georgescu"),
                      party="independent", official_account_ids=("a1029",)),
            Candidate(id="cand-lasconi", name="Elena Lasconi", aliases=("Lasconi",), party="usr",
                      official_account_ids=("a2044",)),
        ),
        parties=(Party(id="psd", name="Partidul Social Democrat", aliases=("PSD",)),),
    )
    base.update(over)
    return Election(**base)


@pytest.fixture
def election() -> Election:
    return ro_election()


@pytest.fixture
def make_workspace(tmp_path):
    """``make_workspace(accounts=[...], posts=[...], election=...)`` -> Workspace
    built straight from rows (no file validation: that is ingest's job)."""

    def make(election: Election | None = None, **tables) -> Workspace:
        ws = Workspace(tmp_path / "ws").ensure()
        tables.setdefault("accounts", [])
        build_store(ws.events_path, election or ro_election(), tables)
        return ws

    return make


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.fail(f"{SHARED} is missing: the tests need the shared/ folder beside the project")
    return SHARED


@pytest.fixture(scope="session")
def small_scenario(tmp_path_factory):
    """A small simulated election, ingested once per test session:
    ``(dataset_dir, workspace)``.  Tests must not write findings into it."""
    from civicshield.ingest import ingest_dataset
    from civicshield.sim import SimConfig, simulate

    root = tmp_path_factory.mktemp("scenario")
    dataset = root / "dataset"
    simulate(dataset, SimConfig(seed=11, accounts=800))
    ws = Workspace(root / "ws").ensure()
    ingest_dataset(dataset, ws)
    return dataset, ws
