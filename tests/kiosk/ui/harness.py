"""Builds the app for the tests: real kiosk, real app, peripherals the tests drive by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.assembly import Kiosk, build_kiosk
from kiosk.config import LoadedConfig
from kiosk.ui.control import KioskControl
from kiosk.ui.device_board import DeviceBoard
from kiosk.ui.feeds import PreviewFeed, ReadingBoard
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.standins import ScriptedFacePay
from kiosk.ui.till_devices import connect_till_devices
from tests.kiosk.ui.driver import AppDriver, SkewClock


@dataclass
class RecordingShelves:
    calls: list[tuple[str, str]] = field(default_factory=list)

    def restock_started(self, staff_id: str) -> None:
        self.calls.append(("started", staff_id))

    def restock_finished(self, staff_id: str) -> None:
        self.calls.append(("finished", staff_id))


@dataclass
class CapturingFleet:
    """Keeps the control the app hands its fleet agent, as the real agent would."""

    control: KioskControl | None = None
    stopped: bool = False
    unlocked_by: list[str] = field(default_factory=list)

    def start(self, control: KioskControl) -> None:
        self.control = control

    def staff_unlocked(self, staff_id: str) -> None:
        self.unlocked_by.append(staff_id)

    def stop(self) -> None:
        self.stopped = True


@dataclass
class UiEnv:
    driver: AppDriver
    kiosk: Kiosk
    app: Any
    camera: PreviewFeed
    produce: ReadingBoard
    devices: DeviceBoard
    face: ScriptedFacePay
    shelves: RecordingShelves
    fleet: CapturingFleet
    clock: SkewClock

    def close(self) -> None:
        self.app._stop()
        self.kiosk.close()


def start_app(loaded: LoadedConfig) -> UiEnv:
    from kiosk.ui.fonts import find_fonts, register
    from kiosk.ui.kivy_setup import configure

    ui = loaded.config.ui
    configure(fullscreen=False, width=ui.window_width, height=ui.window_height, show_cursor=True)
    register(find_fonts(ui.font_file))

    from kivy.base import runTouchApp

    from kiosk.ui.app import KioskApp

    clock = SkewClock()
    kiosk = build_kiosk(loaded, clock=clock)
    camera = PreviewFeed("camera")
    board = DeviceBoard()
    connect_till_devices(kiosk.runtime, board, stand_ins=True)  # as the stand-in peripherals do
    parts = Peripherals(
        camera=camera,
        face_camera=camera,
        produce_scale=ReadingBoard("produce_scale"),
        devices=board,
        face_pay=ScriptedFacePay(camera),
        shelves=RecordingShelves(),
        fleet=CapturingFleet(),
    )
    app = KioskApp(kiosk=kiosk, peripherals=parts, settings=ui)
    app._run_prepare()  # build() and on_start(), as App.run() does
    runTouchApp(embedded=True)  # input providers and the event loop, pumped by the driver
    driver = AppDriver(app, kiosk, clock)
    driver.pump(5)
    assert isinstance(parts.face_pay, ScriptedFacePay)
    assert isinstance(parts.shelves, RecordingShelves)
    assert isinstance(parts.fleet, CapturingFleet)
    return UiEnv(
        driver,
        kiosk,
        app,
        camera,
        parts.produce_scale,
        parts.devices,
        parts.face_pay,
        parts.shelves,
        parts.fleet,
        clock,
    )
