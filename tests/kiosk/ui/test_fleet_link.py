"""The fleet agent inside the app (no window): birth, health with the app's devices, a sale
that leaves only on the manager's ack, signed commands through KioskControl, a lock that
survives a restart, clean offline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import kiosk
from fleet.messages.commands import (
    LockAction,
    PriceChange,
    PriceChangeAction,
    RestartAction,
    UnlockAction,
)
from fleet.messages.telemetry import DeviceState as FleetState
from fleet.messages.telemetry import Health
from kiosk.assembly import Kiosk, build_kiosk
from kiosk.config import ConfigError, load_config
from kiosk.simulator.runner import ScenarioRunner, VirtualClock
from kiosk.simulator.scenario import load_scenario
from kiosk.storage.outbox import OutboxStore
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.fleet_link import AgentLink, make_fleet_link
from kiosk.ui.standins import NoFleet
from kiosk.ui.till_devices import connect_till_devices
from tests.fleet.conftest import wait_until
from tests.kiosk.ui.conftest import ROOT, write_config
from tests.kiosk.ui.fleet_site import FleetSite


@dataclass
class RecordingControl:
    """KioskControl as the app offers it; records what the fleet asked."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def lock(self, reason: str) -> None:
        self.calls.append(("lock", reason))

    def unlock(self) -> None:
        self.calls.append(("unlock", ""))

    def restart(self) -> None:
        self.calls.append(("restart", ""))

    def screen(self) -> str:
        return "attract"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[FleetSite]:
    s = FleetSite(tmp_path)
    yield s
    s.close()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "var"))
    for name in ("KIOSK_FLEET_ENABLED", "KIOSK_FLEET_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "var"


def _kiosk(config: Path, clock: VirtualClock) -> Kiosk:
    return build_kiosk(
        load_config(config), clock=clock.monotonic, wall=clock.wall, instant_payments=True
    )


def test_the_link_carries_sales_health_and_commands(
    site: FleetSite, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_MQTT_PASSWORD", site.password)
    clock = VirtualClock()
    unplugged = {"receipts.printer": {"type": "serial", "port": str(tmp_path / "ttyNONE")}}
    k = _kiosk(site.kiosk_config(tmp_path / "config", unplugged), clock)
    board = DeviceBoard()
    board.report(DeviceStatus("camera", DeviceState.OK))
    board.report(DeviceStatus("bagging_scale", DeviceState.FAULT, required=True))
    connect_till_devices(k.runtime, board)  # the printer and terminal report themselves
    spy = site.listen()
    link = make_fleet_link(k, board)
    assert isinstance(link, AgentLink)
    control = RecordingControl()
    try:
        link.start(control)
        online = wait_until(lambda: site_status(spy, "online"), what="online status")
        assert online.app_version == kiosk.__version__
        assert online.config_hash

        health = wait_until(lambda: _health(spy), what="a health message")
        assert health.devices == {
            "camera": FleetState.OK,
            "bagging_scale": FleetState.FAULT,
            "printer": FleetState.OFFLINE,  # its serial port is not there
            "card_terminal": FleetState.ABSENT,  # the simulated terminal is a stand-in
        }

        # A sale commits; its event goes out, and stays until the manager acknowledges it.
        outbox = OutboxStore(k.db)
        scenario = load_scenario(ROOT / "config" / "scenarios" / "normal.toml")
        result = ScenarioRunner(k, scenario, clock).run(0)
        assert result.sale_id is not None, result.failures
        wait_until(lambda: not outbox.pending(unsent_only=True), what="the sale event sent")
        assert outbox.backlog() >= 1, "the broker's PUBACK deletes nothing"
        assert site.stored_events() == []
        site.start_worker()
        wait_until(lambda: outbox.backlog() == 0, timeout_s=40, what="acknowledged and deleted")
        assert site.stored_events() == list(range(1, outbox.last_seq() + 1))

        site.wait_known()
        row = site.command(LockAction(reason="till audit"))
        assert row.status == "ok", row.result_detail
        assert control.calls == [("lock", "till audit")]
        assert site.command(RestartAction(reason="update")).status == "ok"
        wait_until(lambda: ("restart", "") in control.calls, what="restart asked of the app")

        # The app restarts: a new link, and the kiosk comes back locked from the journal.
        link.stop()
        link = make_fleet_link(k, board)
        control = RecordingControl()
        link.start(control)
        assert control.calls == [("lock", "till audit")]
        assert site.command(UnlockAction()).status == "ok"
        assert control.calls[-1] == ("unlock", "")

        # Staff reopening the kiosk at its screen lifts a fleet lock in the journal too.
        assert site.command(LockAction(reason="count")).status == "ok"
        link.staff_unlocked("S01")
        assert link.agent.core.commands is not None
        assert not link.agent.core.commands.locked

        # Price changes take the standalone agent's path and reach the running session.
        gtin = "05449000039231"
        row = site.command(PriceChangeAction(changes=(PriceChange(gtin=gtin, price=399),)))
        assert row.status == "ok", row.result_detail
        product = k.machine.ctx.catalog.get(gtin)
        assert product is not None
        assert product.price == 399
    finally:
        link.stop()
        k.close()
    last = wait_until(
        lambda: spy.statuses()[-1].state == "offline" and spy.statuses()[-1],
        what="offline status last",
    )
    assert last.reason == "clean_stop"
    late = site.listen(f"kiosks/{k.loaded.config.kiosk.store}/{k.loaded.config.kiosk.id}/status")
    wait_until(lambda: late.got, what="the retained status")
    assert late.got[-1][2], "retained"
    assert late.statuses()[-1].state == "offline"


def site_status(spy: object, state: str) -> object:
    found = [s for s in spy.statuses() if s.state == state]  # type: ignore[attr-defined]
    return found[-1] if found else None


def _health(spy: object) -> Health | None:
    got = [p for t, p, _r in spy.got if t.endswith("/health")]  # type: ignore[attr-defined]
    return Health.model_validate_json(got[-1]) if got else None


def test_disabled_gives_the_stand_in(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = _kiosk(write_config(tmp_path / "config", {}), VirtualClock())
    try:
        assert isinstance(make_fleet_link(k, DeviceBoard()), NoFleet)
    finally:
        k.close()
    k = _kiosk(write_config(tmp_path / "on", {"fleet.enabled": True}), VirtualClock())
    try:
        monkeypatch.setenv("KIOSK_FLEET_ENABLED", "off")  # the environment wins
        assert isinstance(make_fleet_link(k, DeviceBoard()), NoFleet)
    finally:
        k.close()


def test_bad_fleet_settings_name_the_problem(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path / "config", {"fleet.config_file": "nowhere.toml"})
    k = _kiosk(config, VirtualClock())
    try:
        monkeypatch.setenv("KIOSK_FLEET_ENABLED", "perhaps")
        with pytest.raises(ConfigError, match=r"KIOSK_FLEET_ENABLED='perhaps': use 1/true"):
            make_fleet_link(k, DeviceBoard())
        monkeypatch.setenv("KIOSK_FLEET_ENABLED", "1")
        with pytest.raises(ConfigError, match=r"fleet.config_file: .*nowhere.toml: file not found"):
            make_fleet_link(k, DeviceBoard())
        bad = tmp_path / "bad-fleet.toml"
        bad.write_text("[agent]\nwindow = 0\n", encoding="utf-8")
        monkeypatch.setenv("KIOSK_FLEET_CONFIG", str(bad))
        with pytest.raises(ConfigError, match=r"bad-fleet.toml: agent.window: Input should be"):
            make_fleet_link(k, DeviceBoard())
        bad.write_text('[broker]\ntls = true\nca_file = "no-ca.crt"\n', encoding="utf-8")
        with pytest.raises(ConfigError, match=r"broker.ca_file: .*no-ca.crt not found"):
            make_fleet_link(k, DeviceBoard())
    finally:
        k.close()
