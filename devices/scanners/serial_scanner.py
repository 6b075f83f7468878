"""A barcode scanner on a serial port: a reader thread, framing, unplug detection, reconnect."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from devices.scanners.base import ScannerEvent, ScannerState, ScanRecord
from devices.scanners.config import SerialScannerConfig
from devices.scanners.framing import LineFramer, parse_line

logger = logging.getLogger(__name__)

SerialFactory = Callable[..., Any]


class SerialScanner:
    """Reads codes from `config.port` on its own thread and calls `on_scan` for each.

    A missing or failing port turns the scanner FAULT (one event with the reason) and it is
    reopened with exponential backoff; codes resume after the scanner is plugged back in.
    """

    def __init__(
        self,
        config: SerialScannerConfig,
        *,
        on_scan: Callable[[ScanRecord], None],
        on_event: Callable[[ScannerEvent], None] | None = None,
        serial_factory: SerialFactory = serial.Serial,
    ) -> None:
        self.config = config
        self.on_scan = on_scan
        self.on_event = on_event
        self._factory = serial_factory
        self._state = ScannerState.CLOSED
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.framer = LineFramer(config.max_length, config.line_timeout_s)
        self.rejected = 0  # lines that were not codes
        self.reconnects = 0

    @property
    def state(self) -> ScannerState:
        return self._state

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="serial-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None
        self._set_state(ScannerState.CLOSED, "stopped")

    def _run(self) -> None:
        backoff = self.config.reconnect_initial_s
        while not self._stop.is_set():
            port = self._open()
            if port is None:
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.config.reconnect_max_s)
                continue
            backoff = self.config.reconnect_initial_s
            try:
                self._read_until_failure(port)
            finally:
                port.close()

    def _open(self) -> Any:
        try:
            port = self._factory(self.config.port, self.config.baudrate, timeout=0.1)
        except (serial.SerialException, OSError) as e:
            self._set_state(ScannerState.FAULT, f"cannot open {self.config.port}: {e}")
            return None
        if self._state == ScannerState.FAULT:
            self.reconnects += 1
        self._set_state(ScannerState.CONNECTED, self.config.port)
        return port

    def _read_until_failure(self, port: Any) -> None:
        while not self._stop.is_set():
            try:
                data = port.read(256)
            except (serial.SerialException, OSError) as e:
                self._set_state(ScannerState.FAULT, f"{self.config.port} failed: {e}")
                return
            for line in self.framer.feed(data, time.monotonic()):
                self._emit(line)

    def _emit(self, line: bytes) -> None:
        cfg = self.config
        parsed = parse_line(line, cfg.encoding, cfg.aim_prefix)
        if parsed is None:
            self.rejected += 1
            logger.debug("serial scanner: ignored line %r", line[:40])
            return
        text, symbology = parsed
        self.on_scan(ScanRecord(text, symbology, "serial", time.monotonic()))

    def _set_state(self, state: ScannerState, detail: str) -> None:
        if state == self._state:
            return
        self._state = state
        log = logger.warning if state == ScannerState.FAULT else logger.info
        log("serial scanner %s: %s (%s)", self.config.port, state.value, detail)
        if self.on_event is not None:
            self.on_event(ScannerEvent("serial", state, detail, time.monotonic()))
