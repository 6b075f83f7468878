"""One item held in view is added once; shown again after it left the view, it is added again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vision.barcodes.config import DebounceConfig


@dataclass
class _Seen:
    last_at: float
    last_frame: int


class Debouncer:
    """Feed it the codes seen in every frame (also frames with none); it returns the codes that
    count as new. A code counts again only after it was absent for `absent_s` seconds AND
    `absent_frames` frames, so a missed decode or two while it is held is not a second item."""

    def __init__(self, config: DebounceConfig | None = None) -> None:
        self.config = config or DebounceConfig()
        self._in_view: dict[str, _Seen] = {}

    def update(self, keys: Iterable[str], at: float, frame: int) -> list[str]:
        """Codes (normalised keys) seen in `frame`, captured at `at`; returns the new ones."""
        new = []
        for key in dict.fromkeys(keys):
            if key not in self._in_view:
                new.append(key)
            self._in_view[key] = _Seen(at, frame)
        cfg = self.config
        for key, seen in list(self._in_view.items()):
            gone_s = at - seen.last_at
            gone_frames = frame - seen.last_frame
            if gone_s >= cfg.absent_s and gone_frames >= cfg.absent_frames:
                del self._in_view[key]
        return new

    def in_view(self) -> tuple[str, ...]:
        return tuple(self._in_view)

    def reset(self) -> None:
        self._in_view.clear()
