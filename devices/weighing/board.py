"""One load-cell board on one port: samples out, sequence gaps noticed, one state stream."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.link import SerialLink
from devices.state import DeviceState, DeviceStateChanged
from devices.weighing.config import SerialBoard
from devices.weighing.decoders import DECODERS
from devices.weighing.events import SequenceGap
from devices.weighing.frames import BoardInfo, Flags, Frame, Sample, Unit

logger = logging.getLogger(__name__)

BoardEvent = DeviceStateChanged | SequenceGap


class BoardReader:
    """Reads a board in a worker thread and hands each valid sample to `on_sample`.

    The state it reports joins the link's (offline, silent) with what the frames say (ADC
    fault) and what its users report with `set_problem` (e.g. a plate not calibrated):
    OFFLINE if the port is gone, else FAULT if anything is wrong, else ONLINE.
    """

    def __init__(
        self,
        name: str,
        config: SerialBoard,
        on_sample: Callable[[Sample, float], None],
        on_event: Callable[[BoardEvent], None],
        any_board: bool = False,
        expected_sps: int | None = None,
    ) -> None:
        self.name = name
        self.any_board = any_board  # take frames whatever board id they carry (probing)
        self.expected_sps = expected_sps  # what the filters were sized for
        self.config = config
        self.info: BoardInfo | None = None
        self.gaps = 0
        self.missing = 0
        self._on_sample = on_sample
        self._on_event = on_event
        self._next_seq: int | None = None
        self._link_state = DeviceState.OFFLINE
        self._link_detail = "not started"
        self._problems: dict[str, str] = {}
        self._reported: DeviceState | None = None
        self._lock = threading.Lock()
        decoder = DECODERS[config.protocol]
        self.link = SerialLink[Frame](
            name, config.link, lambda: decoder(config.board), self._frame, self._link_changed
        )

    def start(self) -> None:
        self.link.start()

    def stop(self) -> None:
        self.link.stop()

    @property
    def state(self) -> DeviceState:
        return self._effective()[0]

    def set_problem(self, key: str, detail: str | None, at: float) -> None:
        """Report (detail) or clear (None) a problem that makes the board unusable."""
        with self._lock:
            if detail is None:
                self._problems.pop(key, None)
            else:
                self._problems[key] = detail
        self._report(at)

    def _effective(self) -> tuple[DeviceState, str]:
        if self._link_state != DeviceState.ONLINE:
            return self._link_state, self._link_detail
        if self._problems:
            return DeviceState.FAULT, "; ".join(self._problems.values())
        return DeviceState.ONLINE, self._link_detail

    def _report(self, at: float) -> None:
        with self._lock:
            state, detail = self._effective()
            if state == self._reported:
                return
            self._reported = state
        self._on_event(DeviceStateChanged(self.name, state, detail, at))

    def _link_changed(self, change: DeviceStateChanged) -> None:
        self._link_state, self._link_detail = change.state, change.detail
        if change.state != DeviceState.ONLINE:
            self._next_seq = None  # a new connection starts a new count
        self._report(change.at)

    def _frame(self, frame: Frame, at: float) -> None:
        if isinstance(frame, BoardInfo):
            if frame != self.info:
                logger.info(
                    "%s: board %s firmware %s, %d channel(s) at %d sps",
                    self.name,
                    frame.board,
                    frame.firmware,
                    frame.channels,
                    frame.sps,
                )
            self.info = frame
            return
        if frame.board != self.config.board and not self.any_board:
            self.set_problem(
                "board",
                f"frames from board {frame.board!r}, expected {self.config.board!r} (wrong port?)",
                at,
            )
            return
        self._check_seq(frame, at)
        if frame.flags & Flags.FAULT:
            self.set_problem(f"adc{frame.channel}", f"ADC fault on channel {frame.channel}", at)
            return
        if f"adc{frame.channel}" in self._problems or "board" in self._problems:
            self.set_problem(f"adc{frame.channel}", None, at)
            self.set_problem("board", None, at)
        self._on_sample(frame, at)

    def _check_seq(self, frame: Sample, at: float) -> None:
        if frame.seq is None:
            return
        expected = self._next_seq
        self._next_seq = (frame.seq + 1) & 0xFFFF
        if expected is None or frame.seq == expected:
            return
        missing = (frame.seq - expected) & 0xFFFF
        self.gaps += 1
        self.missing += missing
        logger.warning("%s: %d frame(s) missing before sequence %d", self.name, missing, frame.seq)
        self._on_event(SequenceGap(self.name, frame.board, expected, frame.seq, missing, at))


def collect(
    config: SerialBoard, channel: int, seconds: float, timeout: float = 10.0
) -> tuple[str, Unit, list[float]]:
    """Board id, unit and raw values of one channel for `seconds` (for calibration).

    Raises TimeoutError when the board sends nothing for that channel within `timeout`.
    """
    values: list[float] = []
    units: list[Unit] = []
    boards: list[str] = []
    first = threading.Event()
    done = threading.Event()
    started: list[float] = []

    def on_sample(sample: Sample, at: float) -> None:
        if sample.channel != channel or sample.flags.invalid:
            return
        if not started:
            started.append(at)
            first.set()
        if at - started[0] <= seconds:
            values.append(sample.value)
            units.append(sample.unit)
            boards.append(sample.board)
        else:
            done.set()

    reader = BoardReader(f"calibrate-{config.board}", config, on_sample, _ignore, any_board=True)
    reader.start()
    try:
        if not first.wait(timeout):
            raise TimeoutError(
                f"no valid samples for channel {channel} from {config.link.port} in {timeout:.0f} s"
                f" (link state: {reader.state.value})"
            )
        done.wait(seconds + timeout)
    finally:
        reader.stop()
    return boards[0], units[0], values


def _ignore(event: BoardEvent) -> None:
    pass
