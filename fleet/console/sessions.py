"""Console sessions: a random cookie token (only its hash stored) and a CSRF token per session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from fleet.console.accounts import User, get_user
from fleet.console.models import SessionRow
from fleet.messages.base import utcnow

COOKIE = "fleet_session"


@dataclass(frozen=True)
class LoggedIn:
    user: User
    csrf: str
    token_hash: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(s: Session, user: User, hours: float) -> tuple[str, str]:
    """A new session; returns (cookie token, CSRF token). Expired sessions are swept here."""
    now = utcnow()
    s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    s.add(
        SessionRow(
            token_hash=_digest(token),
            user=user.name,
            csrf=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token, csrf


def lookup(s: Session, token: str | None) -> LoggedIn | None:
    if not token or len(token) > 200:
        return None
    row = s.get(SessionRow, _digest(token))
    if row is None or row.expires_at < utcnow():
        return None
    user = get_user(s, row.user)
    return LoggedIn(user, row.csrf, row.token_hash) if user is not None else None


def end_session(s: Session, token_hash: str) -> None:
    s.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash))


def end_sessions_of(s: Session, name: str) -> None:
    s.execute(delete(SessionRow).where(SessionRow.user == name))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
