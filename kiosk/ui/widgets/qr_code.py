"""A QR code drawn from its text (payment order, e-receipt link), crisp at any size."""

from __future__ import annotations

from typing import Any

import numpy as np
import qrcode
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget


def qr_modules(data: str, border: int = 2) -> np.ndarray:
    """The QR code as a square array of booleans (True = dark), quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return np.array(code.get_matrix(), dtype=bool)


class QrCode(Widget):
    data = StringProperty("")
    modules = NumericProperty(0)  # modules per side, quiet zone included (0: nothing drawn)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._rect = Rectangle()
        self.bind(pos=self._layout, size=self._layout, data=self._render)
        self._render()

    def _render(self, *_args: Any) -> None:
        if not self.data:
            self._rect.texture = None
            self.modules = 0
            self._layout()
            return
        dark = qr_modules(self.data)
        n = dark.shape[0]
        rgba = np.where(dark[:, :, None], 0, 255).astype(np.uint8).repeat(4, axis=2)
        rgba[:, :, 3] = 255
        texture = Texture.create(size=(n, n), colorfmt="rgba")
        texture.mag_filter = "nearest"  # sharp module edges when scaled up
        texture.min_filter = "nearest"
        texture.blit_buffer(rgba.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
        texture.flip_vertical()
        self._rect.texture = texture
        self.modules = n
        self._layout()

    def _layout(self, *_args: Any) -> None:
        side = min(self.width, self.height) if self.data else 0
        self._rect.size = (side, side)
        self._rect.pos = (self.center_x - side / 2, self.center_y - side / 2)
