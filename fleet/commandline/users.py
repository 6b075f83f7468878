"""`fleet users`: console accounts (operator: every store; staff: one store)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fleet.commandline.options import EXIT_PROBLEM, config_option, load, store
from fleet.console import audit
from fleet.console.accounts import (
    AccountError,
    add_user,
    list_users,
    remove_user,
    set_password,
)
from fleet.console.models import Role


@click.group("users")
def users_group() -> None:
    """Web console accounts."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _fail(e: AccountError) -> None:
    click.echo(f"error: {e}", err=True)
    raise SystemExit(EXIT_PROBLEM)


@users_group.command("add")
@config_option
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--store", "store_id", default=None, help="The one store a staff account sees.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
def add(
    config_path: Path | None, name: str, role: str, store_id: str | None, password_stdin: bool
) -> None:
    """Create an account (the password is asked for, or read from stdin)."""
    password = _password(password_stdin)
    try:
        with store(load(config_path)).write() as s:
            user = add_user(s, name, Role(role), store_id, password)
            audit.record(s, "cli", "user_add", store=store_id, target=name, detail=role)
    except AccountError as e:
        _fail(e)
    click.echo(f"added {user.name} ({user.role.value}{' of ' + user.store if user.store else ''})")


@users_group.command("remove")
@config_option
@click.argument("name")
def remove(config_path: Path | None, name: str) -> None:
    """Delete an account and end its sessions."""
    try:
        with store(load(config_path)).write() as s:
            remove_user(s, name)
            audit.record(s, "cli", "user_remove", target=name)
    except AccountError as e:
        _fail(e)
    click.echo(f"removed {name}")


@users_group.command("passwd")
@config_option
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of stdin.")
def passwd(config_path: Path | None, name: str, password_stdin: bool) -> None:
    """Set a new password (ends the account's sessions)."""
    password = _password(password_stdin)
    try:
        with store(load(config_path)).write() as s:
            set_password(s, name, password)
            audit.record(s, "cli", "user_passwd", target=name)
    except AccountError as e:
        _fail(e)
    click.echo(f"password of {name} changed")


@users_group.command("list")
@config_option
def list_cmd(config_path: Path | None) -> None:
    """Every account with its role and store."""
    with store(load(config_path)).read() as s:
        for user, row in list_users(s):
            click.echo(
                f"{user.name:<24} {user.role.value:<9} {user.store or '*':<16}"
                f" created {row.created_at:%Y-%m-%d %H:%M}"
            )
