"""config/fleet.toml loads; mistakes are named with file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from fleet.config import FleetConfigError, load_fleet_config, parse_fleet_config


def test_shipped_config_loads(repo_root: Path) -> None:
    loaded = load_fleet_config(repo_root / "config" / "fleet.toml")
    assert loaded.config.manager.workers == 2
    assert loaded.config.broker.tls is True
    assert loaded.store_url.endswith("/var/fleet.db")


def test_problems_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    text = "[manager]\nworkers = 0\nbatchmax = 3\n[agent]\nwindow = -1\n"
    with pytest.raises(FleetConfigError) as err:
        parse_fleet_config(text, path)
    problems = "\n".join(err.value.problems)
    assert f"{path}: manager.workers:" in problems
    assert f"{path}: manager.batchmax: unknown key" in problems
    assert f"{path}: agent.window:" in problems


def test_no_password_keys_exist() -> None:
    with pytest.raises(FleetConfigError, match="unknown key"):
        parse_fleet_config('[broker]\npassword = "secret"\n', Path("f.toml"))


def test_env_overrides_signing_key_and_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLEET_SIGNING_KEY_FILE", str(tmp_path / "k.key"))
    monkeypatch.setenv("FLEET_DATA_DIR", str(tmp_path / "data"))
    loaded = parse_fleet_config("", tmp_path / "fleet.toml")
    assert loaded.private_key_file == tmp_path / "k.key"
    assert loaded.store_url == f"sqlite:///{tmp_path / 'data' / 'fleet.db'}"
