"""Fixtures of the interop tests: the hand-made responses and the election file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def election_file() -> Path:
    return FIXTURES / "election.toml"


@pytest.fixture
def tiktok_dir(tmp_path) -> Path:
    """A private copy of the saved responses, so a test may add or break files."""
    return Path(shutil.copytree(FIXTURES / "tiktok", tmp_path / "responses"))
