"""Simple drawn icons (a shape and a symbol), readable from a distance and in any language."""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, RoundedRectangle, Triangle
from kivy.properties import StringProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui import theme

# name: (shape, symbol, colour)
ICONS: dict[str, tuple[str, str, list[float]]] = {
    "weight_mismatch": ("triangle", "kg", theme.WARNING),
    "unexpected_item": ("triangle", "!", theme.DANGER),
    "item_removed": ("triangle", "!", theme.WARNING),
    "not_bagged": ("circle", "↓", theme.WARNING),
    "age_check": ("circle", "18+", theme.DANGER),
    "help": ("circle", "?", theme.WARNING),
    "staff_void": ("circle", "×", theme.SECONDARY),
    "device_fault": ("square", "!", theme.DANGER),
    "payment_problem": ("square", "¥", theme.DANGER),
    "out_of_service": ("square", "×", theme.DANGER),
    "paid": ("circle", "✓", theme.PRIMARY),
    "offer": ("circle", "%", theme.WARNING),
    "card": ("square", "▤", theme.SECONDARY),
    "qr_wallet": ("square", "▦", theme.PRIMARY),
    "member_wallet": ("square", "¥", theme.WARNING),
    "face": ("circle", "◉", theme.SECONDARY),
    "staff": ("circle", "★", theme.BAR),
}


class Icon(Widget):
    name = StringProperty("help")

    def __init__(self, **kwargs: Any) -> None:
        self._symbol = Label(bold=True, color=theme.ON_DARK)
        super().__init__(**kwargs)
        self.add_widget(self._symbol)
        self.bind(pos=self._draw, size=self._draw, name=self._draw)
        self._draw()

    def _draw(self, *_args: Any) -> None:
        shape, symbol, colour = ICONS.get(self.name, ICONS["help"])
        side = min(self.width, self.height)
        x = self.x + (self.width - side) / 2
        y = self.y + (self.height - side) / 2
        self.canvas.before.clear()
        with self.canvas.before:
            Color(*colour)
            if shape == "triangle":
                Triangle(points=[x, y, x + side, y, x + side / 2, y + side * 0.92])
            elif shape == "circle":
                Ellipse(pos=(x, y), size=(side, side))
            else:
                RoundedRectangle(pos=(x, y), size=(side, side), radius=[side * 0.12])
        self._symbol.text = symbol
        self._symbol.font_size = side * (0.28 if len(symbol) > 1 else 0.45)
        lift = side * 0.12 if shape == "triangle" else 0
        self._symbol.size = (side, side)
        self._symbol.pos = (x, y - side * 0.02 - (0 if not lift else side * 0.08))
