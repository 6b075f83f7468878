"""Console API security: staff see and act on their own store only; every change needs a
session and its CSRF token; logins are rate limited with a clear message; cookies are locked."""

from __future__ import annotations

from collections.abc import Callable

import requests

from fleet.console.models import AuditRow
from fleet.store.models import AlertRow

CHANGES = [
    ("POST", "/api/alerts/1/ack", None),
    ("POST", "/api/alerts/1/resolve", None),
    ("POST", "/api/kiosks/k1/commands", {"action": "lock", "reason": "test"}),
    ("DELETE", "/api/session", None),
]


def test_staff_of_one_store_cannot_read_or_act_on_another(console: Callable[..., object]) -> None:
    c = console()
    bob = c.session("bob")  # staff of s2; k1, k2 and alert 1 belong to s1
    kiosks = bob.get(f"{c.url}/api/kiosks").json()
    assert [k["kiosk_id"] for k in kiosks["kiosks"]] == ["k3"]
    assert bob.get(f"{c.url}/api/kiosks/k1").status_code == 404
    assert bob.get(f"{c.url}/kiosks/k1").status_code == 404
    assert bob.get(f"{c.url}/api/kiosks", params={"store": "s1"}).json()["kiosks"] == []
    assert {a["store"] for a in bob.get(f"{c.url}/api/alerts").json()} == {"s2"}
    assert {r["store"] for r in bob.get(f"{c.url}/api/stock").json()} == {"s2"}
    csv_rows = bob.get(f"{c.url}/sales.csv", params={"days": 2}).text.splitlines()[1:]
    assert csv_rows
    assert all(",s2,k3," in row for row in csv_rows)
    assert "k1" not in bob.get(f"{c.url}/").text
    assert bob.post(f"{c.url}/api/alerts/1/ack").status_code == 404
    assert bob.post(f"{c.url}/api/kiosks/k1/commands", json={"action": "lock"}).status_code == 404
    with c.db.read() as s:
        assert s.get(AlertRow, 1).status == "open"
    # the same calls as staff of s1 go through
    ann = c.session("ann")
    assert ann.get(f"{c.url}/api/kiosks/k1").status_code == 200
    assert ann.post(f"{c.url}/api/alerts/1/ack").json()["acknowledged_by"] == "ann"


def test_every_change_needs_a_session_and_its_csrf_token(console: Callable[..., object]) -> None:
    c = console()
    anonymous = requests.Session()
    no_token = c.session("olga")
    del no_token.headers["X-CSRF-Token"]
    wrong_token = c.session("olga")
    wrong_token.headers["X-CSRF-Token"] = "forged"
    for method, path, body in CHANGES:
        assert anonymous.request(method, c.url + path, json=body).status_code == 401, path
        assert no_token.request(method, c.url + path, json=body).status_code == 403, path
        assert wrong_token.request(method, c.url + path, json=body).status_code == 403, path
    # a form post (logout) without the token is refused too, and the login form needs its own
    assert no_token.post(f"{c.url}/logout", data={}).status_code == 403
    r = anonymous.post(f"{c.url}/login", data={"username": "olga", "password": "x" * 12})
    assert r.status_code == 403
    with c.db.read() as s:
        assert s.get(AlertRow, 1).status == "open"
    # with the token the change is made and recorded
    ok = c.session("olga")
    assert ok.post(f"{c.url}/api/alerts/1/resolve").json()["resolved_by"] == "olga"
    with c.db.read() as s:
        assert s.query(AuditRow).filter_by(action="alert_resolve", user="olga").count() == 1


def test_pages_and_reads_need_a_session(console: Callable[..., object]) -> None:
    c = console()
    anonymous = requests.Session()
    for path in ("/", "/alerts", "/stock", "/sales", "/audit", "/kiosks/k1"):
        r = anonymous.get(c.url + path, allow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login"), path
    for path in ("/api/kiosks", "/api/alerts", "/api/sales", "/api/audit", "/live", "/sales.csv"):
        assert anonymous.get(c.url + path, allow_redirects=False).status_code in (401, 303), path


def test_login_rate_limit_says_when_to_try_again(console: Callable[..., object]) -> None:
    c = console(login_max_failures=3, login_window_s=600)
    s = requests.Session()
    for _ in range(3):
        r = s.post(f"{c.url}/api/session", json={"username": "ann", "password": "wrong password"})
        assert r.status_code == 401
    r = s.post(
        f"{c.url}/api/session", json={"username": "ann", "password": "correct horse battery"}
    )
    assert r.status_code == 429
    assert "Too many failed logins" in r.json()["detail"]
    assert int(r.headers["Retry-After"]) > 0
    metrics = s.get(f"{c.url}/metrics").text
    assert 'console_logins_total{outcome="failed"} 3.0' in metrics
    assert 'console_logins_total{outcome="limited"} 1.0' in metrics
    # the login page shows the same message
    page = s.get(f"{c.url}/login")
    token = s.cookies.get("fleet_login_csrf")
    assert page.status_code == 200
    assert token
    r = s.post(
        f"{c.url}/login",
        data={"username": "ann", "password": "correct horse battery", "csrf_token": token},
    )
    assert r.status_code == 429
    assert "Too many failed logins" in r.text
    with c.db.read() as s2:
        assert s2.query(AuditRow).filter_by(action="login_failed").count() == 3
        assert s2.query(AuditRow).filter_by(action="login_limited").count() == 2


def test_session_cookie_is_http_only_and_same_site(console: Callable[..., object]) -> None:
    c = console()
    r = requests.post(
        f"{c.url}/api/session", json={"username": "olga", "password": "correct horse battery"}
    )
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie
    secure = console(secure_cookies=True)
    r = requests.post(
        f"{secure.url}/api/session", json={"username": "olga", "password": "correct horse battery"}
    )
    assert "; secure" in r.headers["set-cookie"].lower()
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_login_only_redirects_within_the_console(console: Callable[..., object]) -> None:
    c = console()
    for target, expected in (
        ("/alerts", "/alerts"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
    ):
        s = requests.Session()
        s.get(f"{c.url}/login")
        r = s.post(
            f"{c.url}/login",
            data={
                "username": "olga",
                "password": "correct horse battery",
                "csrf_token": s.cookies["fleet_login_csrf"],
                "next": target,
            },
            allow_redirects=False,
        )
        assert r.status_code == 303, target
        assert r.headers["location"] == expected, target
