"""Byte streams to frames: the framed protocol with resynchronisation, and plain-grams boards."""

from __future__ import annotations

import re
from collections.abc import Callable

from devices.link import Decoder, Rejected
from devices.weighing.frames import (
    GRAMS_LIMIT,
    MAX_FRAME,
    Flags,
    Frame,
    FrameError,
    Sample,
    Unit,
    parse_frame,
)

Decoded = Frame | Rejected


class FramedDecoder:
    """`$...*CRC` lines. Garbage before a `$`, a frame cut short by a new `$`, an over-long
    line or a bad CRC is rejected, and decoding carries on at the next `$`."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Decoded]:
        self._buf += data
        out: list[Decoded] = []
        while self._buf:
            start = self._buf.find(b"$")
            if start < 0:
                out.append(Rejected("garbage without a frame start", bytes(self._buf)))
                self._buf.clear()
                break
            if start > 0:
                junk = bytes(self._buf[:start]).strip(b"\r\n")
                if junk:
                    out.append(Rejected("garbage before a frame start", junk))
                del self._buf[:start]
            end = self._buf.find(b"\n")
            again = self._buf.find(b"$", 1)
            if again >= 0 and (end < 0 or again < end):
                out.append(Rejected("frame cut short by a new '$'", bytes(self._buf[:again])))
                del self._buf[:again]
                continue
            if end < 0:
                if len(self._buf) > MAX_FRAME:
                    out.append(Rejected("line too long", bytes(self._buf)))
                    self._buf.clear()
                break
            line = bytes(self._buf[:end]).rstrip(b"\r")
            del self._buf[: end + 1]
            try:
                out.append(parse_frame(line))
            except FrameError as e:
                out.append(Rejected(str(e), line))
        return out


# "123.4", "-5 g", "1.250 kg", and indicator lines such as "ST,GS,+  123.4 g" or "OL,GS,...".
_PLAIN = re.compile(
    r"(?:(?P<status>ST|US|OL),(?:GS|NT|TR),)?\s*(?P<value>[+-]?\s*\d{1,8}(?:\.\d{1,4})?)"
    r"\s*(?P<unit>g|kg)?",
    re.IGNORECASE,
)


class PlainGramsDecoder:
    """Boards and indicators that print one weight per line, with no CRC or sequence number.

    A status prefix (ST stable, US unstable, OL overload) is kept as flags; without one the
    host's own stability test is all there is.
    """

    def __init__(self, board: str, channel: int = 0) -> None:
        self.board = board
        self.channel = channel
        self._buf = bytearray()

    def _parse(self, line: bytes) -> Decoded:
        try:
            text = line.decode("ascii").strip()
        except UnicodeDecodeError:
            return Rejected("non-ASCII bytes in a plain weight line", line)
        match = _PLAIN.fullmatch(text)
        if match is None:
            return Rejected("not a weight line", line)
        grams = float(match["value"].replace(" ", ""))
        if (match["unit"] or "g").lower() == "kg":
            grams *= 1000
        if abs(grams) > GRAMS_LIMIT:
            return Rejected("weight beyond any load cell", line)
        status = (match["status"] or "").upper()
        flags = {"ST": Flags.STABLE, "OL": Flags.OVERLOAD}.get(status, Flags.NONE)
        return Sample(self.board, self.channel, None, Unit.GRAMS, grams, flags)

    def feed(self, data: bytes) -> list[Decoded]:
        self._buf += data
        out: list[Decoded] = []
        while (end := self._buf.find(b"\n")) >= 0:
            line = bytes(self._buf[:end]).strip()
            del self._buf[: end + 1]
            if line:
                out.append(self._parse(line))
        if len(self._buf) > MAX_FRAME:
            out.append(Rejected("line too long", bytes(self._buf)))
            self._buf.clear()
        return out


def framed(board: str) -> Decoder[Frame]:
    """The framed protocol names its own boards; `board` is unused."""
    return FramedDecoder()


def plain(board: str) -> Decoder[Frame]:
    return PlainGramsDecoder(board)


DECODERS: dict[str, Callable[[str], Decoder[Frame]]] = {"framed": framed, "plain": plain}
