"""Fixtures for kiosk tests: the shipped config, a fresh database, a kiosk on a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.assembly import Kiosk, build_kiosk
from kiosk.config import LoadedConfig, load_config
from kiosk.simulator.runner import VirtualClock
from kiosk.storage.engine import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shipped_config() -> LoadedConfig:
    return load_config(ROOT / "config" / "kiosk.toml")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(path))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'kiosk.db'}")
    yield database
    database.close()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def kiosk(data_dir: Path, clock: VirtualClock) -> Iterator[Kiosk]:
    loaded = load_config(ROOT / "config" / "kiosk.toml")
    k = build_kiosk(loaded, clock=clock.monotonic, wall=clock.wall, instant_payments=True)
    yield k
    k.close()
