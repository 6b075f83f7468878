"""The shelf worker on a simulated board read over a pty, with the runtime's loop running."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event

from devices.weighing.control import send_command
from devices.weighing.planogram import load_planogram
from kiosk.assembly import Kiosk
from kiosk.storage.outbox import OutboxStore
from kiosk.ui.device_board import DeviceBoard
from kiosk.ui.workers.shelves import ShelfWorker

SLOW_S = 20.0  # shelf settling on a shared 2-core machine


def _low_stock(kiosk: Kiosk) -> list[dict[str, Any]]:
    events = OutboxStore(kiosk.db).pending(limit=1000)
    return [e.payload for e in events if e.kind == "alert" and e.payload["kind"] == "low_stock"]


def _wait(done: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + SLOW_S
    while not done() and time.monotonic() < deadline:
        time.sleep(0.05)
    return done()


def test_low_stock_alert_is_written_by_the_loop_not_the_reader(kiosk: Kiosk) -> None:
    """ARCHITECTURE.md: worker threads post, one loop owns the database writes."""
    loaded = kiosk.loaded
    shelves = loaded.config.devices.shelves
    assert shelves is not None
    planogram = load_planogram(loaded.resolve(shelves.planogram_file))
    writers: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO OUTBOX"):
            writers.append(threading.current_thread().name)

    event.listen(kiosk.db.engine, "before_cursor_execute", note)
    kiosk.runtime.start(tick_s=0.05)
    worker = ShelfWorker(shelves, planogram, kiosk.runtime, DeviceBoard(), loaded.data_dir)
    worker.start()
    try:
        detector = worker.shelves["A1"].detector
        assert _wait(lambda: detector.baseline(3) is not None), "the shelf never settled"
        path = worker.control_path("A1")
        assert path is not None
        assert send_command(path, "remove plate=3 qty=4").startswith("ok")  # 6 milk, low at 2
        _wait(lambda: bool(_low_stock(kiosk)))
    finally:
        worker.stop()
        kiosk.runtime.stop()
    alerts = _low_stock(kiosk)
    assert len(alerts) == 1, alerts
    assert alerts[0]["severity"] == "warning"
    assert (alerts[0]["detail"]["shelf"], alerts[0]["detail"]["plate"]) == ("A1", 3)
    assert alerts[0]["detail"]["stock"] == 2
    assert writers
    assert set(writers) == {"checkout-loop"}
