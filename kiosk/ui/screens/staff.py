"""Staff mode: the intervention queue, voids, weight and age overrides, restock, lock, exit."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.checkout.catalog import Product, SoldBy
from kiosk.checkout.interventions import Intervention
from kiosk.ui import theme
from kiosk.ui.cart_model import cart_rows
from kiosk.ui.lang import tr as _
from kiosk.ui.navigation import LockedBy
from kiosk.ui.screens import KioskScreen
from kiosk.ui.view import AppView
from kiosk.ui.widgets.labels import KButton, KLabel
from kiosk.ui.wording import DEVICE_NAMES, INTERVENTION_TITLES, RESOLVE_LABELS


def _detail(item: Intervention, language: str) -> str:
    d = item.detail
    if "change_g" in d:
        return _(
            "changed {change} g, expected {expected} g",
            language,
            change=d["change_g"],
            expected=d.get("expected_g", "?"),
        )
    if "min_age" in d:
        return _("minimum age {age}", language, age=d["min_age"])
    if d.get("what") == "cancel_sale":
        return _("cancel the whole sale", language)
    return ", ".join(f"{k}: {v}" for k, v in d.items())


class StaffScreen(KioskScreen):
    staff_text = StringProperty("")
    status_text = StringProperty("")
    locked = BooleanProperty(False)
    restocking = BooleanProperty(False)
    restock_qty = NumericProperty(6)
    restock_name = StringProperty("")
    restock_message = StringProperty("")
    queue_empty = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._queue_key: tuple[Any, ...] | None = None
        self._language = "en"
        self.restock_product: Product | None = None

    def on_leave(self, *_args: Any) -> None:
        if self.restocking:
            self.toggle_restock()

    def update(self, view: AppView) -> None:
        language, checkout = view.language, view.checkout
        relabel = language != self._language
        self._language = language
        staff = view.ui.staff
        self.staff_text = _("Signed in: {name}", language, name=staff.name if staff else "")
        self.locked = bool(view.ui.service.locked_by)
        lines = []
        if view.ui.service.locked_by == LockedBy.STAFF:
            lines.append(_("Kiosk locked by staff.", language))
        elif view.ui.service.locked_by == LockedBy.FLEET:
            lines.append(_("Kiosk locked by the store office.", language))
        for status in view.devices:
            name = _(DEVICE_NAMES.get(status.name, status.name), language)
            extra = f" ({status.detail})" if status.detail else ""
            lines.append(f"{name}: {status.state.value}{extra}")
        self.status_text = "\n".join(lines)
        self.ids.cart.show(cart_rows(checkout.lines, language, view.currency) if checkout else ())
        items = checkout.interventions if checkout else ()
        key = (items, language)
        if key != self._queue_key:
            self._queue_key = key
            self._fill_queue(items, language)
        if relabel and self.restocking:
            self._fill_products()

    def _fill_queue(self, items: tuple[Intervention, ...], language: str) -> None:
        queue = self.ids.queue
        queue.clear_widgets()
        self.queue_empty = not items
        app = App.get_running_app()
        for item in items:
            row = BoxLayout(orientation="vertical", size_hint_y=None, spacing=6 * app.u)
            row.height = 150 * app.fscale
            title = _(INTERVENTION_TITLES[item.kind], language)
            row.add_widget(KLabel(text=title, bold=True, base_size=22, color=theme.DANGER))
            row.add_widget(KLabel(text=_detail(item, language), base_size=17, color=theme.MUTED))
            buttons = BoxLayout(spacing=10 * app.u)
            approve, reject = RESOLVE_LABELS[item.kind]
            yes = KButton(text=_(approve, language), base_size=20, bg=theme.PRIMARY)
            yes.bind(on_release=lambda _b, i=item.id: app.actions.resolve(i, "approve"))
            yes.intervention_id = item.id
            buttons.add_widget(yes)
            if reject:
                no = KButton(text=_(reject, language), base_size=20, bg=theme.DANGER)
                no.bind(on_release=lambda _b, i=item.id: app.actions.resolve(i, "reject"))
                buttons.add_widget(no)
            row.add_widget(buttons)
            queue.add_widget(row)

    def resolve_buttons(self) -> list[KButton]:
        """The approve buttons of the queue, oldest first (for tests)."""
        rows = reversed(self.ids.queue.children)
        return [row.children[0].children[-1] for row in rows]

    # -- restock ------------------------------------------------------------------------

    def toggle_restock(self) -> None:
        app = App.get_running_app()
        self.restocking = not self.restocking
        app.actions.restock_mode(self.restocking)
        self.restock_message = ""
        if self.restocking:
            self._fill_products()

    def _fill_products(self) -> None:
        app = App.get_running_app()
        grid = self.ids.products
        grid.clear_widgets()
        catalog = app.kiosk.machine.ctx.catalog if app.kiosk else ()
        for product in sorted(catalog, key=lambda p: p.name_en):
            if product.sold_by == SoldBy.WEIGHT:
                continue
            selected = (
                self.restock_product is not None and self.restock_product.gtin == product.gtin
            )
            button = KButton(
                text=product.name(self._language),
                base_size=16,
                bg=theme.HIGHLIGHT if selected else theme.BACKGROUND,
                fg=theme.TEXT,
            )
            button.gtin = product.gtin
            button.bind(on_release=lambda _b, p=product: self._pick(p))
            grid.add_widget(button)

    def _pick(self, product: Product) -> None:
        self.restock_product = product
        for button in self.ids.products.children:
            button.bg = theme.HIGHLIGHT if button.gtin == product.gtin else theme.BACKGROUND
        self.restock_name = product.name(self._language)
        self.restock_message = ""
        App.get_running_app().staff_touched()

    def change_qty(self, delta: int) -> None:
        self.restock_qty = max(1, min(999, self.restock_qty + delta))

    def add_stock(self) -> None:
        product = self.restock_product
        if product is None:
            self.restock_message = _("Choose a product first.", self._language)
            return
        self.restock_message = _("Saving...", self._language)
        App.get_running_app().actions.restock(product.gtin, int(self.restock_qty), self._stocked)

    def _stocked(self, stock: int | None, problem: str) -> None:
        if stock is None:
            self.restock_message = _("Not saved: {problem}", self._language, problem=problem)
        else:
            self.restock_message = _("Saved. In stock now: {stock}", self._language, stock=stock)
