"""The demo side panel (`kiosk run --demo-panel`): buttons for the simulated shopper."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from kiosk.storage.catalog_repo import list_products
from kiosk.ui.demo_shopper import DemoShopper, ShopperError
from kiosk.ui.lang import tr as _

logger = logging.getLogger(__name__)
HERE = Path(__file__).parent
PANEL_WIDTH = 320  # px at layout unit 1, beside the 1280 px kiosk screen
FOLLOW_EVERY_S = 0.3

DONE = N_("Done.")
UNAVAILABLE = N_("Not on this kiosk.")


class DemoPanel(BoxLayout):
    """Glue only: each button calls the shopper in a worker thread and shows the reply."""

    product_text = StringProperty("")
    plate_text = StringProperty("")
    status = StringProperty("")
    follow = BooleanProperty(True)

    def __init__(self, shopper: DemoShopper, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shopper = shopper
        self.product_index = 0
        self.plates = self._plates()
        self.plate_index = 0
        self._show_choices()
        self._following = Clock.schedule_interval(self._follow, FOLLOW_EVERY_S)

    def on_parent(self, _widget: Any, parent: Any) -> None:
        if parent is None:  # taken off the screen: stop watching the face prompt
            self._following.cancel()

    def _plates(self) -> list[tuple[str, int, str]]:
        shelves = self.shopper.handles.shelves
        if shelves is None:
            return []
        return [
            (shelf_id, plate.channel, plate.name or plate.gtin)
            for shelf_id in self.shopper.shelf_ids()
            for plate in shelves.shelves[shelf_id].plan.plates
        ]

    def _show_choices(self) -> None:
        products = self.shopper.products
        self.product_text = products[self.product_index].name if products else ""
        if self.plates:
            shelf, plate, name = self.plates[self.plate_index]
            self.plate_text = f"{shelf}/{plate}: {name}"

    def next_product(self, step: int) -> None:
        if self.shopper.products:
            self.product_index = (self.product_index + step) % len(self.shopper.products)
            self._show_choices()

    def next_plate(self, step: int) -> None:
        if self.plates:
            self.plate_index = (self.plate_index + step) % len(self.plates)
            self._show_choices()

    # -- actions (each off the UI thread: the simulators answer over sockets) -------------

    def present(self) -> None:
        if self.shopper.products:
            gtin = self.shopper.products[self.product_index].gtin
            self.run(lambda: self.shopper.present(gtin))

    def shelf(self, take: bool) -> None:
        if not self.plates:
            self.status = _(UNAVAILABLE, App.get_running_app().language)
            return
        shelf, plate, _name = self.plates[self.plate_index]
        act = self.shopper.shelf_take if take else self.shopper.shelf_put_back
        self.run(lambda: act(shelf, plate))

    def run(self, action: Callable[[], object]) -> None:
        def work() -> None:
            try:
                action()
                message = DONE
            except ShopperError as e:
                message = str(e)
            except Exception as e:  # a demo button must never take the kiosk down
                logger.exception("demo action failed")
                message = f"{type(e).__name__}: {e}"
            Clock.schedule_once(lambda _dt: self._said(message), 0)

        threading.Thread(target=work, name="demo-shopper", daemon=True).start()

    def _said(self, message: str) -> None:
        self.status = _(message, App.get_running_app().language)

    def _follow(self, _dt: float) -> None:
        if self.follow and self.shopper.handles.face_camera is not None:
            self.shopper.follow_prompt()


def build_demo_panel(app: Any) -> DemoPanel | None:
    """The panel for `app`, or None when its peripherals have no simulators to drive."""
    parts = app.peripherals
    if parts is None or parts.simulators is None or app.kiosk is None:
        return None
    Builder.load_file(str(HERE / "demo_panel.kv"))
    runtime = app.kiosk.runtime

    def last_scanned() -> str | None:
        lines = runtime.state.active_lines
        return lines[-1].gtin if lines else None

    shopper = DemoShopper(parts.simulators, list_products(app.kiosk.db), last_scanned=last_scanned)
    return DemoPanel(shopper)
