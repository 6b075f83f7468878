"""Line framing of scanner output: CR, LF or CRLF ends a code; garbage is dropped, then resync."""

from __future__ import annotations

import logging

from devices.scanners.aim import split_aim
from devices.scanners.base import UNKNOWN, UPCA

logger = logging.getLogger(__name__)

_TERMINATORS = b"\r\n"
_GS = "\x1d"  # GS1 group separator: the one control character a code may carry


class LineFramer:
    """Bytes in, complete lines out. A line longer than `max_length`, or one with bytes that are
    not text, is dropped (counted in `garbage`) and reading resumes at the next terminator; a
    partial line left unfinished for `line_timeout_s` is dropped too."""

    def __init__(self, max_length: int = 512, line_timeout_s: float = 0.5) -> None:
        self.max_length = max_length
        self.line_timeout_s = line_timeout_s
        self._buffer = bytearray()
        self._started = 0.0
        self._skipping = False  # inside an over-long line: drop until the next terminator
        self.garbage = 0

    def feed(self, data: bytes, now: float) -> list[bytes]:
        if self._buffer and now - self._started > self.line_timeout_s:
            self._drop("unterminated line timed out")
        lines = []
        for byte in data:
            if byte in _TERMINATORS:
                if self._buffer and not self._skipping:
                    lines.append(bytes(self._buffer))
                self._buffer.clear()
                self._skipping = False
                continue
            if self._skipping:
                continue
            if not self._buffer:
                self._started = now
            self._buffer.append(byte)
            if len(self._buffer) > self.max_length:
                self._drop(f"line longer than {self.max_length} bytes")
                self._skipping = True
        return lines

    def _drop(self, why: str) -> None:
        self.garbage += 1
        logger.debug("scanner framing: dropped %d bytes (%s)", len(self._buffer), why)
        self._buffer.clear()


def parse_line(line: bytes, encoding: str, aim_prefix: bool) -> tuple[str, str] | None:
    """(text, symbology) of one line, or None when it is not a code (bad bytes, controls)."""
    try:
        text = line.decode(encoding)
    except UnicodeDecodeError:
        return None
    text = text.strip(" \t")
    if not text or any(not ch.isprintable() and ch != _GS for ch in text):
        return None
    if not aim_prefix:
        return text, UNKNOWN
    ident, symbology, body = split_aim(text)
    if not ident or not body:
        return None if ident else (text, UNKNOWN)
    if symbology == UPCA and len(body) == 13:
        body = body[1:]
    return body, symbology
