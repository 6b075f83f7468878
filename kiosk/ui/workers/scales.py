"""The bagging and produce scales over the real serial link: weights, device states."""

from __future__ import annotations

import logging
from pathlib import Path

from devices.state import DeviceState as LinkState
from devices.state import DeviceStateChanged
from devices.weighing.calibration import CalibrationStore
from devices.weighing.control import ControlSocket
from devices.weighing.events import SequenceGap, WeightReading
from devices.weighing.scale import Scale, ScaleEvent, ScaleSettings
from kiosk.adapters.device_config import SerialScaleConfig, SimulatedScaleConfig
from kiosk.adapters.weights import BaggingScaleBridge
from kiosk.runtime import Runtime
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.feeds import ReadingBoard, ScaleReading
from kiosk.ui.workers.simulators import control_path, serve

logger = logging.getLogger(__name__)

LINK_STATES = {
    LinkState.ONLINE: DeviceState.OK,
    LinkState.OFFLINE: DeviceState.MISSING,
    LinkState.FAULT: DeviceState.FAULT,
}


class ScaleWorker:
    """One scale. The bagging scale posts its weights to the session; the produce scale
    publishes them to `readings` for the produce screen."""

    def __init__(
        self,
        name: str,
        config: SerialScaleConfig | SimulatedScaleConfig,
        devices: DeviceBoard,
        data_dir: Path,
        *,
        runtime: Runtime | None = None,
        readings: ReadingBoard | None = None,
        weights: dict[str, float] | None = None,
    ) -> None:
        self.name = name
        self.config = config
        self.devices = devices
        self.data_dir = data_dir
        self.runtime = runtime
        self.readings = readings
        self.weights = weights or {}
        self.bridge = BaggingScaleBridge()
        channel = config.channel if isinstance(config, SerialScaleConfig) else 0
        self.scale = Scale(
            name,
            config.board_config(),
            ScaleSettings(channel=channel),
            CalibrationStore(data_dir),
            self._on_event,
        )
        self.control: ControlSocket | None = None
        self._stopping = False

    @property
    def control_path(self) -> Path | None:
        return self.control.path if self.control is not None else None

    def start(self) -> None:
        self._report(DeviceState.STARTING, "connecting")
        self.scale.start()
        if self.scale.simulator is not None and isinstance(self.config, SimulatedScaleConfig):
            self.scale.simulator.products.update(self.weights)
            path = control_path(self.data_dir, self.config.control, self.name)
            self.control = serve(self.scale.simulator, path)

    def stop(self) -> None:
        self._stopping = True  # what a closing port reports is not news for the session
        if self.control is not None:
            self.control.stop()
        self.scale.stop()

    def _report(self, state: DeviceState, detail: str) -> None:
        self.devices.report(
            DeviceStatus(self.name, state, required=self.config.required, detail=detail)
        )

    def _on_event(self, event: ScaleEvent) -> None:
        if self._stopping:
            return
        if isinstance(event, DeviceStateChanged):
            self._report(LINK_STATES[event.state], event.detail)
        elif isinstance(event, WeightReading) and self.readings is not None:
            self.readings.publish(
                ScaleReading(round(event.grams), event.usable, event.overload, event.at)
            )
        if self.runtime is not None and not isinstance(event, SequenceGap):
            for out in self.bridge.convert(event):
                self.runtime.post(out)
