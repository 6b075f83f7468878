"""Who is asking: the session cookie, the CSRF check for every change, the login flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, Response
from prometheus_client import Counter

from fleet.console import audit
from fleet.console.accounts import User, authenticate
from fleet.console.config import ConsoleConfig
from fleet.console.ratelimit import LoginLimiter
from fleet.console.sessions import COOKIE, LoggedIn, csrf_ok, end_session, lookup, start_session
from kiosk.storage.engine import Database

CSRF_HEADER = "X-CSRF-Token"


class LoginRefused(Exception):
    def __init__(self, message: str, status: int, retry_after: float = 0) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class Auth:
    """Everything the routes need to know who asks; one per app."""

    db: Database
    config: ConsoleConfig
    limiter: LoginLimiter
    secure: bool
    logins: Counter | None = None  # console_logins{outcome}

    def _count(self, outcome: str) -> None:
        if self.logins is not None:
            self.logins.labels(outcome).inc()

    def current(self, request: Request) -> LoggedIn | None:
        with self.db.read() as s:
            return lookup(s, request.cookies.get(COOKIE))

    def login(self, request: Request, response: Response, name: str, password: str) -> LoggedIn:
        address = request.client.host if request.client else ""
        keys = (f"user:{name.lower()}", f"addr:{address}")
        wait = self.limiter.retry_after(*keys)
        if wait > 0:
            self._count("limited")
            with self.db.write() as s:
                audit.record(
                    s, name, "login_limited", ok=False, detail="rate limited", address=address
                )
            raise LoginRefused(
                f"Too many failed logins. Try again in {int(wait) + 1} seconds.", 429, wait
            )
        with self.db.write() as s:
            user = authenticate(s, name, password)
            if user is None:
                audit.record(s, name, "login_failed", ok=False, address=address)
        if user is None:
            self._count("failed")
            self.limiter.failed(*keys)
            raise LoginRefused("Wrong user name or password.", 401)
        self.limiter.succeeded(*keys)
        self._count("ok")
        with self.db.write() as s:
            token, csrf = start_session(s, user, self.config.session_hours)
            audit.record(s, user.name, "login", store=user.store, address=address)
            logged = lookup(s, token)
        assert logged is not None
        self.set_cookie(response, token)
        return logged

    def set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(self.config.session_hours * 3600),
            httponly=True,
            samesite="strict",
            secure=self.secure,
            path="/",
        )

    def logout(self, request: Request, response: Response, who: LoggedIn) -> None:
        with self.db.write() as s:
            end_session(s, who.token_hash)
            audit.record(
                s,
                who.user.name,
                "logout",
                store=who.user.store,
                address=request.client.host if request.client else "",
            )
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def get_auth(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


def api_login(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> LoggedIn:
    """JSON API: a session is required (401 otherwise)."""
    who = auth.current(request)
    if who is None:
        raise HTTPException(401, "log in first (POST /api/session)")
    return who


def api_user(who: Annotated[LoggedIn, Depends(api_login)]) -> User:
    return who.user


def api_change(
    who: Annotated[LoggedIn, Depends(api_login)],
    x_csrf_token: Annotated[str | None, Header(alias=CSRF_HEADER)] = None,
) -> LoggedIn:
    """JSON API changes: a session and its CSRF token in the X-CSRF-Token header (403)."""
    if not csrf_ok(who.csrf, x_csrf_token):
        raise HTTPException(403, f"missing or wrong {CSRF_HEADER} header")
    return who
