"""Starting the app: config, Kivy settings, font, kiosk, peripherals; never a crash screen.

Whatever fails before the window opens (bad config, missing font, a database that will not
open) is shown on the out-of-service screen with the problem, for staff to read.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from kiosk.assembly import Kiosk, build_kiosk
from kiosk.config import ConfigError, LoadedConfig, load_config
from kiosk.ui.config import UiConfig
from kiosk.ui.fleet_link import make_fleet_link
from kiosk.ui.fonts import FontMissing, find_fonts, register
from kiosk.ui.kivy_setup import configure
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.standins import standin_peripherals

logger = logging.getLogger(__name__)

PeripheralsFactory = Callable[[Kiosk], Peripherals]
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")


class NoDisplay(RuntimeError):
    """Nowhere to draw: SDL would silently render to an invisible off-screen surface."""


def check_display() -> None:
    if not any(os.environ.get(name) for name in DISPLAY_VARIABLES):
        raise NoDisplay(
            "no display: set DISPLAY (X11) or WAYLAND_DISPLAY, or SDL_VIDEODRIVER=kmsdrm to "
            "draw on the console; under test, run it in Xvfb"
        )


def standins_for(kiosk: Kiosk) -> Peripherals:
    parts = standin_peripherals(kiosk.runtime)
    parts.fleet = make_fleet_link(kiosk, parts.devices)  # the stand-in unless [fleet] enables it
    return parts


def _config_problems(e: ConfigError, problems: list[str]) -> None:
    problems.extend(e.problems)
    for problem in e.problems:
        logger.error("config: %s", problem)


def _load(config_path: Path | None, problems: list[str]) -> LoadedConfig | None:
    try:
        return load_config(config_path)
    except ConfigError as e:
        _config_problems(e, problems)
        return None


def _start_kiosk(loaded: LoadedConfig, problems: list[str]) -> Kiosk | None:
    try:
        kiosk = build_kiosk(loaded)
    except Exception as e:
        logger.exception("the kiosk could not start")
        problems.append(f"the kiosk could not start: {type(e).__name__}: {e}")
        return None
    recovered = kiosk.runtime.recover()
    if recovered:
        logger.warning("recovered %d sale(s) paid before an interruption", recovered)
    return kiosk


def _peripherals(make: PeripheralsFactory, kiosk: Kiosk, problems: list[str]) -> Peripherals | None:
    try:
        return make(kiosk)
    except ConfigError as e:
        _config_problems(e, problems)
    except Exception as e:
        logger.exception("the devices could not start")
        problems.append(f"the devices could not start: {type(e).__name__}: {e}")
    return None


def run_app(
    config_path: Path | None,
    *,
    windowed: bool = False,
    make_peripherals: PeripheralsFactory | None = None,
    demo_panel: bool = False,
) -> str:
    """Run until staff close the app, a restart is asked for, or a signal; returns which."""
    check_display()
    problems: list[str] = []
    loaded = _load(config_path, problems)
    settings = loaded.config.ui if loaded else UiConfig()
    if make_peripherals is None:
        from kiosk.ui.hardware import hardware_for

        make_peripherals = hardware_for
    extra_width = 0
    if demo_panel:
        from kiosk.ui.demo_panel import PANEL_WIDTH

        extra_width = round(PANEL_WIDTH * settings.window_width / 1280)
    configure(
        fullscreen=settings.fullscreen and not windowed,
        width=settings.window_width + extra_width,
        height=settings.window_height,
        show_cursor=settings.show_cursor,
    )
    cjk = True
    try:
        register(find_fonts(settings.font_file))
    except FontMissing as e:
        logger.error("%s", e)
        problems.append(str(e))
        cjk = False
    kiosk = _start_kiosk(loaded, problems) if loaded is not None and not problems else None
    peripherals = _peripherals(make_peripherals, kiosk, problems) if kiosk is not None else None
    if kiosk is not None and peripherals is None:
        kiosk.close()  # nothing sells without its devices: out of service, with the problems
        kiosk = None

    from kiosk.ui.app import KioskApp

    app = KioskApp(
        kiosk=kiosk,
        peripherals=peripherals,
        settings=settings,
        problems=tuple(problems),
        cjk=cjk,
        demo_panel=demo_panel,
    )
    _exit_on_signals(app)
    try:
        app.run()
    finally:
        if kiosk is not None:
            kiosk.close()
    return app.exit_reason.value


def _exit_on_signals(app: object) -> None:
    from kivy.clock import Clock

    def handler(signum: int, _frame: FrameType | None) -> None:
        logger.warning("signal %d: closing the app", signum)
        Clock.schedule_once(lambda _dt: app.request_exit("signal"), 0)  # type: ignore[attr-defined]

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
