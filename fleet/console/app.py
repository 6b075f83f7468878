"""The console's FastAPI application: pages, JSON API, live feed, static files and /metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from fleet.console import api, pages
from fleet.console.auth import Auth
from fleet.console.config import ConsoleConfig
from fleet.console.lastsale import LastSales
from fleet.console.live import ChangeFeed
from fleet.console.metrics import ConsoleMetrics
from fleet.console.ratelimit import LoginLimiter
from fleet.console.state import ConsoleState
from fleet.manager.commands import CommandSender
from kiosk.storage.engine import Database

STATIC = Path(__file__).with_name("static")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)


def plotly_js() -> Path:
    """plotly.js as shipped inside the `plotly` Python package (no copied or CDN files)."""
    path = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
    if not path.is_file():
        raise RuntimeError(
            f"plotly.min.js is missing from the plotly package ({path}); reinstall plotly"
        )
    return path


def create_app(
    db: Database,
    config: ConsoleConfig,
    *,
    commands: CommandSender | None,
    low_stock_at: int,
    timezone: str,
    feed: ChangeFeed | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Fleet console API",
        version="1",
        description="Kiosks, alerts, commands, stock, sales and the audit log of a self-checkout "
        "fleet. Log in with POST /api/session; send the returned csrf_token as X-CSRF-Token "
        "with every change.",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the document is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    feed = feed or ChangeFeed(db, config.live_poll_s)
    feed.last_sales = feed.last_sales or LastSales()
    app.state.console = ConsoleState(
        db, commands, feed, config, low_stock_at, timezone, feed.last_sales
    )
    secure = config.secure_cookies or config.tls_cert_file is not None
    app.state.auth = Auth(
        db, config, LoginLimiter(config.login_max_failures, config.login_window_s), secure
    )
    metrics = app.state.metrics = ConsoleMetrics(db, feed)
    app.state.auth.logins = metrics.logins
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    plotly = plotly_js()

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_route() -> FileResponse:
        return FileResponse(
            plotly, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/metrics", include_in_schema=False)
    def metrics_route() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(pages.NeedLogin)
    async def need_login(request: Request, exc: pages.NeedLogin) -> Response:
        return pages.login_redirect(exc.path)

    @app.middleware("http")
    async def headers_and_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        took = time.perf_counter() - started
        route = request.scope.get("route")
        metrics.requests.labels(
            getattr(route, "path", "unmatched"), request.method, str(response.status_code)
        ).observe(took)
        # Time until the handler returned (a streamed body, CSV or SSE, is not included).
        response.headers["Server-Timing"] = f"app;dur={took * 1000:.1f}"
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith(("/static", "/vendor")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
