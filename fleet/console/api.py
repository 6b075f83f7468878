"""The console's JSON API (/api/...): the same data and actions as the pages, for integrations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from fleet.console import actions, audit, fleetview, salesview
from fleet.console.accounts import User
from fleet.console.auth import Auth, LoginRefused, api_change, api_login, api_user, get_auth
from fleet.console.schemas import (
    AlertView,
    AuditView,
    CommandIn,
    CommandView,
    KioskDetail,
    LoginIn,
    Me,
    Overview,
    Problem,
    SalesReport,
    StockView,
)
from fleet.console.sessions import LoggedIn
from fleet.console.state import ConsoleState, get_state
from fleet.messages.base import utcnow

STORE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

router = APIRouter(prefix="/api", tags=["console"])
Who = Annotated[User, Depends(api_user)]
Change = Annotated[LoggedIn, Depends(api_change)]
State = Annotated[ConsoleState, Depends(get_state)]
Name = Annotated[str | None, Query(max_length=64)]
Store = Annotated[str | None, Query(max_length=64, pattern=STORE_PATTERN)]
AlertId = Annotated[int, Path(ge=1, le=2**62)]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem, "description": "no session"},
    403: {"model": Problem, "description": "no CSRF token"},
    404: {"model": Problem, "description": "not found, or not in your stores"},
}


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def me_of(who: LoggedIn) -> Me:
    return Me(
        name=who.user.name, role=who.user.role.value, store=who.user.store, csrf_token=who.csrf
    )


@router.post(
    "/session", response_model=Me, responses={401: {"model": Problem}, 429: {"model": Problem}}
)
def login(
    body: LoginIn, request: Request, response: Response, auth: Annotated[Auth, Depends(get_auth)]
) -> Me:
    """Log in: sets the session cookie; the answer carries the CSRF token for changes."""
    try:
        return me_of(auth.login(request, response, body.username, body.password))
    except LoginRefused as e:
        headers = {"Retry-After": str(int(e.retry_after) + 1)} if e.status == 429 else None
        raise HTTPException(e.status, str(e), headers=headers) from None


@router.delete("/session", status_code=204, responses=ERRORS)
def logout(
    request: Request, response: Response, who: Change, auth: Annotated[Auth, Depends(get_auth)]
) -> None:
    auth.logout(request, response, who)


@router.get("/me", response_model=Me, responses=ERRORS)
def me(who: Annotated[LoggedIn, Depends(api_login)]) -> Me:
    return me_of(who)


@router.get("/kiosks", response_model=Overview, responses=ERRORS)
def kiosks(
    user: Who,
    state: State,
    store: Store = None,
    status: Annotated[
        Literal["online", "offline", "locked", "alerts", "fault"] | None, Query()
    ] = None,
    q: Name = None,
    sort: fleetview.SortKey = fleetview.SortKey.STATE,
    desc: bool = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Overview:
    with state.db.read() as s:
        return fleetview.overview(
            s,
            user,
            store=store,
            state=status,
            search=q,
            sort=sort,
            descending=desc,
            limit=limit,
            offset=offset,
            last_sales=state.last_sales,
        )


@router.get("/kiosks/{kiosk_id}", response_model=KioskDetail, responses=ERRORS)
def kiosk(
    kiosk_id: str, user: Who, state: State, hours: Annotated[float, Query(gt=0, le=720)] = 24
) -> KioskDetail:
    with state.db.read() as s:
        found = fleetview.detail(s, user, kiosk_id, hours)
    if found is None:
        raise HTTPException(404, f"no kiosk {kiosk_id}")
    return found


@router.post(
    "/kiosks/{kiosk_id}/commands",
    response_model=CommandView,
    status_code=202,
    responses={**ERRORS, 503: {"model": Problem}},
)
def command(
    kiosk_id: str, body: CommandIn, request: Request, who: Change, state: State
) -> CommandView:
    """Send a signed command; poll GET /api/commands/{id} (or watch the live feed) for the
    kiosk's answer."""
    try:
        return actions.send_command(
            state.db, state.commands, who.user, kiosk_id, body, address(request)
        )
    except actions.NotFound as e:
        raise HTTPException(404, str(e)) from None
    except actions.Unavailable as e:
        raise HTTPException(503, str(e)) from None


@router.get("/commands/{command_id}", response_model=CommandView, responses=ERRORS)
def command_status(command_id: str, user: Who, state: State) -> CommandView:
    try:
        return actions.get_command(state.db, user, command_id)
    except actions.NotFound as e:
        raise HTTPException(404, str(e)) from None


@router.get("/alerts", response_model=list[AlertView], responses=ERRORS)
def alerts(
    user: Who,
    state: State,
    status: Literal["open", "acknowledged", "resolved", "unresolved", "all"] = "unresolved",
    store: Store = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[AlertView]:
    with state.db.read() as s:
        return fleetview.alerts(s, user, status, store, limit)


def _move(
    alert_id: int, to: str, request: Request, who: LoggedIn, state: ConsoleState
) -> AlertView:
    try:
        return actions.move_alert(state.db, who.user, alert_id, to, address(request))
    except actions.NotFound as e:
        raise HTTPException(404, str(e)) from None
    except actions.Conflict as e:
        raise HTTPException(409, str(e)) from None


@router.post(
    "/alerts/{alert_id}/ack",
    response_model=AlertView,
    responses={**ERRORS, 409: {"model": Problem}},
)
def ack_alert(alert_id: AlertId, request: Request, who: Change, state: State) -> AlertView:
    """Acknowledge an open alert (recorded with your name and the time)."""
    return _move(alert_id, "ack", request, who, state)


@router.post(
    "/alerts/{alert_id}/resolve",
    response_model=AlertView,
    responses={**ERRORS, 409: {"model": Problem}},
)
def resolve_alert(alert_id: AlertId, request: Request, who: Change, state: State) -> AlertView:
    return _move(alert_id, "resolve", request, who, state)


@router.get("/stock", response_model=list[StockView], responses=ERRORS)
def stock(
    user: Who,
    state: State,
    store: Store = None,
    low: bool = False,
    q: Name = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> list[StockView]:
    with state.db.read() as s:
        return salesview.stock(
            s, user, state.low_stock_at, store=store, low_only=low, search=q, limit=limit
        )


def period(days: int, until: datetime | None) -> tuple[datetime, datetime]:
    end = until or utcnow()
    return end - timedelta(days=days), end


@router.get("/sales", response_model=SalesReport, responses=ERRORS)
def sales(
    user: Who,
    state: State,
    store: Store = None,
    days: Annotated[int, Query(ge=1, le=366)] = 7,
) -> SalesReport:
    since, until = period(days, None)
    with state.db.read() as s:
        return salesview.sales_report(
            s, user, since, until, state.timezone, store=store, cache=state.top_products
        )


@router.get("/sales.csv", response_class=StreamingResponse, responses=ERRORS)
def sales_csv(
    user: Who,
    state: State,
    store: Store = None,
    days: Annotated[int, Query(ge=1, le=366)] = 7,
) -> StreamingResponse:
    """Every sale in the period as CSV (amounts in major units)."""
    return csv_response(state, user, store, days)


def csv_response(
    state: ConsoleState, user: User, store: str | None, days: int
) -> StreamingResponse:
    since, until = period(days, None)

    def rows() -> Iterator[str]:
        with state.db.read() as s:
            yield from salesview.sales_csv(s, user, since, until, store)

    name = f"sales-{store or 'all'}-{until:%Y%m%d}-{days}d.csv"
    return StreamingResponse(
        rows(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audit", response_model=list[AuditView], responses=ERRORS)
def audit_log(
    user: Who,
    state: State,
    action: Name = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200,
) -> list[AuditView]:
    with state.db.read() as s:
        return [
            AuditView.model_validate(r, from_attributes=True)
            for r in audit.recent(s, user, limit, action)
        ]
