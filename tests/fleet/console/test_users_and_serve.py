"""`fleet users` end to end, the `[console]` config section, and the console inside the real
`fleet serve` service (ManagerService with its monitor and an ingest worker)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from fleet.cli import cli
from fleet.config import FleetConfigError, parse_fleet_config
from fleet.console.accounts import authenticate
from fleet.console.component import ConsoleServer, console_factory
from fleet.console.models import AuditRow, SessionRow
from fleet.manager.service import COMPONENT_FACTORIES, ManagerService
from fleet.store.database import open_store

from .conftest import free_port


def test_users_add_list_passwd_remove(tmp_path: Path) -> None:
    cfg = tmp_path / "fleet.toml"
    cfg.write_text(f'[store]\nurl = "sqlite:///{tmp_path / "fleet.db"}"\n')
    run = CliRunner().invoke
    base = ["--config", str(cfg)]
    r = run(
        cli,
        ["users", "add", "ann", "--role", "staff", "--store", "s1", "--password-stdin", *base],
        input="first password\n",
    )
    assert r.exit_code == 0, r.output
    r = run(
        cli,
        ["users", "add", "olga", "--role", "operator", *base],
        input="second password\nsecond password\n",
    )
    assert r.exit_code == 0, r.output
    listing = run(cli, ["users", "list", *base]).output
    assert any(line.split()[:3] == ["ann", "staff", "s1"] for line in listing.splitlines())
    assert any(line.split()[:3] == ["olga", "operator", "*"] for line in listing.splitlines())
    # mistakes are refused with the reason
    for args, why in (
        (["users", "add", "bob", "--role", "staff"], "staff accounts need --store"),
        (["users", "add", "ann", "--role", "operator"], "exists"),
        (["users", "add", "cid", "--role", "operator"], "at least 10"),
        (["users", "remove", "nobody"], "no user"),
    ):
        r = run(
            cli,
            [*args, "--password-stdin", *base] if args[1] == "add" else [*args, *base],
            input="short\n" if "cid" in args else "long enough pw\n",
        )
        assert r.exit_code == 2, args
        assert why in r.output, (args, r.output)
    db = open_store(f"sqlite:///{tmp_path / 'fleet.db'}")
    with db.write() as s:
        assert authenticate(s, "ann", "first password") is not None
        s.add(
            SessionRow(
                token_hash="x" * 64, user="ann", csrf="c", created_at=_now(), expires_at=_now()
            )
        )
    r = run(cli, ["users", "passwd", "ann", "--password-stdin", *base], input="a new password\n")
    assert r.exit_code == 0, r.output
    with db.read() as s:
        assert authenticate(s, "ann", "first password") is None
        assert authenticate(s, "ann", "a new password") is not None
        assert s.query(SessionRow).count() == 0  # a new password ends the sessions
        assert s.get(SessionRow, "x" * 64) is None
    assert run(cli, ["users", "remove", "ann", *base]).exit_code == 0
    with db.read() as s:
        assert authenticate(s, "ann", "a new password") is None
        assert {a.action for a in s.query(AuditRow)} >= {"user_add", "user_passwd", "user_remove"}
    db.close()


def _now() -> Any:
    from fleet.messages.base import utcnow

    return utcnow()


def test_console_config_is_checked() -> None:
    loaded = parse_fleet_config("[console]\nport = 9000\n", Path("f.toml"))
    assert loaded.config.console.port == 9000
    assert loaded.config.console.host == "127.0.0.1"
    for text, key in (
        ("[console]\nport = 0\n", "console.port"),
        ("[console]\nsession_minutes = 3\n", "console.session_minutes: unknown key"),
        ('[console]\ntls_cert_file = "c.pem"\n', "console:"),
    ):
        with pytest.raises(FleetConfigError) as err:
            parse_fleet_config(text, Path("f.toml"))
        assert key in "\n".join(err.value.problems)


def test_fleet_serve_serves_the_console(harness: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fleet import cli as fleet_cli

    # registered by the `fleet` command, through a wrapper that imports the console lazily
    assert fleet_cli.console_factory in COMPONENT_FACTORIES
    h = harness(kiosks=("k1",))
    monkeypatch.setenv("FLEET_MANAGER_PASSWORD", h.users["fleet-manager"])
    loaded = h.loaded.with_changes(console={"port": free_port()})
    service = ManagerService(
        loaded, workers=1, processes=False, projector=False, factories=[console_factory]
    )
    service.start()
    try:
        console = service.components[0]
        assert isinstance(console, ConsoleServer)
        assert console.wait_started(15)
        assert service.context.commands is not None  # the monitor's signed command sender
        r = requests.get(f"{console.url}/", allow_redirects=False, timeout=5)
        assert r.status_code == 303
        metrics = requests.get(f"{console.url}/metrics", timeout=5).text
        assert "\nfleet_kiosks 0.0\n" in metrics
        assert "console_request_seconds_bucket" in metrics
    finally:
        service.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{console.url}/login", timeout=2)
    assert not any(t.name == "console" and t.is_alive() for t in threading.enumerate())
