"""What a person can change from the console: alerts (acknowledge, resolve) and kiosk commands.

Every change is authorised here against the user's stores and written to the audit log."""

from __future__ import annotations

from fleet.alerts.book import AlertTransitionError, acknowledge, resolve
from fleet.console import audit
from fleet.console.accounts import User
from fleet.console.fleetview import alert_view, command_view, kiosk_row
from fleet.console.schemas import AlertView, CommandIn, CommandView
from fleet.manager.commands import CommandSender
from fleet.messages.base import utcnow
from fleet.messages.commands import (
    Action,
    LockAction,
    ResendAction,
    RestartAction,
    UnlockAction,
)
from fleet.store import commands as command_log
from fleet.store.models import AlertRow
from kiosk.storage.engine import Database


class NotFound(LookupError):
    """No such thing, or not in this user's stores (the same answer, so nothing leaks)."""


class Conflict(ValueError):
    """The change does not apply in the current state."""


class Unavailable(RuntimeError):
    """The manager cannot send commands (no signing key, or the monitor is off)."""


def move_alert(db: Database, user: User, alert_id: int, to: str, address: str) -> AlertView:
    with db.write() as s:
        row = s.get(AlertRow, alert_id)
        if row is None or not user.can_see(row.store):
            raise NotFound(f"no alert {alert_id}")
        try:
            moved = (acknowledge if to == "ack" else resolve)(s, alert_id, user.name, utcnow())
        except AlertTransitionError as e:
            raise Conflict(str(e)) from None
        audit.record(
            s,
            user.name,
            "alert_ack" if to == "ack" else "alert_resolve",
            store=row.store,
            target=f"alert {alert_id} {row.rule} {row.kiosk_id}",
            address=address,
        )
        return alert_view(moved)


def _action(c: CommandIn) -> Action:
    if c.action == "lock":
        return LockAction(reason=c.reason)
    if c.action == "unlock":
        return UnlockAction()
    if c.action == "restart":
        return RestartAction(reason=c.reason)
    return ResendAction(from_seq=c.from_seq)


def send_command(
    db: Database,
    sender: CommandSender | None,
    user: User,
    kiosk_id: str,
    command: CommandIn,
    address: str,
) -> CommandView:
    with db.read() as s:
        kiosk = kiosk_row(s, user, kiosk_id)
        if kiosk is None:
            raise NotFound(f"no kiosk {kiosk_id}")
        store = kiosk.store
    if sender is None:
        with db.write() as s:
            audit.record(
                s,
                user.name,
                "command",
                store=store,
                target=f"{kiosk_id} {command.action}",
                ok=False,
                detail="no signing key or monitor",
                address=address,
            )
        raise Unavailable("this manager cannot send commands: no signing key, or --no-monitor")
    body = sender.send(kiosk_id, _action(command), issued_by=user.name)
    with db.write() as s:
        audit.record(
            s,
            user.name,
            "command",
            store=store,
            target=f"{kiosk_id} {command.action}",
            detail=f"command {body.command_id} {command.reason}".strip(),
            address=address,
        )
        row = command_log.get(s, str(body.command_id))
        assert row is not None
        return command_view(row)


def get_command(db: Database, user: User, command_id: str) -> CommandView:
    with db.read() as s:
        row = command_log.get(s, command_id)
        if row is None or not user.can_see(row.store):
            raise NotFound(f"no command {command_id}")
        return command_view(row)
