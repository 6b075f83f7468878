"""The cart: one row per line, newest first, recycled so hundreds of lines stay fast."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview import RecycleView

from kiosk.ui.cart_model import CartRow


class CartRowView(BoxLayout):
    line_id = NumericProperty(0)
    name = StringProperty("")
    detail = StringProperty("")
    amount = StringProperty("")
    age_restricted = BooleanProperty(False)
    newest = BooleanProperty(False)
    removable = BooleanProperty(True)


class CartList(RecycleView):
    removable = BooleanProperty(True)

    def show(self, rows: tuple[CartRow, ...]) -> None:
        data: list[dict[str, Any]] = [
            {
                "line_id": row.line_id,
                "name": row.name,
                "detail": row.detail,
                "amount": row.amount,
                "age_restricted": row.age_restricted,
                "newest": index == 0,
                "removable": self.removable,
            }
            for index, row in enumerate(rows)
        ]
        if data != self.data:
            self.data = data
            self.scroll_y = 1  # the newest row is at the top

    def row_views(self) -> list[CartRowView]:
        """The row widgets shown now (for tests and the benchmark)."""
        layout = self.children[0] if self.children else None
        return [w for w in (layout.children if layout else []) if isinstance(w, CartRowView)]
