"""A keyboard-wedge barcode scanner types the code and Enter faster than any person."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_GAP_S = 0.1  # a scanner types a character every few ms; people are much slower
MIN_LENGTH = 6


@dataclass
class WedgeBuffer:
    """Characters typed in one quick burst; Enter ends a code."""

    chars: list[str] = field(default_factory=list)
    last_at: float = -1.0

    def feed(self, char: str, at: float) -> None:
        if self.chars and at - self.last_at > MAX_GAP_S:
            self.chars.clear()  # too slow for a scanner: a person pressing keys
        self.chars.append(char)
        self.last_at = at

    def enter(self, at: float) -> str | None:
        code = "".join(self.chars)
        quick = at - self.last_at <= MAX_GAP_S
        self.chars.clear()
        return code if quick and len(code) >= MIN_LENGTH else None
