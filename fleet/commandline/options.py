"""What every `fleet` command shares: the --config option and its clear failure."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fleet.config import ENV_CONFIG, FleetConfigError, LoadedFleetConfig, load_fleet_config
from fleet.store.database import open_store
from kiosk.storage.engine import Database

EXIT_PROBLEM = 2
F = TypeVar("F", bound=Callable[..., Any])


def config_option(f: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        envvar=ENV_CONFIG,
        help="Fleet config (default config/fleet.toml; env FLEET_CONFIG).",
    )(f)


def load(config_path: Path | None) -> LoadedFleetConfig:
    try:
        return load_fleet_config(config_path)
    except FleetConfigError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        raise SystemExit(EXIT_PROBLEM) from None


def store(loaded: LoadedFleetConfig) -> Database:
    return open_store(loaded.store_url)


def quiet_libraries() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
