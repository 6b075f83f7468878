"""`fleet command KIOSK ACTION`: sign and send a remote command, wait for its result."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fleet.commandline.options import EXIT_PROBLEM, config_option, load
from fleet.manager.commands import UnknownKiosk
from fleet.manager.remote import BrokerUnavailable, send_command
from fleet.messages.commands import (
    Action,
    CatalogUpdateAction,
    ConfigUpdateAction,
    LockAction,
    PriceChange,
    PriceChangeAction,
    ResendAction,
    RestartAction,
    ResultStatus,
    UnlockAction,
)
from fleet.signing import KeyFileError

F = TypeVar("F", bound=Callable[..., Any])


def sending(f: F) -> F:
    """Options every action takes, after it: `fleet command K1 lock --reason x --wait 5`."""
    f = click.option(
        "--by", "issued_by", default=None, help="Operator name (default: your login)."
    )(f)
    f = click.option(
        "--wait",
        "wait_s",
        type=float,
        default=15.0,
        show_default=True,
        help="Seconds to wait for the kiosk's result.",
    )(f)
    wrapped: F = click.pass_context(config_option(f))  # type: ignore[assignment]
    return wrapped


@click.group("command")
@click.argument("kiosk")
@click.pass_context
def command_group(ctx: click.Context, kiosk: str) -> None:
    """Send KIOSK a signed command (lock, unlock, price, catalog, config, resend, restart)."""
    ctx.obj = {"kiosk": kiosk}


def _send(ctx: click.Context, action: Action) -> None:
    p = ctx.params
    opts = {
        "kiosk": ctx.obj["kiosk"],
        "wait": p["wait_s"],
        "by": p["issued_by"] or getpass.getuser(),
    }
    loaded = load(p["config_path"])
    try:
        sent = send_command(loaded, opts["kiosk"], action, opts["by"], opts["wait"])
    except (UnknownKiosk, KeyFileError, BrokerUnavailable) as e:
        click.echo(str(e), err=True)
        raise SystemExit(EXIT_PROBLEM) from None
    click.echo(f"command {sent.body.command_id} ({action.name}) sent to {opts['kiosk']}")
    result = sent.result
    if result is None:
        click.echo(
            f"no answer within {opts['wait']:.0f}s (the command stays valid until "
            f"{sent.body.expires_at.isoformat()})",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"{result.status.value}: {result.detail}")
    if result.data:
        click.echo(json.dumps(result.data, indent=2))
    if result.status != ResultStatus.OK:
        raise SystemExit(1)


@command_group.command("lock")
@click.option("--reason", default="", help="Shown to staff and kept in the journal.")
@sending
def lock(ctx: click.Context, reason: str, **_: Any) -> None:
    """Out of service."""
    _send(ctx, LockAction(reason=reason))


@command_group.command("unlock")
@sending
def unlock(ctx: click.Context, **_: Any) -> None:
    """Back in service."""
    _send(ctx, UnlockAction())


@command_group.command("price")
@click.argument("changes", nargs=-1, required=True)
@sending
def price(ctx: click.Context, changes: tuple[str, ...], **_: Any) -> None:
    """Set prices: GTIN=MINOR_UNITS ... (e.g. 6901234567892=1290), all or nothing."""
    parsed = []
    for change in changes:
        gtin, _sep, value = change.partition("=")
        if not value.isdigit():
            raise click.BadParameter(f"{change!r}: write GTIN=PRICE in minor units")
        parsed.append(PriceChange(gtin=gtin, price=int(value)))
    _send(ctx, PriceChangeAction(changes=tuple(parsed)))


@command_group.command("catalog")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending
def catalog(ctx: click.Context, csv_file: Path, **_: Any) -> None:
    """Add or update products from a catalog CSV (same columns as config/catalog.csv)."""
    _send(ctx, CatalogUpdateAction(csv=csv_file.read_text(encoding="utf-8")))


@command_group.command("config")
@click.argument("toml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sending
def config(ctx: click.Context, toml_file: Path, **_: Any) -> None:
    """Replace the kiosk.toml (the kiosk validates it first; it applies at restart)."""
    _send(ctx, ConfigUpdateAction(toml=toml_file.read_text(encoding="utf-8")))


@command_group.command("resend")
@click.argument("from_seq", type=click.IntRange(1))
@sending
def resend(ctx: click.Context, from_seq: int, **_: Any) -> None:
    """Publish again every outbox event from sequence FROM_SEQ on."""
    _send(ctx, ResendAction(from_seq=from_seq))


@command_group.command("restart")
@click.option("--reason", default="")
@sending
def restart(ctx: click.Context, reason: str, **_: Any) -> None:
    """Restart the kiosk app (after answering)."""
    _send(ctx, RestartAction(reason=reason))
