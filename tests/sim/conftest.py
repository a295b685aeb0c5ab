"""One small simulated dataset per test session (a couple of seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicshield.sim import SimConfig, simulate


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sim") / "ds"
    simulate(out, SimConfig(seed=11, accounts=1000, scale=0.5))
    return out
