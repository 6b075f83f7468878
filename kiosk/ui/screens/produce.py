"""Produce look-up: find the item on a touch grid, weigh it on the scale, add it."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.checkout.catalog import Product
from kiosk.checkout.rounding import price_for_weight
from kiosk.i18n import N_, money
from kiosk.ui import theme
from kiosk.ui.lang import tr as _
from kiosk.ui.lang import weight_text
from kiosk.ui.produce_search import search
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.widgets.labels import KButton

# Notices about weighing that belong on this screen (others show on the cart).
WEIGHING_NOTICES = {
    "wait_for_scale",
    "place_item_on_scale",
    "scale_overload",
    "barcode_not_recognised",
    "resolve_first",
}
KEYS = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789", "←", "C"]


class ProduceScreen(KioskScreen):
    spoken_prompt = N_("Choose an item")
    query = StringProperty("")
    selected_name = StringProperty("")
    scale_text = StringProperty("")
    price_text = StringProperty("")
    notice = StringProperty("")
    can_add = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.selected: Product | None = None
        self.buttons: dict[str, KButton] = {}
        self._language = ""
        self._shown_query: str | None = None
        self._poll_event: Any = None
        Clock.schedule_once(self._make_keys, 0)

    def _make_keys(self, _dt: float) -> None:
        for key in KEYS:
            button = KButton(text=key, base_size=22, bg=theme.PANEL, fg=theme.TEXT)
            button.bind(on_release=lambda b: self._key(b.text))
            self.ids.letter_keys.add_widget(button)

    def _key(self, key: str) -> None:
        self.query = "" if key == "C" else self.query[:-1] if key == "←" else self.query + key

    def on_query(self, *_args: Any) -> None:
        self._fill_grid()

    def on_enter(self, *_args: Any) -> None:
        self.query, self.selected = "", None
        self._fill_grid()
        self._poll_event = Clock.schedule_interval(lambda _dt: self._show_scale(), 0.2)

    def on_leave(self, *_args: Any) -> None:
        if self._poll_event is not None:
            self._poll_event.cancel()
            self._poll_event = None

    def update(self, view: AppView) -> None:
        if view.language != self._language:
            self._language = view.language
            self._shown_query = None
            self._fill_grid()
        self.notice = view.notice if view.notice_key in WEIGHING_NOTICES else ""
        self._show_scale()

    def _products(self) -> list[Product]:
        app = App.get_running_app()
        return app.kiosk.machine.ctx.catalog.produce() if app.kiosk else []

    def _fill_grid(self) -> None:
        if self._shown_query == self.query:
            return
        self._shown_query = self.query
        grid = self.ids.grid
        grid.clear_widgets()
        self.buttons.clear()
        app = App.get_running_app()
        for product in search(self._products(), self.query):
            price = money(product.price, app.currency, self._language)
            per_kg = _("{price}/kg", self._language, price=price)
            button = KButton(
                text=f"{product.name(self._language)}\n{per_kg}",
                base_size=20,
                bg=theme.HIGHLIGHT if product is self.selected else theme.PANEL,
                fg=theme.TEXT,
            )
            button.bind(on_release=lambda _b, p=product: self.select(p))
            self.buttons[product.gtin] = button
            grid.add_widget(button)

    def select(self, product: Product) -> None:
        self.selected = product
        for gtin, button in self.buttons.items():
            button.bg = theme.HIGHLIGHT if gtin == product.gtin else theme.PANEL
        self._show_scale()

    def _show_scale(self) -> None:
        app = App.get_running_app()
        language = self._language or app.language
        reading = app.peripherals.produce_scale.latest() if app.peripherals else None
        product = self.selected
        self.selected_name = product.name(language) if product else _("Choose an item", language)
        if reading is None:
            self.scale_text, self.price_text, self.can_add = (
                _("Scale not ready", language),
                "",
                False,
            )
            return
        if reading.overload:
            self.scale_text = _("Too heavy", language)
        elif not reading.stable:
            self.scale_text = _("Weighing...", language)
        else:
            self.scale_text = weight_text(reading.grams, language)
        self.can_add = product is not None and reading.stable and reading.grams > 0
        if product is not None and reading.grams > 0:
            amount = money(price_for_weight(product.price, reading.grams), app.currency, language)
            self.price_text = _("Price: {amount}", language, amount=amount)
        else:
            self.price_text = _("Place the item on the scale.", language)

    def add(self) -> None:
        if self.selected is not None:
            App.get_running_app().actions.weigh(self.selected.gtin)
