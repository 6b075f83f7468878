"""Options and loaders shared by the `kiosk` commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from kiosk.config import LoadedConfig


F = TypeVar("F", bound=Callable[..., Any])

EXIT_PROBLEM = 2  # bad input: config, CSV, scenario


def config_option(fn: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Kiosk config file (default: $KIOSK_CONFIG or config/kiosk.toml).",
    )(fn)


def db_option(fn: F) -> F:
    return click.option(
        "--db", "db_url", default=None, help="Database URL (default: from the config)."
    )(fn)


def load_or_exit(path: Path | None) -> LoadedConfig:
    from kiosk.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        sys.exit(EXIT_PROBLEM)
