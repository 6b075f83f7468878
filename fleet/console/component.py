"""The console as a `fleet serve` component: uvicorn and the live feed on their own threads."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time

import uvicorn

from fleet.console.app import create_app
from fleet.console.config import ConsoleConfig
from fleet.console.live import ChangeFeed
from fleet.manager.service import Component, ManagerContext

logger = logging.getLogger(__name__)


class ConsoleServer:
    name = "console"

    def __init__(self, context: ManagerContext, config: ConsoleConfig | None = None) -> None:
        loaded = context.loaded
        self.config = config or loaded.config.console
        self.feed = ChangeFeed(context.db, self.config.live_poll_s)
        self.app = create_app(
            context.db,
            self.config,
            commands=context.commands,
            low_stock_at=loaded.config.alerts.low_stock_at,
            timezone=loaded.config.report.timezone,
            feed=self.feed,
        )
        tls = {}
        if self.config.tls_cert_file and self.config.tls_key_file:
            tls = {
                "ssl_certfile": str(loaded.resolve(self.config.tls_cert_file)),
                "ssl_keyfile": str(loaded.resolve(self.config.tls_key_file)),
            }
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host=self.config.host,
                port=self.config.port,
                log_level="warning",
                timeout_graceful_shutdown=2,
                **tls,  # type: ignore[arg-type]
            )
        )

    @property
    def url(self) -> str:
        scheme = "https" if self.config.tls_cert_file else "http"
        return f"{scheme}://{self.config.host}:{self.config.port}"

    def run(self, stop: threading.Event) -> None:
        feed = threading.Thread(
            target=self.feed.run, args=(stop,), name="console-feed", daemon=True
        )
        feed.start()
        threading.Thread(target=self._stop_on, args=(stop,), daemon=True).start()
        logger.info("console on %s", self.url)
        # Everything loaded so far lives as long as the process: keep the collector from
        # walking it again and again (full collections paused pages for 0.3-0.8 s at 1,000
        # kiosks; see benchmarks/console.py).
        gc.freeze()
        try:
            # Off the main thread uvicorn installs no signal handlers: `fleet serve` owns them.
            asyncio.run(self.server.serve())
        except SystemExit:  # uvicorn exits when it cannot bind
            logger.error("the console could not listen on %s (port in use?)", self.url)
        feed.join(5)

    def wait_started(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.server.started:
                return True
            time.sleep(0.02)
        return False

    def _stop_on(self, stop: threading.Event) -> None:
        stop.wait()
        self.server.should_exit = True


class Disabled:
    name = "console-disabled"

    def run(self, stop: threading.Event) -> None:
        logger.info("console disabled ([console] enabled = false)")


def console_factory(context: ManagerContext) -> Component:
    """The COMPONENT_FACTORIES entry: the console, unless `[console] enabled = false`."""
    if not context.loaded.config.console.enabled:
        return Disabled()
    return ConsoleServer(context)
