"""The kiosk app: one window, its screens, and the glue between them and the runtime."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition

from kiosk.assembly import Kiosk
from kiosk.checkout import effects as fx
from kiosk.checkout.catalog import Currency
from kiosk.checkout.session import Phase
from kiosk.messages import render
from kiosk.ui.bridge import Snapshot, StateBridge
from kiosk.ui.config import UiConfig
from kiosk.ui.device_board import DeviceStatus
from kiosk.ui.lang import tr as _
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.navigation import (
    LockedBy,
    Page,
    ScreenName,
    Service,
    UiState,
    display_language,
    screen_for,
)
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.screens import KioskScreen, make_screen
from kiosk.ui.snapshot import SnapshotWriter, visible_texts
from kiosk.ui.speech import Speaker
from kiosk.ui.staff_auth import PinChecker
from kiosk.ui.view import AppView

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DESIGN_SIZE = (1280, 800)  # layouts are drawn for this; other screens scale with `u`
ACTIVITY_PING_S = 5.0


class ExitReason(StrEnum):
    NONE = ""
    STAFF = "staff"
    RESTART = "restart"
    SIGNAL = "signal"


class KioskApp(App):
    language = StringProperty("en")
    u = NumericProperty(1.0)  # layout unit: 1 at 1280x800
    fscale = NumericProperty(1.0)  # text unit: u, times the large-text factor
    large_text = BooleanProperty(False)
    speech_on = BooleanProperty(False)
    speech_available = BooleanProperty(False)
    cjk = BooleanProperty(True)  # a font with Chinese glyphs is loaded
    store_name = StringProperty("")
    screen_name = StringProperty("")
    still_there_text = StringProperty("")
    still_there_countdown = StringProperty("")

    def __init__(
        self,
        *,
        kiosk: Kiosk | None,
        peripherals: Peripherals | None,
        settings: UiConfig,
        problems: tuple[str, ...] = (),
        cjk: bool = True,
        demo_panel: bool = False,
    ) -> None:
        super().__init__()
        self.demo_panel = demo_panel
        self._kiosk_share = 1.0  # of the window's width; less once a demo panel is beside it
        self.kiosk = kiosk
        self.runtime = kiosk.runtime if kiosk is not None else None
        self.peripherals = peripherals
        self.settings = settings
        self.cjk = cjk
        self.title = "Self-checkout"
        self.use_kivy_settings = False
        default_language = "en"
        if kiosk is not None:
            default_language = kiosk.machine.ctx.settings.default_language
            self.store_name = kiosk.loaded.config.kiosk.name
            self.currency = kiosk.loaded.currency
        else:
            self.currency = Currency("CNY", 2)
        self.speaker = Speaker(settings.speech)
        self.speech_available = self.speaker.available
        self.ui = UiState(
            idle_language=default_language if cjk else "en",
            speech=settings.speech.enabled and self.speaker.available,
            service=Service(problems=tuple(problems)),
        )
        from kiosk.ui.actions import Actions

        self.actions = Actions(self)
        self.control = AppControl(self)
        self.pin_checker = PinChecker(kiosk.db) if kiosk is not None else None
        self.snapshot: Snapshot | None = None
        self.bridge: StateBridge | None = None
        self.notice_key = ""
        self.notice_params: dict[str, str] = {}
        self.screens: dict[ScreenName, KioskScreen] = {}
        self.exit_reason = ExitReason.NONE
        self.lockdown: Lockdown | None = None
        self.snapshots = SnapshotWriter.from_env()
        self.first_frame_at: dict[str, float] = {}
        self._drawn_screen = ""
        self._staff_seen = 0.0
        self._last_ping = 0.0
        self._overlay_shown = False

    # -- life cycle ---------------------------------------------------------------------

    def build(self) -> Any:
        from kivy.core.window import Window

        from kiosk.ui import widgets

        widgets.register()
        Builder.load_file(str(HERE / "widgets" / "widgets.kv"))
        Builder.load_file(str(HERE / "app.kv"))
        root = Factory.KioskRoot()
        self.sm = root.ids.screens
        self.sm.transition = NoTransition()
        self.overlay = Factory.StillThereOverlay()
        if self.demo_panel:
            self._add_demo_panel(root)
        Window.bind(size=self._scale_to_window)
        self._scale_to_window(Window, Window.size)
        return root

    def _add_demo_panel(self, root: Any) -> None:
        """The simulated shopper's panel on the right; the kiosk keeps its 1280 x 800 design."""
        from kiosk.ui.demo_panel import PANEL_WIDTH, build_demo_panel

        panel = build_demo_panel(self)
        if panel is None:
            logger.warning("--demo-panel: these peripherals have no simulators to drive")
            return
        share = PANEL_WIDTH / (DESIGN_SIZE[0] + PANEL_WIDTH)
        self._kiosk_share = 1 - share
        root.children[-1].size_hint_x = self._kiosk_share  # the kiosk's own column
        panel.size_hint_x, panel.pos_hint = share, {"right": 1, "top": 1}
        root.add_widget(panel)
        self.panel = panel

    def on_start(self) -> None:
        from kivy.core.window import Window

        self.lockdown = Lockdown(
            Window, lambda: self.exit_reason != ExitReason.NONE, self.actions.scan
        )
        self.lockdown.install()
        Window.bind(on_touch_down=self._on_any_touch, on_flip=self._on_flip)
        if self.runtime is not None:
            self.bridge = StateBridge(self.runtime, self._on_runtime)
            self.bridge.attach()
            self.snapshot = self.bridge.current()
            self.runtime.start()
        if self.peripherals is not None:
            self.peripherals.devices.subscribe(
                lambda statuses: Clock.schedule_once(lambda _dt: self._on_devices(statuses), 0)
            )
            self._on_devices(self.peripherals.devices.all())
            self.peripherals.start(self.control)
        self.refresh()
        Clock.schedule_interval(self._every_second, 1.0)
        Clock.schedule_once(self._preload, 0.5)

    def on_stop(self) -> None:
        if self.peripherals is not None:
            self.peripherals.stop()
        if self.runtime is not None:
            self.runtime.stop()
        self.speaker.stop()

    def open_settings(self, *_args: Any) -> bool:
        return False  # lockdown: Kivy's settings panel (F1) never opens

    def request_exit(self, reason: str) -> None:
        logger.warning("leaving the app: %s", reason)
        self.exit_reason = ExitReason(reason)
        self.stop()

    def _preload(self, _dt: float) -> None:
        """Build the screens not yet shown, one per frame, so none is slow the first time."""
        missing = [name for name in ScreenName if name not in self.screens]
        if missing:
            self._screen(missing[0])
            Clock.schedule_once(self._preload, 0)

    # -- state --------------------------------------------------------------------------

    def set_ui(self, **changes: Any) -> None:
        if changes.get("staff") is not None:
            self.staff_touched()
        self.ui = replace(self.ui, **changes)
        if "service" in changes and self.runtime is not None:
            service = self.ui.service
            reason = "" if service.selling else (service.locked_by.value or "devices")
            self.runtime.set_closed(reason)
        self.refresh()

    def lock(self, by: LockedBy, reason: str) -> None:
        logger.warning("kiosk locked by %s %s", by.value, reason)
        self.set_ui(service=replace(self.ui.service, locked_by=by, lock_reason=reason))

    def unlock(self) -> None:
        logger.warning("kiosk unlocked")
        self.set_ui(service=replace(self.ui.service, locked_by=LockedBy.NOBODY, lock_reason=""))

    def staff_touched(self) -> None:
        self._staff_seen = time.monotonic()

    def _on_devices(self, statuses: tuple[DeviceStatus, ...]) -> None:
        down = tuple(sorted(s.name for s in statuses if s.required and s.down))
        if down != self.ui.service.devices_down:
            self.set_ui(service=replace(self.ui.service, devices_down=down))
        else:
            self.refresh()

    def _on_runtime(self, snapshot: Snapshot, effects: tuple[fx.Effect, ...]) -> None:
        before = self.snapshot.checkout if self.snapshot else None
        self.snapshot = snapshot
        checkout = snapshot.checkout
        spoken = ""
        for effect in effects:
            if isinstance(effect, fx.Notify):
                self.notice_key, self.notice_params = effect.key, dict(effect.params)
                spoken = render(effect.key, checkout.language, effect.params)
            elif isinstance(effect, fx.CallStaff):
                logger.info("staff called: %s", effect.intervention.kind.value)
        if before is not None and before.phase != checkout.phase:
            if checkout.phase == Phase.IDLE:  # the shopper left: the next one starts afresh
                self.notice_key, self.notice_params = "", {}
                self.ui = replace(self.ui, page=Page.CART, idle_language=checkout.language)
            elif before.phase == Phase.IDLE:
                self.ui = replace(self.ui, page=Page.CART)
        self.actions.after_update()
        self.refresh(spoken)

    # -- drawing ------------------------------------------------------------------------

    def view(self) -> AppView:
        checkout = self.snapshot.checkout if self.snapshot else None
        language = display_language(checkout, self.ui)
        notice = render(self.notice_key, language, self.notice_params) if self.notice_key else ""
        return AppView(
            checkout=checkout,
            priced=self.snapshot.priced if self.snapshot else None,
            ui=self.ui,
            screen=screen_for(checkout, self.ui),
            language=language,
            currency=self.currency,
            notice=notice,
            notice_key=self.notice_key,
            devices=self.peripherals.devices.all() if self.peripherals else (),
        )

    def refresh(self, spoken: str = "") -> None:
        """Show the current state; speak `spoken`, else the prompt of a screen just shown."""
        view = self.view()
        self.language = view.language
        self.large_text = view.ui.large_text
        self.speech_on = view.ui.speech
        self._scale_text()
        screen = self._screen(view.screen)
        if self.sm.current != view.screen.value:
            logger.info("screen %s", view.screen.value)
            self.sm.current = view.screen.value
            self.screen_name = view.screen.value
            spoken = spoken or (
                _(screen.spoken_prompt, view.language) if screen.spoken_prompt else ""
            )
        screen.update(view)
        if spoken:
            self.say(spoken)
        self._still_there(view)
        self._drawn_screen = ""  # the next flip shows this update

    def _screen(self, name: ScreenName) -> KioskScreen:
        if name not in self.screens:
            screen = make_screen(name)
            self.screens[name] = screen
            self.sm.add_widget(screen)
        return self.screens[name]

    def _still_there(self, view: AppView) -> None:
        checkout = view.checkout
        show = (
            checkout is not None
            and checkout.warned
            and checkout.phase == Phase.SHOPPING
            and view.screen not in (ScreenName.STAFF, ScreenName.STAFF_PIN)
        )
        if show:
            self.still_there_text = render("still_there", view.language)
            self._countdown()
        if show and not self._overlay_shown:
            self.root.add_widget(self.overlay)
        elif not show and self._overlay_shown:
            self.root.remove_widget(self.overlay)
        self._overlay_shown = show

    def _countdown(self) -> None:
        if self.runtime is None or self.snapshot is None:
            return
        settings = self.runtime.machine.ctx.settings
        end = self.snapshot.checkout.last_activity + settings.inactivity_warning_s
        left = max(0, int(end + settings.inactivity_clear_s - self.runtime.clock()))
        self.still_there_countdown = _(
            "Your basket will be cleared in {seconds} s.", self.language, seconds=left
        )

    def _scale_to_window(self, _window: Any, size: tuple[int, int]) -> None:
        width = size[0] * self._kiosk_share
        self.u = min(width / DESIGN_SIZE[0], size[1] / DESIGN_SIZE[1])
        self._scale_text()

    def _scale_text(self) -> None:
        factor = self.settings.large_text_scale if self.ui.large_text else 1.0
        self.fscale = self.u * factor

    def say(self, text: str) -> None:
        if self.ui.speech:
            self.speaker.say(text, self.language)

    def _on_flip(self, *_args: Any) -> None:
        name = self.sm.current
        if name and name not in self.first_frame_at:
            self.first_frame_at[name] = time.time()
        if self.snapshots.path is not None and self._drawn_screen != name:
            self._drawn_screen = name
            self.snapshots.write(name, self.language, visible_texts(self.root))

    def _on_any_touch(self, *_args: Any) -> None:
        if self.ui.staff is not None:
            self.staff_touched()
            return
        checkout = self.runtime.state if self.runtime else None
        now = time.monotonic()
        if checkout and checkout.phase != Phase.IDLE and now - self._last_ping > ACTIVITY_PING_S:
            self._last_ping = now
            self.actions.still_here()

    def _every_second(self, _dt: float) -> None:
        if self._overlay_shown:
            self._countdown()
        if self.ui.staff is not None and (
            time.monotonic() - self._staff_seen > self.settings.staff_timeout_s
        ):
            logger.info("staff mode timed out")
            self.actions.sign_out()


class AppControl:
    """The app as the fleet agent drives it: every call is safe from any thread."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    def lock(self, reason: str) -> None:
        Clock.schedule_once(lambda _dt: self.app.lock(LockedBy.FLEET, reason), 0)

    def unlock(self) -> None:
        Clock.schedule_once(lambda _dt: self.app.unlock(), 0)

    def restart(self) -> None:
        Clock.schedule_once(lambda _dt: self.app.request_exit(ExitReason.RESTART), 0)

    def screen(self) -> str:
        return str(self.app.screen_name)
