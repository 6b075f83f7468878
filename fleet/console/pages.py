"""The console's HTML pages (Jinja2) and the fragments the live channel reloads in place."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from fleet.console import audit, fleetview, salesview
from fleet.console.api import STORE_PATTERN, csv_response, period
from fleet.console.auth import Auth, LoginRefused, get_auth
from fleet.console.format import FILTERS
from fleet.console.sessions import LoggedIn, csrf_ok
from fleet.console.state import ConsoleState, get_state

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.filters.update(FILTERS)
LOGIN_CSRF = "fleet_login_csrf"
router = APIRouter(include_in_schema=False)
State = Annotated[ConsoleState, Depends(get_state)]
Name = Annotated[str | None, Query(max_length=64)]
Store = Annotated[str | None, Query(max_length=64, pattern=STORE_PATTERN)]


class NeedLogin(Exception):
    """A page asked for without a session: send the browser to /login."""

    def __init__(self, path: str) -> None:
        self.path = path


def page_login(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> LoggedIn:
    who = auth.current(request)
    if who is None:
        raise NeedLogin(request.url.path)
    return who


def fragment_login(request: Request, auth: Annotated[Auth, Depends(get_auth)]) -> LoggedIn:
    who = auth.current(request)
    if who is None:
        raise HTTPException(401, "log in first")
    return who


Who = Annotated[LoggedIn, Depends(page_login)]
Frag = Annotated[LoggedIn, Depends(fragment_login)]


def render(request: Request, name: str, who: LoggedIn | None, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request, name, {"who": who, "csrf": who.csrf if who else "", **context}
    )


# -- login ------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/", message: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, token=token, next=_local(next), message=message)
    auth: Auth = request.app.state.auth
    response.set_cookie(
        LOGIN_CSRF, token, httponly=True, samesite="strict", secure=auth.secure, max_age=3600
    )
    return response


def _local(path: str) -> str:
    """Only redirect within the console (no open redirect through ?next=)."""
    local = path.startswith("/") and not path.startswith("//") and "\\" not in path
    return path if local and len(path) < 500 else "/"


@router.post("/login")
def login_submit(
    request: Request,
    auth: Annotated[Auth, Depends(get_auth)],
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    if not csrf_ok(request.cookies.get(LOGIN_CSRF, ""), csrf_token):
        return _login_again(request, next, "The login form expired; please try again.", 403)
    response = RedirectResponse(_local(next), status_code=303)
    try:
        auth.login(request, response, username, password)
    except LoginRefused as e:
        return _login_again(request, next, str(e), e.status)
    response.delete_cookie(LOGIN_CSRF)
    return response


def _login_again(request: Request, next: str, message: str, status: int) -> HTMLResponse:
    response = login_page(request, next, message)
    response.status_code = status
    return response


@router.post("/logout")
def logout_submit(
    request: Request,
    auth: Annotated[Auth, Depends(get_auth)],
    who: Who,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if not csrf_ok(who.csrf, csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token")
    response = RedirectResponse("/login", status_code=303)
    auth.logout(request, response, who)
    return response


# -- pages ------------------------------------------------------------------------------


def _overview(state: ConsoleState, who: LoggedIn, request: Request) -> dict[str, Any]:
    p = request.query_params
    sort = p.get("sort", "state")
    offset = max(0, min(_int(p.get("offset")), 10_000_000))
    with state.db.read() as s:
        data = fleetview.overview(
            s,
            who.user,
            store=p.get("store") or None,
            state=p.get("status") or None,
            search=(p.get("q") or "")[:64] or None,
            sort=fleetview.SortKey(sort)
            if sort in set(fleetview.SortKey)
            else fleetview.SortKey.STATE,
            descending=p.get("desc") == "1",
            limit=state.config.page_rows,
            offset=offset,
            last_sales=state.last_sales,
        )
    params = {k: v for k, v in p.items() if k != "offset"}
    return {"data": data, "params": params, "offset": offset, "page_rows": state.config.page_rows}


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else 0


@router.get("/")
def overview_page(request: Request, who: Who, state: State) -> HTMLResponse:
    return render(request, "overview.html", who, page="overview", **_overview(state, who, request))


@router.get("/fragments/overview")
def overview_fragment(request: Request, who: Frag, state: State) -> HTMLResponse:
    return render(request, "_overview_table.html", who, **_overview(state, who, request))


def _kiosk(state: ConsoleState, who: LoggedIn, kiosk_id: str) -> dict[str, Any]:
    with state.db.read() as s:
        detail = fleetview.detail(s, who.user, kiosk_id)
    if detail is None:
        raise HTTPException(404, f"no kiosk {kiosk_id}")
    return {"d": detail, "can_command": state.commands is not None}


@router.get("/kiosks/{kiosk_id}")
def kiosk_page(request: Request, kiosk_id: str, who: Who, state: State) -> HTMLResponse:
    context = _kiosk(state, who, kiosk_id)
    health = {
        "at": [h.at.isoformat() for h in context["d"].health],
        "cpu": [h.cpu_percent for h in context["d"].health],
        "memory": [h.memory_percent for h in context["d"].health],
        "disk": [h.disk_percent for h in context["d"].health],
        "temperature": [h.temperature_c for h in context["d"].health],
        "backlog": [h.backlog for h in context["d"].health],
    }
    return render(request, "kiosk.html", who, page="kiosk", health=health, **context)


@router.get("/fragments/kiosk/{kiosk_id}")
def kiosk_fragment(request: Request, kiosk_id: str, who: Frag, state: State) -> HTMLResponse:
    return render(request, "_kiosk_live.html", who, **_kiosk(state, who, kiosk_id))


def _alerts(state: ConsoleState, who: LoggedIn, request: Request) -> dict[str, Any]:
    status = request.query_params.get("status", "unresolved")
    store = request.query_params.get("store") or None
    with state.db.read() as s:
        rows = fleetview.alerts(s, who.user, status, store, state.config.page_rows)
    return {"alerts": rows, "status": status, "store": store or ""}


@router.get("/alerts")
def alerts_page(request: Request, who: Who, state: State) -> HTMLResponse:
    return render(request, "alerts.html", who, page="alerts", **_alerts(state, who, request))


@router.get("/fragments/alerts")
def alerts_fragment(request: Request, who: Frag, state: State) -> HTMLResponse:
    return render(request, "_alerts_table.html", who, **_alerts(state, who, request))


@router.get("/stock")
def stock_page(
    request: Request, who: Who, state: State, store: Store = None, low: bool = False, q: Name = None
) -> HTMLResponse:
    with state.db.read() as s:
        rows = salesview.stock(
            s,
            who.user,
            state.low_stock_at,
            store=store,
            low_only=low,
            search=q,
            limit=state.config.page_rows * 5,
        )
    return render(
        request,
        "stock.html",
        who,
        page="stock",
        rows=rows,
        store=store or "",
        low=low,
        q=q or "",
        low_at=state.low_stock_at,
    )


@router.get("/sales")
def sales_page(
    request: Request,
    who: Who,
    state: State,
    store: Store = None,
    days: Annotated[int, Query(ge=1, le=366)] = 7,
) -> HTMLResponse:
    since, until = period(days, None)
    with state.db.read() as s:
        report = salesview.sales_report(
            s, who.user, since, until, state.timezone, store=store, cache=state.top_products
        )
    charts = {
        "hour": {
            "x": [b.label for b in report.per_hour],
            "y": [b.revenue / 10**report.exponent for b in report.per_hour],
        },
        "day": {
            "x": [b.label for b in report.per_day],
            "y": [b.revenue / 10**report.exponent for b in report.per_day],
        },
    }
    return render(
        request,
        "sales.html",
        who,
        page="sales",
        r=report,
        charts=charts,
        store=store or "",
        days=days,
    )


@router.get("/sales.csv")
def sales_csv_page(
    who: Who, state: State, store: Store = None, days: Annotated[int, Query(ge=1, le=366)] = 7
) -> StreamingResponse:
    return csv_response(state, who.user, store, days)


def _audit(state: ConsoleState, who: LoggedIn, request: Request) -> dict[str, Any]:
    action = (request.query_params.get("action") or "")[:32] or None
    with state.db.read() as s:
        rows = audit.recent(s, who.user, state.config.page_rows, action)
    return {"rows": rows, "action": action or ""}


@router.get("/audit")
def audit_page(request: Request, who: Who, state: State) -> HTMLResponse:
    return render(request, "audit.html", who, page="audit", **_audit(state, who, request))


@router.get("/fragments/audit")
def audit_fragment(request: Request, who: Frag, state: State) -> HTMLResponse:
    return render(request, "_audit_table.html", who, **_audit(state, who, request))


@router.get("/live")
async def live(request: Request, who: Frag, state: State) -> StreamingResponse:
    """Server-sent events naming what changed: alerts, kiosks, commands, audit."""
    return StreamingResponse(
        state.feed.stream(request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)
