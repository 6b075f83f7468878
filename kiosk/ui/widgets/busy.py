"""A turning arc that says "working on it" without words."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Line
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.widget import Widget

from kiosk.ui import theme


class BusyIndicator(Widget):
    active = BooleanProperty(False)
    angle = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._event: Any = None
        with self.canvas:
            Color(*theme.SECONDARY)
            self._arc = Line(width=6, cap="round")
        self.bind(pos=self._draw, size=self._draw, angle=self._draw)

    def on_active(self, _widget: Any, active: bool) -> None:
        if active and self._event is None:
            self._event = Clock.schedule_interval(self._turn, 1 / 30)
        elif not active and self._event is not None:
            self._event.cancel()
            self._event = None

    def _turn(self, dt: float) -> None:
        self.angle = (self.angle + 300 * dt) % 360

    def _draw(self, *_args: Any) -> None:
        side = min(self.width, self.height) - 12
        cx, cy = self.center
        self._arc.ellipse = (cx - side / 2, cy - side / 2, side, side, self.angle, self.angle + 270)
