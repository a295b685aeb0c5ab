"""Users, sessions and tokens (cases/users.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from civicshield.cases import CaseStore, users
from civicshield.cases.errors import InvalidOperation, PermissionDenied

PW = "correct horse battery staple"


@pytest.fixture
def store(tmp_path):
    s = CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite'}")
    yield s
    s.close()


def test_secrets_are_stored_only_as_hashes(store):
    users.add_user(store, "mara", "moderator", PW)
    sid, _ = users.login(store, "mara", PW)
    token = users.add_token(store, "mara", "bot")
    with store.reader() as s:
        (u,) = s.execute(sa.select(users.User)).scalars()
        stored = [u.password_hash] + list(s.execute(sa.select(users.WebSession.id_hash)).scalars()) \
            + list(s.execute(sa.select(users.ApiToken.token_hash)).scalars())
    assert u.password_hash.startswith("$argon2id$")
    assert not any(secret in v for v in stored for secret in (PW, sid, token))


def test_bad_users_are_refused(store):
    with pytest.raises(PermissionDenied, match="unknown role"):
        users.add_user(store, "x", "root", PW)
    with pytest.raises(InvalidOperation, match="12 characters"):
        users.add_user(store, "x", "lead", "short")
    users.add_user(store, "x", "lead", PW)
    with pytest.raises(InvalidOperation, match="exists already"):
        users.add_user(store, "x", "lead", PW)


def test_sessions_expire_and_end_with_logout_or_disabling(store):
    users.add_user(store, "mara", "moderator", PW)
    t0 = dt.datetime(2026, 1, 1, 8, tzinfo=dt.UTC)
    sid, sess = users.login(store, "mara", PW, now=t0)
    assert users.session_for(store, sid, now=t0 + dt.timedelta(hours=7)).actor == sess.actor
    assert users.session_for(store, sid, now=t0 + users.SESSION_TTL) is None
    sid, _ = users.login(store, "mara", PW)
    users.logout(store, sid)
    assert users.session_for(store, sid) is None
    sid, _ = users.login(store, "mara", PW)
    token = users.add_token(store, "mara", "bot")
    users.set_active(store, "mara", False)
    assert users.session_for(store, sid) is None and users.token_actor(store, token) is None
    assert users.login(store, "mara", PW) is None
