"""A serial link in its own thread: exclusive open, decoding, state events, reconnecting."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import serial
from pydantic import BaseModel, ConfigDict, Field

from devices.state import DeviceState, DeviceStateChanged

logger = logging.getLogger(__name__)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
REPORT_EVERY_S = 10.0  # how often a flood of bad input is summarised in the log


@dataclass(frozen=True)
class Rejected:
    """Bytes that did not make a frame, and why. Never carries a reading."""

    reason: str
    raw: bytes


class Decoder(Protocol[T_co]):
    def feed(self, data: bytes) -> Sequence[T_co | Rejected]:
        """Everything the new bytes complete; partial input is kept for the next call."""
        ...


class LinkSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    port: str = Field(min_length=1, description="device path, e.g. /dev/ttyUSB0 or a udev link")
    baudrate: int = Field(default=115200, ge=1200, le=4_000_000, description="bits per second")
    read_timeout_s: float = Field(default=0.05, gt=0, le=2, description="longest blocking read")
    silence_s: float = Field(
        default=2.0, gt=0, le=60, description="no valid frame this long: the device is at fault"
    )
    reconnect_initial_s: float = Field(default=0.2, gt=0, le=10, description="first retry delay")
    reconnect_max_s: float = Field(default=5.0, gt=0, le=300, description="longest retry delay")


@dataclass
class LinkStats:
    frames: int = 0
    rejected: int = 0
    bytes: int = 0
    connects: int = 0
    last_rejection: str = ""


class SerialLink(Generic[T]):
    """Reads `settings.port` in a worker thread and hands every decoded frame to `on_frame`.

    State changes go to `on_state`: OFFLINE while the port cannot be opened or read, ONLINE
    from the first valid frame, FAULT when the port is open but nothing valid arrives for
    `silence_s`. Callbacks run in the worker thread; an exception in one is logged, not fatal.
    """

    def __init__(
        self,
        name: str,
        settings: LinkSettings,
        decoder: Callable[[], Decoder[T]],
        on_frame: Callable[[T, float], None],
        on_state: Callable[[DeviceStateChanged], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.settings = settings
        self._decoder = decoder
        self._on_frame = on_frame
        self._on_state = on_state
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: DeviceState | None = None
        self.stats = LinkStats()
        self._reported_at = 0.0
        self._reported_rejected = 0

    @property
    def state(self) -> DeviceState | None:
        return self._state

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"link {self.name} already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"link-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _set_state(self, state: DeviceState, detail: str) -> None:
        if state == self._state:
            return
        self._state = state
        log = logger.info if state == DeviceState.ONLINE else logger.warning
        log("%s is %s: %s", self.name, state.value, detail)
        self._safely(self._on_state, DeviceStateChanged(self.name, state, detail, self._clock()))

    def _safely(self, fn: Callable[..., None], *args: object) -> None:
        try:
            fn(*args)
        except Exception:
            logger.exception("%s: event handler failed; the link carries on", self.name)

    def _open(self) -> serial.Serial:
        port = serial.Serial(
            self.settings.port,
            self.settings.baudrate,
            timeout=self.settings.read_timeout_s,
            exclusive=True,
        )
        # Whatever the kernel buffered while nobody listened is stale.
        port.reset_input_buffer()
        return port

    def _run(self) -> None:
        delay = self.settings.reconnect_initial_s
        while not self._stop.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError, ValueError) as e:
                self._set_state(DeviceState.OFFLINE, f"cannot open {self.settings.port}: {e}")
                self._stop.wait(delay)
                delay = min(delay * 2, self.settings.reconnect_max_s)
                continue
            self.stats.connects += 1
            logger.debug("%s: opened %s", self.name, self.settings.port)
            try:
                if self._pump(port):
                    delay = self.settings.reconnect_initial_s
            except (serial.SerialException, OSError) as e:
                self._set_state(DeviceState.OFFLINE, f"read from {self.settings.port} failed: {e}")
            finally:
                port.close()
            self._stop.wait(delay)

    def _pump(self, port: serial.Serial) -> bool:
        """Read until stopped or the port fails; True when valid frames arrived."""
        decoder = self._decoder()
        opened = last_valid = self._clock()
        got_any = False
        rejected_mark = self.stats.rejected
        while not self._stop.is_set():
            data = port.read(max(1, port.in_waiting))
            now = self._clock()
            if data:
                self.stats.bytes += len(data)
                for item in decoder.feed(data):
                    if isinstance(item, Rejected):
                        self._reject(item, now)
                        continue
                    self.stats.frames += 1
                    last_valid, got_any = now, True
                    rejected_mark = self.stats.rejected
                    self._set_state(DeviceState.ONLINE, f"receiving on {self.settings.port}")
                    self._safely(self._on_frame, item, now)
            if now - last_valid > self.settings.silence_s:
                what = (
                    f"only rejected input ({self.stats.last_rejection})"
                    if self.stats.rejected > rejected_mark
                    else "no data"
                )
                since = "opening" if not got_any else "the last valid frame"
                self._set_state(
                    DeviceState.FAULT,
                    f"{what} for {now - last_valid:.1f} s since {since}"
                    f" ({now - opened:.1f} s open)",
                )
        return got_any

    def _reject(self, item: Rejected, now: float) -> None:
        self.stats.rejected += 1
        self.stats.last_rejection = item.reason
        if now - self._reported_at >= REPORT_EVERY_S:
            count = self.stats.rejected - self._reported_rejected
            logger.warning(
                "%s: %d bad frame(s) since the last report, latest: %s (%r)",
                self.name,
                count,
                item.reason,
                item.raw[:40],
            )
            self._reported_at = now
            self._reported_rejected = self.stats.rejected
