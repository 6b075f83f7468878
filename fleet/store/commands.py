"""The command log: what was sent to which kiosk, by whom, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fleet.alerts import rules
from fleet.manager.inbound import ResultIn
from fleet.messages.commands import CommandBody, CommandName, ResultStatus
from fleet.store import gaps
from fleet.store.models import CommandRow, CommandStatus, KioskRow


def record_sent(s: Session, body: CommandBody) -> None:
    action = body.action
    s.add(
        CommandRow(
            command_id=str(body.command_id),
            kiosk_id=body.kiosk_id,
            store=body.store,
            action=action.name,
            args=action.model_dump(mode="json", exclude={"name"}),
            issued_by=body.issued_by,
            issued_at=body.issued_at,
            expires_at=body.expires_at,
            status=CommandStatus.SENT.value,
        )
    )


def store_result(s: Session, item: ResultIn, now: datetime) -> None:
    r = item.result
    if r.command_id is None:
        return  # a refusal of something unreadable: the kiosk journal has it, nothing to match
    row = s.get(CommandRow, str(r.command_id))
    if row is None or row.kiosk_id != r.kiosk_id or row.status != CommandStatus.SENT.value:
        return  # not ours, or already settled (a redelivered result)
    row.status = CommandStatus(r.status.value).value
    row.result_detail = r.detail
    row.result_data = dict(r.data)
    row.result_at = r.at
    if r.status != ResultStatus.OK:
        return
    if r.action in (CommandName.LOCK, CommandName.UNLOCK):
        s.execute(
            update(KioskRow)
            .where(KioskRow.kiosk_id == r.kiosk_id)
            .values(locked=r.action == CommandName.LOCK)
        )
    elif r.action == CommandName.RESEND:
        _resend_answered(s, row, item, now)


def _resend_answered(s: Session, row: CommandRow, item: ResultIn, now: datetime) -> None:
    """The kiosk said which events it still holds; anything older it cannot send again."""
    data = item.result.data
    wanted = int(row.args.get("from_seq", 0))
    first = data.get("first_available")
    last = data.get("last_seq")
    if not isinstance(last, int) or wanted < 1:
        return
    gone_until = (first - 1) if isinstance(first, int) else last
    for lo, hi in gaps.missing(s, row.kiosk_id, wanted, gone_until):
        gaps.mark_lost(s, row.kiosk_id, lo, hi, now)
        rules.events_lost(s, row.kiosk_id, item.address.store, lo, hi, now)


def expire(s: Session, now: datetime) -> int:
    result = s.execute(
        update(CommandRow)
        .where(CommandRow.status == CommandStatus.SENT.value, CommandRow.expires_at < now)
        .values(status=CommandStatus.EXPIRED.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def get(s: Session, command_id: str) -> CommandRow | None:
    return s.scalar(select(CommandRow).where(CommandRow.command_id == command_id))
