"""`fleet agent`: run the kiosk agent on its own next to a kiosk database; read its journal."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fleet.commandline.options import EXIT_PROBLEM, config_option, load

if TYPE_CHECKING:
    from kiosk.config import LoadedConfig

# The kiosk side (kiosk.config, the bridge, SQLAlchemy) is imported inside the commands: every
# `fleet` process imports this module, including each spawned manager worker, which would
# otherwise pay a second of CPU for code it never runs.


def _kiosk(path: Path | None) -> LoadedConfig:
    from kiosk.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        for problem in e.problems:
            click.echo(problem, err=True)
        raise SystemExit(EXIT_PROBLEM) from None


@click.group("agent")
def agent_group() -> None:
    """The kiosk side (normally started by the kiosk app)."""


@agent_group.command("run")
@config_option
@click.option(
    "--kiosk-config",
    type=click.Path(path_type=Path),
    default=None,
    help="The kiosk's kiosk.toml (default config/kiosk.toml; env KIOSK_CONFIG).",
)
def run(config_path: Path | None, kiosk_config: Path | None) -> None:
    """Publish this kiosk's outbox and health until Ctrl-C (no app: lock and restart are
    only logged, devices are reported as absent)."""
    from fleet.agent.hooks import AppHooks
    from fleet.agent.kiosk_bridge import build_kiosk_agent
    from kiosk.storage.engine import Database

    loaded = load(config_path)
    kiosk = _kiosk(kiosk_config)
    db = Database.open(kiosk.database_url)

    def note(what: str) -> None:
        click.echo(f"(no app) {what}", err=True)

    hooks = AppHooks(
        device_states=dict,
        lock=lambda reason: note(f"lock: {reason}"),
        unlock=lambda: note("unlock"),
        restart=lambda reason: note(f"restart: {reason}"),
    )
    agent = build_kiosk_agent(kiosk, db, loaded, hooks)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    agent.start()
    click.echo(f"agent for {kiosk.config.kiosk.store}/{kiosk.config.kiosk.id} running", err=True)
    stop.wait()
    agent.stop()


@agent_group.command("journal")
@config_option
@click.option("--kiosk-config", type=click.Path(path_type=Path), default=None)
@click.option("--limit", type=click.IntRange(1), default=30, show_default=True)
def journal(config_path: Path | None, kiosk_config: Path | None, limit: int) -> None:
    """Commands this kiosk carried out or refused, newest first."""
    from fleet.agent.journal import Journal
    from fleet.agent.kiosk_bridge import journal_path

    loaded = load(config_path)
    kiosk = _kiosk(kiosk_config)
    j = Journal(journal_path(kiosk, loaded))
    for e in j.recent(limit):
        at = datetime.fromtimestamp(e.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{at} {e.status:<8} {e.action or '-':<15} {e.command_id or '-'}  {e.detail}")
