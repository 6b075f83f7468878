"""The `fleet` command end to end: keys, a command to a running kiosk, status, alerts, report,
simulate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner

from fleet.cli import cli
from fleet.messages.base import utcnow
from fleet.store.models import AlertRow


def write_config(h: Any, path: Path) -> Path:
    data = h.loaded.config.model_dump(mode="json", exclude_none=True)
    path.write_text(tomli_w.dumps(data))
    return path


def test_keys_generate(tmp_path: Path) -> None:
    runner = CliRunner()
    cfg = tmp_path / "fleet.toml"
    cfg.write_text("")
    args = [
        "keys",
        "generate",
        "--config",
        str(cfg),
        "--private",
        str(tmp_path / "k" / "s.key"),
        "--public",
        str(tmp_path / "k" / "s.pub"),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert oct((tmp_path / "k" / "s.key").stat().st_mode)[-3:] == "600"
    assert "BEGIN PUBLIC KEY" in (tmp_path / "k" / "s.pub").read_text()
    again = runner.invoke(cli, args)
    assert again.exit_code == 2
    assert "refusing to overwrite" in again.output


def test_a_bad_config_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "fleet.toml"
    cfg.write_text("[manager]\nworkers = 99\n")
    result = CliRunner().invoke(cli, ["status", "--config", str(cfg)])
    assert result.exit_code == 2
    assert f"{cfg}: manager.workers:" in result.output


def test_command_status_alerts_and_report(
    harness, wait, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness(kiosks=("k1",))
    h.start_worker()
    locks: list[str] = []
    from fleet.agent.hooks import AppHooks

    agent = h.agent("k1", hooks=AppHooks(lock=locks.append))
    wait(lambda: agent.connected, what="agent connected")
    cfg = write_config(h, tmp_path / "fleet.toml")
    monkeypatch.setenv("FLEET_MANAGER_PASSWORD", h.users["fleet-manager"])
    runner = CliRunner()

    wait(
        lambda: "s1/k1:" in runner.invoke(cli, ["status", "--config", str(cfg)]).output,
        what="kiosk in status",
    )
    result = runner.invoke(
        cli, ["command", "k1", "lock", "--reason", "spill", "--config", str(cfg), "--by", "ana"]
    )
    assert result.exit_code == 0, result.output
    assert "ok: done" in result.output
    assert locks == ["spill"]
    unknown = runner.invoke(cli, ["command", "nope", "unlock", "--config", str(cfg)])
    assert unknown.exit_code == 2
    assert "no kiosk 'nope'" in unknown.output
    bad = runner.invoke(cli, ["command", "k1", "price", "123", "--config", str(cfg)])
    assert bad.exit_code != 0

    with h.db.write() as s:
        s.add(
            AlertRow(
                rule="device_fault",
                kiosk_id="k1",
                store="s1",
                subject="printer",
                severity="critical",
                status="open",
                count=1,
                detail={},
                opened_at=utcnow(),
                last_at=utcnow(),
            )
        )
    listed = runner.invoke(cli, ["alerts", "list", "--config", str(cfg)])
    assert "device_fault" in listed.output
    alert_id = listed.output.split()[0]
    assert (
        runner.invoke(
            cli, ["alerts", "ack", alert_id, "--by", "bo", "--config", str(cfg)]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            cli, ["alerts", "ack", alert_id, "--by", "bo", "--config", str(cfg)]
        ).exit_code
        == 2
    )
    assert (
        runner.invoke(
            cli, ["alerts", "resolve", alert_id, "--by", "bo", "--config", str(cfg)]
        ).exit_code
        == 0
    )

    out = tmp_path / "reports"
    report = runner.invoke(
        cli,
        [
            "report",
            "daily",
            "--config",
            str(cfg),
            "--store",
            "s1",
            "--date",
            "2026-05-02",
            "--out",
            str(out),
        ],
    )
    assert report.exit_code == 0, report.output
    assert (out / "s1-2026-05-02-kiosks.csv").exists()
    assert (out / "s1-2026-05-02-chart.png").exists()
    wrong = runner.invoke(
        cli, ["report", "daily", "--config", str(cfg), "--store", "s1", "--date", "02/05/2026"]
    )
    assert wrong.exit_code == 2


def test_simulate_spawns_its_own_fleet(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "simulate",
            "--kiosks",
            "8",
            "--rate",
            "20",
            "--duration",
            "3",
            "--heartbeat",
            "1",
            "--workers",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["sent"] >= 40
    assert (report["lost"], report["duplicated"], report["health_lost"]) == (0, 0, 0)
    assert report["acknowledged"] == report["sent"]
