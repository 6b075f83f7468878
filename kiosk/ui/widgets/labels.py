"""Text and buttons whose size follows the app's text scale (large-text mode)."""

from __future__ import annotations

from kivy.properties import ColorProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label

from kiosk.ui import theme


class KLabel(Label):
    """A label filling its box; `base_size` is the font size at normal text scale."""

    base_size = NumericProperty(22)


class WrapLabel(Label):
    """A label as tall as its wrapped text."""

    base_size = NumericProperty(22)


class KButton(ButtonBehavior, Label):
    base_size = NumericProperty(22)
    bg = ColorProperty(theme.SECONDARY)
    fg = ColorProperty(theme.ON_DARK)
