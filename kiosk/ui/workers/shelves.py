"""Smart shelves: picks and put-backs into the cart (grab-and-go), low stock to the fleet."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from devices.link import LinkSettings
from devices.state import DeviceStateChanged
from devices.weighing.calibration import CalibrationStore
from devices.weighing.config import BoardConfig, SerialBoard, SimulatedBoard
from devices.weighing.control import ControlSocket
from devices.weighing.events import LowStock, ShelfEvent
from devices.weighing.frames import Unit
from devices.weighing.planogram import Planogram, ShelfPlan
from devices.weighing.smart_shelf import ShelfOutput, SmartShelf, SmartShelfSettings
from kiosk.adapters.device_config import SerialShelfBoard, ShelfBoardConfig, ShelvesConfig
from kiosk.adapters.weights import shelf_event
from kiosk.runtime import Runtime
from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard, DeviceStatus
from kiosk.ui.workers.scales import LINK_STATES
from kiosk.ui.workers.simulators import control_path, serve

logger = logging.getLogger(__name__)


def shelf_device(shelf_id: str) -> str:
    return f"{names.SHELVES}:{shelf_id}"


def board_for(plan: ShelfPlan, config: ShelfBoardConfig) -> BoardConfig:
    """The board behind a shelf: its serial port, or a simulator stocked as the planogram says."""
    if isinstance(config, SerialShelfBoard):
        link = LinkSettings(port=config.port, baudrate=config.baudrate)
        return SerialBoard(link=link, board=plan.board)
    return SimulatedBoard(simulator=plan.simulator_settings(seed=config.seed, unit=Unit.GRAMS))


class ShelfWorker:
    """Every configured shelf; also the app's ShelfControl (no billing while restocking)."""

    def __init__(
        self,
        config: ShelvesConfig,
        planogram: Planogram,
        runtime: Runtime,
        devices: DeviceBoard,
        data_dir: Path,
    ) -> None:
        self.config = config
        self.runtime = runtime
        self.devices = devices
        self.data_dir = data_dir
        self._restocking: set[str] = set()
        self._lock = threading.Lock()
        self.shelves: dict[str, SmartShelf] = {}
        self.controls: dict[str, ControlSocket] = {}
        self._stopping = False
        calibrations = CalibrationStore(data_dir)
        for shelf_id, board in config.boards.items():
            plan = planogram.shelf(shelf_id)
            self.shelves[shelf_id] = SmartShelf(
                plan,
                board_for(plan, board),
                SmartShelfSettings(shelf=shelf_id),
                calibrations,
                lambda out, sid=shelf_id: self._on_output(sid, out),
            )

    def control_path(self, shelf_id: str) -> Path | None:
        control = self.controls.get(shelf_id)
        return control.path if control is not None else None

    def start(self) -> None:
        for shelf_id, shelf in self.shelves.items():
            shelf.start()
            board = self.config.boards[shelf_id]
            if shelf.simulator is not None and not isinstance(board, SerialShelfBoard):
                path = control_path(self.data_dir, board.control, f"shelf-{shelf_id}")
                self.controls[shelf_id] = serve(shelf.simulator, path)

    def stop(self) -> None:
        self._stopping = True
        for control in self.controls.values():
            control.stop()
        for shelf in self.shelves.values():
            shelf.stop()

    # -- ShelfControl ---------------------------------------------------------------------

    def restock_started(self, staff_id: str) -> None:
        with self._lock:
            self._restocking.add(staff_id)
        logger.info("restock by %s: shelf picks are not billed until it ends", staff_id)

    def restock_finished(self, staff_id: str) -> None:
        with self._lock:
            self._restocking.discard(staff_id)

    # -- events ---------------------------------------------------------------------------

    def _on_output(self, shelf_id: str, out: ShelfOutput) -> None:
        if self._stopping:
            return
        if isinstance(out, DeviceStateChanged):
            self.devices.report(
                DeviceStatus(
                    shelf_device(shelf_id),
                    LINK_STATES[out.state],
                    required=self.config.required,
                    detail=out.detail,
                )
            )
        elif isinstance(out, LowStock):
            self._low_stock(out)
        elif isinstance(out, ShelfEvent):
            logger.info("shelf %s plate %d: %s %d", shelf_id, out.plate, out.kind, out.quantity)
            with self._lock:
                restocking = bool(self._restocking)
            event = shelf_event(out)
            if event is not None and self.config.grab_and_go and not restocking:
                self.runtime.post(event)

    def _low_stock(self, out: LowStock) -> None:
        """An outbox alert for the fleet, written by the runtime's loop (this is the reader)."""
        detail = {
            "shelf": out.shelf,
            "plate": out.plate,
            "gtin": out.gtin,
            "stock": out.stock,
            "threshold": out.threshold,
        }
        self.runtime.post_alert("low_stock", "warning", detail)
        logger.warning("low stock: shelf %s plate %d holds %d", out.shelf, out.plate, out.stock)
