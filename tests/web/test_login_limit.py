"""The failed-login limit is shared: two app instances (separate engines and
connection pools, as two server processes would have) on one case store, or
one Redis, count every attempt against both.  Real SQLite, PostgreSQL and Redis."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import redis
from fastapi.testclient import TestClient

# The case-store tests' fixture: a fresh database on the local server, dropped afterwards.
from cases.conftest import pg_database_url  # noqa: F401  (tests/ is on sys.path via pytest's rootdir)
from civicshield.cases import CaseStore, open_case_store, users
from civicshield.web import create_app
from civicshield.web.security import LoginLimiter, RedisCounter, StoreCounter

from .conftest import PASSWORD

REDIS = "redis://127.0.0.1:6379/0"


def login(c, name, password=PASSWORD):
    return c.post("/login", data={"name": name, "password": password}, follow_redirects=False)


@pytest.fixture
def redis_prefix():
    prefix = f"cs:test:login:{uuid.uuid4().hex[:8]}:"
    yield prefix
    r = redis.Redis.from_url(REDIS)
    keys = list(r.scan_iter(prefix + "*"))
    if keys:
        r.delete(*keys)


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def backend(request, make_workspace, tmp_path):
    """(workspace, store url or None, create_app keyword arguments)."""
    ws = make_workspace(accounts=[{"account_id": "a1", "created_at": dt.datetime(2024, 1, 1)}])
    url = request.getfixturevalue("pg_database_url") if request.param == "postgresql" else None
    kw = {"redis_url": REDIS, "redis_prefix": request.getfixturevalue("redis_prefix")} if request.param == "redis" else {}
    with open_case_store(ws, url) as store:
        users.add_user(store, "mara", "moderator", PASSWORD)
    return ws, url, kw


def test_failures_through_one_instance_count_against_the_other(backend):
    ws, url, kw = backend
    one, two = (create_app(ws, url, login_attempts=4, login_window=120, **kw) for _ in range(2))
    assert one.state.store is not two.state.store
    with TestClient(one, base_url="https://testserver") as a, TestClient(two, base_url="https://testserver") as b:
        assert login(a, "mara", "wrong one").status_code == 401
        assert login(b, "mara", "wrong two").status_code == 401
        assert login(a, "Mara ", "wrong three").status_code == 401  # the same name, however typed
        assert login(b, "mara", "wrong four").status_code == 401
        # four failures, two through each: both instances now refuse, even the right password
        assert login(a, "mara").status_code == 429
        r = login(b, "mara")
        assert r.status_code == 429 and "Try again in" in r.text


def test_success_clears_the_name_count_for_every_instance(backend):
    ws, url, kw = backend
    one, two = (create_app(ws, url, login_attempts=3, login_window=120, **kw) for _ in range(2))
    with TestClient(one, base_url="https://testserver") as a, TestClient(two, base_url="https://testserver") as b:
        for c in (a, b):
            assert login(c, "mara", "wrong").status_code == 401
        assert login(a, "mara").status_code == 303
        # the name's count is cleared; the address's is not (2 of 3 left from before)
        assert login(b, "mara", "wrong again").status_code == 401
        assert login(a, "mara").status_code == 429


@pytest.fixture(params=["store", "redis"])
def counter(request, tmp_path):
    if request.param == "redis":
        yield RedisCounter(REDIS, request.getfixturevalue("redis_prefix"))
    else:
        with CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite'}") as store:
            yield StoreCounter(store)


def test_limiter_blocks_per_address_and_per_name_then_forgets(counter):
    now = [1_800_000_000.0]
    lim = LoginLimiter(counter, attempts=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        now[0] += 1
        lim.failed("1.2.3.4", "mara")
    assert lim.blocked("1.2.3.4", "someone") == pytest.approx(58)  # same address: the first failure ages out at +61
    assert lim.blocked("5.6.7.8", "MARA") > 0  # another address, same name
    assert lim.blocked("5.6.7.8", "lena") == 0
    now[0] += 59
    assert lim.blocked("1.2.3.4", "mara") == 0  # the oldest of the three left the window


def test_an_unreachable_redis_pauses_logins_with_a_clear_answer(make_workspace):
    ws = make_workspace(accounts=[{"account_id": "a1", "created_at": dt.datetime(2024, 1, 1)}])
    with TestClient(create_app(ws, redis_url="redis://127.0.0.1:1/0"), base_url="https://testserver") as c:
        r = login(c, "mara")
        assert r.status_code == 503 and "Logins are paused" in r.text
