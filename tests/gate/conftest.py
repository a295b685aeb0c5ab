"""Gate fixtures: the real Redis on localhost under a key prefix unique to the run."""

from __future__ import annotations

import uuid

import pytest

from civicshield.gate.redis_state import RedisState
from civicshield.gate.state import MemoryState

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_state():
    st = RedisState(REDIS_URL, prefix=f"cs:test:{uuid.uuid4().hex}:", timeout_s=1.0)
    if not st.ping():
        pytest.fail(f"the gate tests need the Redis server at {REDIS_URL}")
    yield st
    st.clear()


@pytest.fixture(params=["memory", "redis"])
def state(request):
    """Each test using this runs against both implementations."""
    if request.param == "memory":
        yield MemoryState()
    else:
        yield request.getfixturevalue("redis_state")
