"""Load-cell wire frames (see devices/PROTOCOL.md): the types, encoding and strict parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag, StrEnum

from devices.crc import crc16_ccitt_false

MAX_FRAME = 80  # bytes from "$" to "\n" inclusive; anything longer is garbage
MAX_CHANNEL = 15
MAX_SEQ = 0xFFFF
COUNTS_MIN, COUNTS_MAX = -(2**23), 2**23 - 1  # the HX711's 24-bit two's complement range
GRAMS_LIMIT = 10_000_000  # 10 t: no load cell we speak to reads more

_BOARD = r"[A-Za-z0-9_-]{1,8}"
_SAMPLE = re.compile(
    rf"W,(?P<board>{_BOARD}),(?P<channel>\d{{1,2}}),(?P<seq>\d{{1,5}}),(?P<unit>[cg]),"
    r"(?P<value>-?\d{1,8}(?:\.\d{1,3})?),(?P<flags>[0-9A-F]{2})"
)
_INFO = re.compile(
    rf"I,(?P<board>{_BOARD}),(?P<firmware>[A-Za-z0-9._-]{{1,16}}),"
    r"(?P<channels>\d{1,2}),(?P<sps>\d{1,3})"
)


class FrameError(ValueError):
    """A line that is not a valid frame; the message names what is wrong."""


class Unit(StrEnum):
    COUNTS = "c"  # raw ADC counts; the host calibrates
    GRAMS = "g"  # the board calibrated itself


class Flags(IntFlag):
    NONE = 0
    STABLE = 0x01  # advisory: the board's own stability test passed
    OVERLOAD = 0x02  # above the cell's capacity or the ADC's range
    UNDERLOAD = 0x04  # well below zero: plate lifted or cell pulled the wrong way
    FAULT = 0x08  # the ADC did not answer; the value means nothing

    @property
    def invalid(self) -> bool:
        """A reading that must never be taken as a weight."""
        return bool(self & (Flags.OVERLOAD | Flags.UNDERLOAD | Flags.FAULT))


KNOWN_FLAGS = Flags.STABLE | Flags.OVERLOAD | Flags.UNDERLOAD | Flags.FAULT


@dataclass(frozen=True)
class Sample:
    """One reading of one channel (plate) of one board."""

    board: str
    channel: int
    seq: int | None  # None for boards that send no sequence numbers
    unit: Unit
    value: float
    flags: Flags


@dataclass(frozen=True)
class BoardInfo:
    """What a board says about itself at start and every few seconds."""

    board: str
    firmware: str
    channels: int
    sps: int


Frame = Sample | BoardInfo


def crc_text(body: str) -> str:
    return f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def _frame(body: str) -> bytes:
    return f"${body}*{crc_text(body)}\r\n".encode("ascii")


def format_value(unit: Unit, value: float) -> str:
    if unit == Unit.COUNTS:
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def encode_sample(sample: Sample) -> bytes:
    if sample.seq is None:
        raise FrameError("a framed sample needs a sequence number")
    value = format_value(sample.unit, sample.value)
    body = (
        f"W,{sample.board},{sample.channel},{sample.seq},{sample.unit.value},{value},"
        f"{int(sample.flags):02X}"
    )
    return _frame(body)


def encode_info(info: BoardInfo) -> bytes:
    return _frame(f"I,{info.board},{info.firmware},{info.channels},{info.sps}")


def _sample_from(match: re.Match[str]) -> Sample:
    channel, seq = int(match["channel"]), int(match["seq"])
    unit = Unit(match["unit"])
    text = match["value"]
    if channel > MAX_CHANNEL:
        raise FrameError(f"channel {channel} is above {MAX_CHANNEL}")
    if seq > MAX_SEQ:
        raise FrameError(f"sequence number {seq} is above {MAX_SEQ}")
    if unit == Unit.COUNTS:
        if "." in text:
            raise FrameError("raw counts must be a whole number")
        value = float(int(text))
        if not COUNTS_MIN <= value <= COUNTS_MAX:
            raise FrameError(f"{text} counts is outside the 24-bit range")
    else:
        value = float(text)
        if abs(value) > GRAMS_LIMIT:
            raise FrameError(f"{text} g is beyond any load cell")
    flags = int(match["flags"], 16)
    if flags & ~int(KNOWN_FLAGS):
        raise FrameError(f"unknown flag bits {flags & ~int(KNOWN_FLAGS):#04x}")
    return Sample(match["board"], channel, seq, unit, value, Flags(flags))


def parse_frame(line: bytes) -> Frame:
    """One line from "$" up to (not including) the line end; raises FrameError when bad."""
    if len(line) > MAX_FRAME:
        raise FrameError(f"frame of {len(line)} bytes is longer than {MAX_FRAME}")
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError("frame has non-ASCII bytes") from None
    if not text.startswith("$"):
        raise FrameError("frame does not start with '$'")
    body, star, crc = text[1:].rpartition("*")
    if not star:
        raise FrameError("frame has no '*' before its CRC")
    if not re.fullmatch(r"[0-9A-F]{4}", crc):
        raise FrameError(f"CRC field {crc!r} is not four upper-case hex digits")
    expected = crc_text(body)
    if crc != expected:
        raise FrameError(f"CRC mismatch: frame says {crc}, body gives {expected}")
    if match := _SAMPLE.fullmatch(body):
        return _sample_from(match)
    if match := _INFO.fullmatch(body):
        return BoardInfo(
            match["board"], match["firmware"], int(match["channels"]), int(match["sps"])
        )
    raise FrameError(f"unknown or malformed frame body {body[:24]!r}")
