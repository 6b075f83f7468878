"""The fleet agent inside the app: built from `[fleet]`, on its own thread, fed the app's devices.

It is the same agent as `fleet agent run` (fleet.agent.kiosk_bridge.build_kiosk_agent): the
same outbox rules, signed commands and price, catalog and config changes. Only the hooks
differ: device states come from the app's DeviceBoard, and lock, unlock and restart go to the
app through KioskControl (which posts them to the Kivy thread).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import replace

from fleet.agent.hooks import AppHooks
from fleet.agent.kiosk_bridge import build_kiosk_agent
from fleet.agent.runner import KioskAgent
from fleet.config import FleetConfigError, LoadedFleetConfig, load_fleet_config
from fleet.messages.telemetry import DeviceState as FleetDeviceState
from kiosk.adapters.fleet_link_config import fleet_link_settings
from kiosk.assembly import Kiosk
from kiosk.config import ConfigError
from kiosk.storage.catalog_repo import load_catalog
from kiosk.ui.control import FleetLink, KioskControl
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.standins import NoFleet

logger = logging.getLogger(__name__)

_STATES = {
    DeviceState.OK: FleetDeviceState.OK,
    DeviceState.STARTING: FleetDeviceState.DEGRADED,
    DeviceState.MISSING: FleetDeviceState.OFFLINE,
    DeviceState.FAULT: FleetDeviceState.FAULT,
}


def fleet_state(status: DeviceStatus) -> FleetDeviceState:
    """A stand-in is no device: the fleet hears `absent`, not a reassuring `ok`."""
    return FleetDeviceState.ABSENT if status.stand_in else _STATES[status.state]


def board_states(devices: DeviceBoard) -> Mapping[str, FleetDeviceState]:
    return {s.name: fleet_state(s) for s in devices.all()}


class AgentLink:
    """The in-process agent. `start` returns at once: connecting, and every later network
    wait, happens on the agent's thread, never on the Kivy one."""

    def __init__(
        self,
        kiosk: Kiosk,
        devices: DeviceBoard,
        fleet: LoadedFleetConfig,
        *,
        password: str | None = None,
    ) -> None:
        self.kiosk = kiosk
        self.devices = devices
        self._control: KioskControl | None = None
        hooks = AppHooks(
            device_states=lambda: board_states(devices),
            lock=self._lock,
            unlock=self._unlock,
            restart=self._restart,
            catalog_changed=self._reload_catalog,
        )
        self.agent: KioskAgent = build_kiosk_agent(
            kiosk.loaded, kiosk.db, fleet, hooks, password=password
        )

    def start(self, control: KioskControl) -> None:
        self._control = control
        core = self.agent.core
        logger.info(
            "fleet agent: %s/%s -> %s:%d",
            core.identity.store,
            core.identity.kiosk_id,
            core.broker.host,
            core.broker.port,
        )
        self.agent.start()  # a lock kept in the journal across a restart is applied here

    def stop(self) -> None:
        """Explicit retained `offline`, then disconnect; waits a few seconds at most."""
        self.agent.stop()

    def staff_unlocked(self, staff_id: str) -> None:
        """The lock lives in the agent's journal: clear it there, or the next restart (and
        every health report until then) would say the kiosk is still locked."""
        commands = self.agent.core.commands
        if commands is not None:
            commands.lift_locally(staff_id)

    # -- hooks (agent thread) -----------------------------------------------------------

    def _app(self) -> KioskControl:
        if self._control is None:
            raise RuntimeError("the app has not started the fleet link")
        return self._control

    def _lock(self, reason: str) -> None:
        self._app().lock(reason)

    def _unlock(self) -> None:
        self._app().unlock()

    def _restart(self, reason: str) -> None:
        logger.warning("restart ordered by the fleet: %s", reason or "no reason given")
        self._app().restart()

    def _reload_catalog(self) -> None:
        # One reference swap: the session loop reads ctx per event; lines already in a cart
        # keep the price they were scanned at.
        machine = self.kiosk.machine
        machine.ctx = replace(machine.ctx, catalog=load_catalog(self.kiosk.db))
        logger.info("catalog reloaded after a fleet change")


def make_fleet_link(
    kiosk: Kiosk, devices: DeviceBoard, *, password: str | None = None
) -> FleetLink:
    """The one way the app gets its fleet link: the stand-in unless `[fleet]` enables it.

    Raises ConfigError (file and key named) when the fleet settings or file are wrong.
    """
    loaded = kiosk.loaded
    try:
        settings = fleet_link_settings(loaded.config.fleet, loaded.path)
    except ValueError as e:
        raise ConfigError([f"{loaded.path}: fleet: {e}"]) from None
    if not settings.enabled:
        return NoFleet()
    try:
        fleet = load_fleet_config(settings.config_path)
    except FleetConfigError as e:
        raise ConfigError([f"{loaded.path}: fleet.config_file: {p}" for p in e.problems]) from None
    ca = fleet.ca_file
    if ca is not None and not ca.is_file():
        raise ConfigError(
            [
                f"{fleet.path}: broker.ca_file: {ca} not found (make the site's certificates "
                "with config/mosquitto/make-site.sh, or set broker.ca_file)"
            ]
        )
    try:
        return AgentLink(kiosk, devices, fleet, password=password)
    except (OSError, ssl.SSLError) as e:
        raise ConfigError([f"{fleet.path}: the fleet agent cannot start: {e}"]) from None
