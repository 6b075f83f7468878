"""Keyboard-wedge scanners: telling a scanner's burst of keys from a person typing."""

from __future__ import annotations

from dataclasses import dataclass

from devices.scanners.aim import split_aim
from devices.scanners.base import UNKNOWN, UPCA, ScanRecord
from devices.scanners.config import WedgeConfig

ENTER = frozenset({"\r", "\n"})


@dataclass(frozen=True)
class KeyEvent:
    char: str
    at: float  # seconds (time.monotonic() of the key press)


class WedgeDecoder:
    """Feed it every key with its time; it returns a scan record when a fast burst ends in
    Enter. A pause longer than `max_key_gap_s` restarts the burst, so typed text (and an Enter
    pressed by a person) never becomes a scan. Pure: no clock, no threads."""

    def __init__(self, config: WedgeConfig | None = None) -> None:
        self.config = config or WedgeConfig()
        self._chars: list[str] = []
        self._last_at: float | None = None

    def feed(self, char: str, at: float) -> ScanRecord | None:
        cfg = self.config
        in_burst = self._last_at is not None and at - self._last_at <= cfg.max_key_gap_s
        if not in_burst:
            self._chars.clear()
        self._last_at = at
        if char in ENTER:
            record = self._finish(at) if in_burst else None
            self._chars.clear()
            self._last_at = None
            return record
        if len(char) != 1 or (not char.isprintable() and char != "\x1d"):
            self._chars.clear()  # arrows, function keys: not part of any code
            return None
        self._chars.append(char)
        if len(self._chars) > cfg.max_length:
            self._chars.clear()
        return None

    def feed_all(self, keys: list[KeyEvent]) -> list[ScanRecord]:
        return [r for k in keys if (r := self.feed(k.char, k.at)) is not None]

    def _finish(self, at: float) -> ScanRecord | None:
        text = "".join(self._chars)
        if len(text) < self.config.min_length:
            return None
        symbology = UNKNOWN
        if self.config.aim_prefix:
            ident, symbology, body = split_aim(text)
            if ident:
                text = body[1:] if symbology == UPCA and len(body) == 13 else body
            if not text:
                return None
        return ScanRecord(text, symbology, "wedge", at)
