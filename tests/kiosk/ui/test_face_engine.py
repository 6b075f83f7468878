"""CameraFacePay's threads: a failure always reaches the screen, a cancelled attempt never does."""

from __future__ import annotations

import queue
import sqlite3
import threading
from typing import Any, cast

from kiosk.members.facepay import FaceAttempt
from kiosk.ui.face_pay import FaceFailure, FaceStage, FaceUpdate
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.workers.face_engine import CameraFacePay


class LockedDatabase:
    """An attempt whose digits check meets a database that stays locked."""

    def digits(self, digits: str) -> Any:
        raise sqlite3.OperationalError("database is locked")


def waiting_engine(attempt: object) -> tuple[CameraFacePay, queue.Queue[FaceUpdate]]:
    """An engine at the digits step of `attempt`, its updates in a queue."""
    engine = CameraFacePay(None, PreviewFeed("face_camera"), lambda: 100)
    updates: queue.Queue[FaceUpdate] = queue.Queue()
    engine._on_update, engine._stop = updates.put, threading.Event()
    engine._attempt = cast(FaceAttempt, attempt)
    return engine, updates


def test_digits_that_cannot_be_checked_fail_the_attempt() -> None:
    engine, updates = waiting_engine(LockedDatabase())
    engine.submit_digits("1234")
    update = updates.get(timeout=30)
    assert update.stage == FaceStage.FAILED
    assert update.reason == FaceFailure.UNAVAILABLE


def test_news_of_a_cancelled_attempt_does_not_reach_the_next_one() -> None:
    engine, old = waiting_engine(LockedDatabase())
    old_stop = engine._stop
    engine.cancel()
    new: queue.Queue[FaceUpdate] = queue.Queue()
    with engine._lock:  # what start() does for the next attempt, without its worker thread
        engine._on_update, engine._stop = new.put, threading.Event()
    engine._emit(old_stop, FaceUpdate(FaceStage.CONFIRMED, member_id="M0001"))
    assert new.empty()
    assert old.empty()
