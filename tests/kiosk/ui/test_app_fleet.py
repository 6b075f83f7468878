"""`kiosk run` with `[fleet] enabled`: a signed lock sent through the broker closes the
running app, unlock opens it again, and closing the app leaves a retained `offline`; a
missing fleet file shows out-of-service with the problem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import kiosk
from fleet.messages.commands import LockAction, UnlockAction
from tests.fleet.conftest import wait_until
from tests.kiosk.ui.conftest import write_config
from tests.kiosk.ui.fleet_site import FleetSite
from tests.kiosk.ui.test_app_process import KioskProcess, own_display

__all__ = ["own_display"]  # the fixture, imported for this module's tests


@pytest.fixture
def site(tmp_path: Path) -> Iterator[FleetSite]:
    s = FleetSite(tmp_path)
    yield s
    s.close()


def test_a_fleet_lock_closes_the_running_app(
    site: FleetSite, tmp_path: Path, own_display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_MQTT_PASSWORD", site.password)
    for name in ("KIOSK_FLEET_ENABLED", "KIOSK_FLEET_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    config = site.kiosk_config(tmp_path / "config", {"ui.speech.enabled": False})
    spy = site.listen()
    site.start_worker()
    app = KioskProcess(config, own_display, tmp_path)
    try:
        app.wait_screen("attract")
        online = wait_until(
            lambda: [s for s in spy.statuses() if s.state == "online"], what="online status"
        )
        assert online[-1].app_version == kiosk.__version__
        site.wait_known()

        row = site.command(LockAction(reason="cash count at 21:00"))
        assert row.status == "ok", row.result_detail
        shown = app.wait_screen("out_of_service")
        text = "\n".join(shown["texts"])
        assert "Closed by the store office." in text
        assert "cash count at 21:00" in text

        assert site.command(UnlockAction()).status == "ok"
        app.wait_screen("attract")
        assert app.stop() == 0, app.tail()
    finally:
        if app.process.poll() is None:
            app.process.kill()
            app.process.wait(timeout=10)
    offline = wait_until(
        lambda: [s for s in spy.statuses() if s.state == "offline"], what="offline status"
    )
    assert offline[-1].reason == "clean_stop", "a clean stop, not the broker's will"


def test_a_missing_fleet_file_shows_out_of_service(
    tmp_path: Path, own_display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_FLEET_CONFIG", raising=False)
    monkeypatch.setenv("KIOSK_FLEET_ENABLED", "1")  # the environment turns it on
    config = write_config(
        tmp_path / "config", {"ui.speech.enabled": False, "fleet.config_file": "gone.toml"}
    )
    app = KioskProcess(config, own_display, tmp_path)
    try:
        shown = app.wait_screen("out_of_service")
        text = "\n".join(shown["texts"])
        assert "The configuration has problems" in text
        assert "fleet.config_file:" in text
        assert "gone.toml: file not found" in text
        assert app.stop() == 0, app.tail()
    finally:
        if app.process.poll() is None:
            app.process.kill()
            app.process.wait(timeout=10)
