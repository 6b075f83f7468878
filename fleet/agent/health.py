"""Health of the kiosk machine (psutil) and of its devices (from a callable the app provides)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psutil

from fleet.messages.telemetry import DeviceState

logger = logging.getLogger(__name__)

DeviceStates = Callable[[], Mapping[str, DeviceState]]
# The app's device board names (kiosk/ui/device_board.py), so the fleet sees one vocabulary.
DEVICES = ("camera", "bagging_scale", "shelves", "printer", "card_terminal")


@dataclass(frozen=True)
class MachineSample:
    uptime_s: float
    cpu_percent: float | None
    memory_percent: float | None
    disk_percent: float | None
    temperature_c: float | None


class MachineHealth(Protocol):
    def sample(self) -> MachineSample: ...


class SystemHealth:
    """The real machine. CPU is the average since the previous sample (never blocks)."""

    def __init__(self, disk_path: Path) -> None:
        self.disk_path = disk_path
        self._said_no_sensor = False
        psutil.cpu_percent(interval=None)  # primes the counter

    def sample(self) -> MachineSample:
        return MachineSample(
            uptime_s=max(0.0, time.time() - psutil.boot_time()),
            cpu_percent=min(100.0, psutil.cpu_percent(interval=None)),
            memory_percent=psutil.virtual_memory().percent,
            disk_percent=self._disk(),
            temperature_c=self._temperature(),
        )

    def _disk(self) -> float | None:
        try:
            return float(psutil.disk_usage(str(self.disk_path)).percent)
        except OSError as e:
            logger.warning("disk usage of %s unavailable: %s", self.disk_path, e)
            return None

    def _temperature(self) -> float | None:
        read = getattr(psutil, "sensors_temperatures", None)
        readings = read() if read is not None else {}
        values = [t.current for group in readings.values() for t in group if t.current]
        if not values:
            if not self._said_no_sensor:
                logger.info("no temperature sensor on this machine; health reports none")
                self._said_no_sensor = True
            return None
        return float(max(-50.0, min(200.0, max(values))))


class FixedHealth:
    """A steady machine, for simulated kiosks (10,000 of them cannot each call psutil)."""

    def __init__(self, started: float | None = None) -> None:
        self.started = time.time() if started is None else started

    def sample(self) -> MachineSample:
        return MachineSample(
            uptime_s=time.time() - self.started,
            cpu_percent=12.0,
            memory_percent=40.0,
            disk_percent=30.0,
            temperature_c=None,
        )


def all_ok() -> Mapping[str, DeviceState]:
    return dict.fromkeys(DEVICES, DeviceState.OK)
