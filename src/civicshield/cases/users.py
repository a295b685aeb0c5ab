"""People and machines that use the web console and API.

Users log in with a password (argon2id hash, never the password), get a
server-side session (the cookie carries a random id; only its SHA-256 is
stored, so a copy of the database does not yield live sessions) and a CSRF
token bound to that session.  Machines use API tokens, also stored as
SHA-256 only and shown once when made.

A user's role is one of ``roles.ROLES``; what the role may do is decided by
``roles.PERMISSIONS`` and nowhere else.  Managing users is a local
administrator's job (``civicshield users ...`` on the server), not a web
operation, so it needs no role of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Mapped, mapped_column

from civicshield.cases.errors import InvalidOperation, NotFound
from civicshield.cases.models import Base, UTCDateTime, utcnow
from civicshield.cases.roles import ROLES, Actor

SESSION_TTL = dt.timedelta(hours=8)
MIN_PASSWORD = 12
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified when the user does not exist, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("civicshield-no-such-user")


class User(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(sa.ForeignKey("users.name"), index=True)
    csrf: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_name: Mapped[str] = mapped_column(sa.ForeignKey("users.name"), index=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class LoginSession:
    """What the web layer gets back for a valid session cookie."""

    actor: Actor
    csrf: str
    session_id: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def add_user(store, name: str, role: str, password: str) -> None:
    name = (name or "").strip()
    Actor(name, role)  # the same name and role rules as everywhere else
    if len(password) < MIN_PASSWORD:
        raise InvalidOperation(f"a password needs at least {MIN_PASSWORD} characters")
    with store.session() as s:
        if s.get(User, name) is not None:
            raise InvalidOperation(f"user {name!r} exists already")
        s.add(User(name=name, role=role, password_hash=_HASHER.hash(password), active=True))


def set_active(store, name: str, active: bool) -> None:
    """Deactivating also ends the user's sessions and revokes their tokens."""
    with store.session() as s:
        u = s.get(User, name)
        if u is None:
            raise NotFound(f"no user {name!r}")
        u.active = active
        if not active:
            s.execute(sa.delete(WebSession).where(WebSession.user_name == name))
            s.execute(sa.update(ApiToken).where(ApiToken.user_name == name, ApiToken.revoked_at.is_(None))
                      .values(revoked_at=utcnow()))


def list_users(store) -> list[dict]:
    with store.reader() as s:
        return [{"name": u.name, "role": u.role, "active": u.active}
                for u in s.execute(sa.select(User).order_by(User.name)).scalars()]


def login(store, name: str, password: str, now: dt.datetime | None = None) -> tuple[str, LoginSession] | None:
    """A new session for the right name and password, else None (the caller
    cannot tell a wrong name from a wrong password, nor can an attacker)."""
    now = now or utcnow()
    with store.session() as s:
        u = s.get(User, (name or "").strip())
        try:
            _HASHER.verify(u.password_hash if u else _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if u is None or not u.active:
            return None
        if _HASHER.check_needs_rehash(u.password_hash):
            u.password_hash = _HASHER.hash(password)
        s.execute(sa.delete(WebSession).where(WebSession.expires_at < now))
        sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        s.add(WebSession(id_hash=_digest(sid), user_name=u.name, csrf=csrf, created_at=now,
                         expires_at=now + SESSION_TTL))
        return sid, LoginSession(Actor(u.name, u.role), csrf, sid)


def session_for(store, session_id: str | None, now: dt.datetime | None = None) -> LoginSession | None:
    if not session_id:
        return None
    now = now or utcnow()
    with store.reader() as s:
        row = s.execute(sa.select(WebSession, User).join(User, User.name == WebSession.user_name)
                        .where(WebSession.id_hash == _digest(session_id))).first()
    if row is None:
        return None
    ws, u = row
    if ws.expires_at <= now or not u.active:
        return None
    return LoginSession(Actor(u.name, u.role), ws.csrf, session_id)


def logout(store, session_id: str) -> None:
    with store.session() as s:
        s.execute(sa.delete(WebSession).where(WebSession.id_hash == _digest(session_id)))


def add_token(store, user_name: str, label: str) -> str:
    """Returns the token; only its hash is kept, so this is the one time it is seen."""
    with store.session() as s:
        if s.get(User, user_name) is None:
            raise NotFound(f"no user {user_name!r}")
        token = "cs_" + secrets.token_urlsafe(32)
        s.add(ApiToken(token_hash=_digest(token), user_name=user_name, label=label or "api"))
        return token


def revoke_token(store, token: str) -> None:
    with store.session() as s:
        s.execute(sa.update(ApiToken).where(ApiToken.token_hash == _digest(token)).values(revoked_at=utcnow()))


def token_actor(store, token: str | None) -> Actor | None:
    if not token:
        return None
    with store.reader() as s:
        row = s.execute(sa.select(User).join(ApiToken, ApiToken.user_name == User.name)
                        .where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None),
                               User.active.is_(True))).scalar_one_or_none()
    return Actor(row.name, row.role) if row else None


__all__ = ["ROLES", "ApiToken", "LoginSession", "User", "WebSession", "add_token", "add_user", "list_users", "login",
           "logout", "revoke_token", "session_for", "set_active", "token_actor"]
