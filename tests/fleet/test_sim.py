"""Simulated kiosks: the real AgentCore on one selector, through the real manager."""

from __future__ import annotations

from pathlib import Path

from fleet.sim.run import SimSettings, Simulation, kiosk_ids
from fleet.sim.stack import LocalStack


def test_fifty_simulated_kiosks_lose_nothing(tmp_path: Path) -> None:
    ids = kiosk_ids(50)
    with LocalStack(
        tmp_path,
        ids,
        workers=1,
        processes=False,
        broker={"reconnect_min_s": 0.2, "reconnect_max_s": 1.0},
    ) as stack:
        settings = SimSettings(kiosks=50, rate=60, duration_s=4, heartbeat_s=1, drain_s=30)
        sim = Simulation(stack.loaded, settings, password=stack.kiosk_password)
        report = sim.run()
        assert stack.manager is not None
        report = sim.audit(stack.manager.db, report, settle_s=15)
    assert report.connected_at_end == 0  # all stopped cleanly
    assert report.sent >= 200
    assert report.acknowledged == report.sent
    assert (report.lost, report.duplicated, report.unacknowledged) == (0, 0, 0)
    assert report.health_sent >= 150
    assert report.health_lost == 0
