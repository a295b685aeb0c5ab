"""Fixtures of the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .data import make_dataset


@pytest.fixture
def dataset(tmp_path):
    def make(fmt: str = "csv", name: str = "ds", **tables) -> Path:
        return make_dataset(tmp_path / name, fmt, **tables)

    return make
