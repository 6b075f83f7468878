"""The stand-ins `kiosk run` uses until the real devices are wired behave as described."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.session import Phase
from kiosk.ui.device_board import DeviceBoard
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.standins import StandInBaggingScale, SyntheticCamera

COLA = "5449000039231"  # 345 g in the shipped catalog


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_stand_in_scale_bags_each_item_and_empties_the_bag(kiosk: Kiosk) -> None:
    runtime = kiosk.runtime
    board = DeviceBoard()
    scale = StandInBaggingScale(runtime, board, delay_s=0.3)
    scale.start()
    runtime.start(tick_s=0.05)
    try:
        runtime.post(ev.StartShopping(at=0, language="en"))
        runtime.post(ev.ItemScanned(at=0, code=COLA))
        runtime.post(ev.ItemScanned(at=0, code=COLA))
        assert wait_until(lambda: runtime.state.bag.last_g == 690 and not runtime.state.bag.pending)
        assert runtime.state.interventions == ()
        assert board.all()[0].stand_in
        runtime.post(ev.StaffSignedIn(at=0, staff_id="s", name="S"))
        runtime.post(ev.StaffCancelSale(at=0))
        assert wait_until(
            lambda: runtime.state.phase == Phase.IDLE and runtime.state.bag.last_g == 0
        )
    finally:
        runtime.stop()
        scale.stop()


def test_synthetic_camera_publishes_frames_of_its_size() -> None:
    feed = PreviewFeed("camera")
    camera = SyntheticCamera(feed, size=(320, 180), fps=50)
    camera.start()
    try:
        assert wait_until(lambda: feed.frames_published >= 3)
    finally:
        camera.stop()
    frame = feed.latest()
    assert frame is not None
    assert frame.pixels.shape == (180, 320, 3)
