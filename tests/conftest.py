"""Fixtures shared by every test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicshield._testing import ro_election
from civicshield.election import Election
from civicshield.store.build import build_store
from civicshield.workspace import Workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"


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
