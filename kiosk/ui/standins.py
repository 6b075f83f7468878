"""In-process stand-ins for the devices, camera, face pay and fleet agent not yet wired in.

Each is deliberately thin and says what it is (device status `stand_in=True`, a log line at
start). The lead replaces them with the real workers from devices/, vision/ and fleet/.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace

import numpy as np

from kiosk.checkout import effects as fx
from kiosk.checkout import events as ev
from kiosk.checkout.session import Checkout, Phase
from kiosk.runtime import Runtime
from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.face_pay import FaceFailure, FaceStage, FaceUpdate, LivenessPrompt, UpdateCallback
from kiosk.ui.feeds import Box, BoxKind, PixelFormat, PreviewFeed, ReadingBoard, ScaleReading
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.till_devices import connect_till_devices

logger = logging.getLogger(__name__)
UNKNOWN_ITEM_G = 100  # what the stand-in scale adds for an item of unknown weight


def synthetic_frames(width: int, height: int, count: int) -> list[np.ndarray]:
    """Frames with a gradient and a moving bar: cheap to show, clearly not a camera."""
    x = np.linspace(40, 110, width, dtype=np.float32)
    y = np.linspace(0, 40, height, dtype=np.float32)[:, None]
    base = np.clip(x[None, :] + y, 0, 255).astype(np.uint8)
    frames = []
    for i in range(count):
        frame = np.repeat(base[:, :, None], 3, axis=2)
        left = (i * width // max(count, 1)) % width
        frame[:, left : left + width // 16, :] = (90, 140, 60)
        frames.append(frame)
    return frames


class SyntheticCamera:
    """Publishes synthetic BGR frames into a feed at a steady rate (stand-in and benchmark)."""

    def __init__(
        self, feed: PreviewFeed, *, size: tuple[int, int] = (1280, 720), fps: float = 30.0
    ) -> None:
        self.feed = feed
        self.fps = fps
        self.frames = synthetic_frames(size[0], size[1], 8)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="synthetic-camera", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        due = time.monotonic()
        index = 0
        while not self._stop.is_set():
            self.feed.publish_frame(self.frames[index % len(self.frames)], PixelFormat.BGR)
            index += 1
            due += 1.0 / self.fps  # read each time: the rate may be changed while running
            self._stop.wait(max(0.0, due - time.monotonic()))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None


class StandInBaggingScale:
    """Puts what was scanned in the bag `delay_s` later with exactly its expected weight (and
    takes voided items out), then empties the bag when the shopper leaves. Stands in for
    devices' bagging scale."""

    def __init__(self, runtime: Runtime, board: DeviceBoard, *, delay_s: float = 1.0) -> None:
        self.runtime = runtime
        self.board = board
        self.delay_s = delay_s
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._target: int | None = None
        self._shopping = False

    def start(self) -> None:
        logger.info("bagging scale: in-process stand-in (follows the cart, no real weighing)")
        self.runtime.subscribe(self._on_step)
        self.board.report(
            DeviceStatus(names.BAGGING_SCALE, DeviceState.OK, detail="stand-in", stand_in=True)
        )
        self._send(0)

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()

    def _send(self, grams: int) -> None:
        self.runtime.post(ev.WeightChanged(at=self.runtime.clock(), grams=grams, stable=True))

    def _settle_at(self, grams: int) -> None:
        """One reading after `delay_s`; a newer target replaces a pending one (bursts)."""
        with self._lock:
            if grams == self._target and self._timer is not None and self._timer.is_alive():
                return  # already on its way (steps without news, such as ticks)
            self._target = grams
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay_s, self._send, (max(0, grams),))
            self._timer.daemon = True
            self._timer.start()

    def _on_step(self, state: Checkout, effects: tuple[fx.Effect, ...]) -> None:
        if state.phase == Phase.IDLE:
            if self._shopping:
                self._shopping = False
                self._settle_at(0)  # the shopper takes the bags
            return
        self._shopping = True
        bag = state.bag
        if not (bag.pending or bag.removals) or bag.settled_g is None:
            return
        placed = sum(e.weight_g if e.weight_g is not None else UNKNOWN_ITEM_G for e in bag.pending)
        taken = sum(e.weight_g or 0 for e in bag.removals)
        self._settle_at(bag.settled_g + placed - taken)


class StandInProduceScale:
    """Always reads a steady `grams`: stands in for devices' produce scale."""

    def __init__(self, board: ReadingBoard, devices: DeviceBoard, *, grams: int = 500) -> None:
        self.board = board
        self.devices = devices
        self.grams = grams
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        logger.info("produce scale: in-process stand-in, always %d g", self.grams)
        self.devices.report(
            DeviceStatus(
                names.PRODUCE_SCALE,
                DeviceState.OK,
                detail=f"stand-in: always {self.grams} g",
                stand_in=True,
            )
        )
        self._thread = threading.Thread(target=self._run, name="produce-scale", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.board.publish(ScaleReading(self.grams, stable=True, at=time.monotonic()))
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()


class UnavailableFacePay:
    """No face engine wired: the face-pay button says so."""

    available = False

    def start(self, on_update: UpdateCallback) -> None:
        on_update(FaceUpdate(FaceStage.FAILED, reason=FaceFailure.UNAVAILABLE))

    def submit_digits(self, digits: str) -> None:
        pass

    def cancel(self) -> None:
        pass


class ScriptedFacePay:
    """Face pay moved on by hand (tests, the demo's "show a face" button). It recognises
    nobody by itself: `show_face` says who is in front of the camera."""

    available = True

    def __init__(self, feed: PreviewFeed | None = None) -> None:
        self.feed = feed
        self._enrolled: dict[str, tuple[str, int, str]] = {}
        self._on_update: UpdateCallback | None = None
        self._current = ""
        self._box: Box | None = None

    def enrol(self, member_id: str, display_name: str, points: int, digits: str) -> None:
        self._enrolled[member_id] = (display_name, points, digits)

    @property
    def running(self) -> bool:
        return self._on_update is not None

    def start(self, on_update: UpdateCallback) -> None:
        self._on_update = on_update
        self._current = ""
        on_update(FaceUpdate(FaceStage.LOOKING))

    def _emit(self, update: FaceUpdate) -> None:
        if self.feed is not None:
            self.feed.publish_boxes([update.box] if update.box else [], BoxKind.FACE)
        if self._on_update is not None:
            self._on_update(update)

    def show_face(self, member_id: str, box: Box, prompt: LivenessPrompt) -> None:
        box = replace(box, kind=BoxKind.FACE)
        self._current, self._box = member_id, box
        self._emit(FaceUpdate(FaceStage.LIVENESS, box=box, prompt=prompt))

    def pass_liveness(self) -> None:
        if self._current not in self._enrolled:
            self._emit(FaceUpdate(FaceStage.FAILED, box=self._box, reason=FaceFailure.NO_MATCH))
            return
        name, points, digits = self._enrolled[self._current]
        self._emit(
            FaceUpdate(
                FaceStage.CONFIRM,
                box=self._box,
                member_id=self._current,
                display_name=name,
                points_balance=points,
                digits_needed=len(digits),
            )
        )

    def submit_digits(self, digits: str) -> None:
        name, points, expected = self._enrolled.get(self._current, ("", 0, ""))
        if expected and digits == expected:
            self._emit(
                FaceUpdate(
                    FaceStage.CONFIRMED,
                    box=self._box,
                    member_id=self._current,
                    display_name=name,
                    points_balance=points,
                )
            )
        else:
            self._emit(FaceUpdate(FaceStage.FAILED, reason=FaceFailure.WRONG_DIGITS))

    def cancel(self) -> None:
        self._on_update = None
        if self.feed is not None:
            self.feed.publish_boxes([], BoxKind.FACE)


class NoShelves:
    def restock_started(self, staff_id: str) -> None:
        logger.info("restock by %s: no smart shelves wired, nothing to pause", staff_id)

    def restock_finished(self, staff_id: str) -> None:
        pass


class NoFleet:
    """The fleet agent is not wired yet: the kiosk runs alone."""

    def start(self, control: object) -> None:
        logger.info("fleet agent: not wired (stand-in); this kiosk reports to no fleet")

    def stop(self) -> None:
        pass

    def staff_unlocked(self, staff_id: str) -> None:
        pass


def standin_peripherals(runtime: Runtime) -> Peripherals:
    """What `kiosk run` uses until the real devices, camera, face pay and fleet are wired."""
    devices = DeviceBoard()
    camera = PreviewFeed(names.CAMERA)
    produce = ReadingBoard(names.PRODUCE_SCALE)
    devices.report(
        DeviceStatus(
            names.CAMERA, DeviceState.OK, detail="stand-in: synthetic frames", stand_in=True
        )
    )
    connect_till_devices(runtime, devices, stand_ins=True)
    return Peripherals(
        camera=camera,
        face_camera=camera,
        produce_scale=produce,
        devices=devices,
        face_pay=UnavailableFacePay(),
        shelves=NoShelves(),
        fleet=NoFleet(),
        workers=[
            SyntheticCamera(camera, size=(640, 360), fps=10),
            StandInBaggingScale(runtime, devices),
            StandInProduceScale(produce, devices),
        ],
    )
