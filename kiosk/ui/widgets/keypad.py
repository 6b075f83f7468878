"""A digits keypad for PINs and confirmation codes (touch screens have no keyboard)."""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.ui import theme
from kiosk.ui.widgets.labels import KButton

CLEAR, BACK = "C", "←"


class Keypad(GridLayout):
    value = StringProperty("")
    max_length = NumericProperty(12)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cols", 3)
        super().__init__(**kwargs)
        self.keys: dict[str, KButton] = {}
        for label in ("1", "2", "3", "4", "5", "6", "7", "8", "9", CLEAR, "0", BACK):
            button = KButton(text=label, base_size=30, bg=theme.PANEL, fg=theme.TEXT)
            if label in (CLEAR, BACK):
                button.bg = theme.LINE
            button.bind(on_release=self._pressed)
            self.keys[label] = button
            self.add_widget(button)

    def _pressed(self, button: KButton) -> None:
        if button.text == CLEAR:
            self.value = ""
        elif button.text == BACK:
            self.value = self.value[:-1]
        elif len(self.value) < self.max_length:
            self.value += button.text
