"""Console accounts: argon2id password hashes, roles, and who may see which store."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fleet.console.models import Role, UserRow
from fleet.messages.base import utcnow

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verifying against this keeps an unknown name as slow as a wrong password (no user probing).
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A bad name, role, store or password, or a missing or duplicate account."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    store: str | None  # the only store a staff member sees; None for operators

    def can_see(self, store: str) -> bool:
        return self.role == Role.OPERATOR or store == self.store

    @property
    def stores(self) -> tuple[str, ...] | None:
        """None: every store."""
        return None if self.role == Role.OPERATOR else (self.store or "",)


def _user(row: UserRow) -> User:
    return User(row.name, Role(row.role), row.store)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("the password is longer than 1024 characters")


def add_user(s: Session, name: str, role: Role, store: str | None, password: str) -> User:
    if not NAME.match(name):
        raise AccountError(f"bad user name {name!r}: letters, digits and _ . @ -, up to 64")
    if role == Role.STAFF and not store:
        raise AccountError("staff accounts need --store")
    if role == Role.OPERATOR and store:
        raise AccountError("operators see every store; do not give --store")
    if s.get(UserRow, name) is not None:
        raise AccountError(f"user {name!r} exists")
    check_password(password)
    now = utcnow()
    row = UserRow(
        name=name,
        role=role.value,
        store=store,
        password_hash=_hasher.hash(password),
        created_at=now,
        password_changed_at=now,
    )
    s.add(row)
    return _user(row)


def remove_user(s: Session, name: str) -> None:
    from fleet.console.sessions import end_sessions_of

    row = s.get(UserRow, name)
    if row is None:
        raise AccountError(f"no user {name!r}")
    s.delete(row)
    end_sessions_of(s, name)


def set_password(s: Session, name: str, password: str) -> None:
    from fleet.console.sessions import end_sessions_of

    row = s.get(UserRow, name)
    if row is None:
        raise AccountError(f"no user {name!r}")
    check_password(password)
    row.password_hash = _hasher.hash(password)
    row.password_changed_at = utcnow()
    end_sessions_of(s, name)  # a changed password logs everyone out


def list_users(s: Session) -> list[tuple[User, UserRow]]:
    return [(_user(r), r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def get_user(s: Session, name: str) -> User | None:
    row = s.get(UserRow, name)
    return _user(row) if row is not None else None


def authenticate(s: Session, name: str, password: str) -> User | None:
    row = s.get(UserRow, name) if NAME.match(name) else None
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return _user(row)
