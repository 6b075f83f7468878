"""A tiny HTTP client for the fleet console API (readiness checks, the demo's own tests)."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from typing import Any


class ConsoleClient:
    """Logs in with a name and password and reads JSON from /api, keeping the session cookie."""

    def __init__(self, base_url: str, timeout_s: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        with self._opener.open(request, timeout=self.timeout_s) as response:
            return json.loads(response.read() or b"null")

    def answers(self) -> bool:
        """Whether the console serves HTTP at all (a 401 counts: it is up, we are not in)."""
        try:
            self._call("GET", "/api/me")
        except urllib.error.HTTPError:
            return True
        except (OSError, ValueError):
            return False
        return True

    def login(self, username: str, password: str) -> dict[str, Any]:
        return dict(
            self._call("POST", "/api/session", {"username": username, "password": password})
        )

    def kiosks(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/api/kiosks")["kiosks"])

    def online(self, kiosk_id: str) -> bool:
        try:
            return any(k["kiosk_id"] == kiosk_id and k["online"] for k in self.kiosks())
        except (OSError, ValueError, KeyError):
            return False
