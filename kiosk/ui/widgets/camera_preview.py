"""The live camera picture, with the boxes of what was just read drawn over it.

Frames come from a PreviewFeed that the camera worker fills on its own thread; this widget
looks at the feed once per drawn frame, uploads a frame only when it is new, and draws boxes
published in the last `hold_s` seconds.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, InstructionGroup, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.feeds import Box, BoxKind, Frame, PreviewFeed


class CameraPreview(Widget):
    feed: PreviewFeed | None = ObjectProperty(None, allownone=True)
    hold_s = NumericProperty(1.2)
    placeholder = StringProperty("")
    frames_shown = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._texture: Texture | None = None
        self._seq = -1
        self._frame_size = (0, 0)
        self._boxes: tuple[Box, ...] = ()
        self._event: Any = None
        self._label_cache: dict[str, Texture] = {}
        with self.canvas:
            Color(0.08, 0.09, 0.1, 1)
            self._bg = Rectangle()
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
        self._overlay = InstructionGroup()
        self.canvas.after.add(self._overlay)
        self._note = Label(color=(0.85, 0.87, 0.9, 1), halign="center", valign="middle")
        self.add_widget(self._note)
        self.bind(pos=self._layout, size=self._layout, placeholder=self._layout)

    @property
    def boxes_shown(self) -> tuple[Box, ...]:
        return self._boxes

    def start(self) -> None:
        if self._event is None:
            self._event = Clock.schedule_interval(self._poll, 0)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _poll(self, _dt: float) -> None:
        feed = self.feed
        if feed is None:
            return
        frame = feed.latest()
        if frame is not None and frame.seq != self._seq:
            self._show(frame)
        boxes = feed.boxes(self.hold_s) if frame is not None else ()
        if boxes != self._boxes:
            self._boxes = boxes
            self._draw_boxes()

    def _show(self, frame: Frame) -> None:
        size = frame.size
        if self._texture is None or self._texture.size != size:
            self._texture = Texture.create(size=size, colorfmt="rgb")
            self._texture.flip_vertical()  # frames are top row first, GL is bottom row first
            self._picture.texture = self._texture
            self._frame_size = size
            self._layout()
        self._texture.blit_buffer(
            frame.pixels.reshape(-1), colorfmt=frame.fmt.value, bufferfmt="ubyte"
        )
        self._seq = frame.seq
        self.frames_shown += 1
        self.canvas.ask_update()

    def _fit(self) -> tuple[float, float, float]:
        """Scale and offset that show the whole frame inside the widget (letterboxed)."""
        fw, fh = self._frame_size
        if not fw or not fh:
            return 0.0, self.x, self.y
        scale = min(self.width / fw, self.height / fh)
        return (
            scale,
            self.x + (self.width - fw * scale) / 2,
            self.y + (self.height - fh * scale) / 2,
        )

    def _layout(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        scale, ox, oy = self._fit()
        fw, fh = self._frame_size
        self._picture.pos, self._picture.size = (ox, oy), (fw * scale, fh * scale)
        self._note.pos, self._note.size = self.pos, self.size
        self._note.text_size = self.size
        self._note.font_size = max(14, self.height * 0.07)
        self._note.text = "" if self._texture is not None else self.placeholder
        self._draw_boxes()

    def _label_texture(self, text: str, font_size: float) -> Texture:
        key = f"{font_size:.0f}:{text}"
        if key not in self._label_cache:
            label = CoreLabel(text=text, font_size=font_size, bold=True)
            label.refresh()
            self._label_cache = dict(list(self._label_cache.items())[-32:])
            self._label_cache[key] = label.texture
        return self._label_cache[key]

    def _draw_boxes(self) -> None:
        self._overlay.clear()
        scale, ox, oy = self._fit()
        if not scale:
            return
        fh = self._frame_size[1]
        for box in self._boxes:
            colour = theme.BOX_FACE if box.kind == BoxKind.FACE else theme.BOX_BARCODE
            x, y = ox + box.x * scale, oy + (fh - box.y - box.h) * scale
            w, h = box.w * scale, box.h * scale
            self._overlay.add(Color(*colour))
            self._overlay.add(Line(rectangle=(x, y, w, h), width=3))
            if box.label:
                texture = self._label_texture(box.label, max(12.0, self.height * 0.05))
                tw, th = texture.size
                ty = min(y + h + 4, self.top - th)
                self._overlay.add(Color(0, 0, 0, 0.6))
                self._overlay.add(Rectangle(pos=(x, ty), size=(tw + 8, th)))
                self._overlay.add(Color(*colour))
                self._overlay.add(Rectangle(texture=texture, pos=(x + 4, ty), size=(tw, th)))
