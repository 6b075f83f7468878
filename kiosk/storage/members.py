"""Loyalty members: points balance and the member wallet ledger (idempotent by key)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from kiosk.storage.engine import Database
from kiosk.storage.models import MemberRow, WalletEntryRow


@dataclass(frozen=True)
class Member:
    member_id: str
    display_name: str
    points_balance: int
    wallet_balance: int
    status: str


def _member(row: MemberRow) -> Member:
    return Member(
        row.member_id, row.display_name, row.points_balance, row.wallet_balance, row.status
    )


def add_member(
    db: Database,
    display_name: str,
    *,
    member_id: str | None = None,
    points: int = 0,
    wallet: int = 0,
) -> Member:
    now = datetime.now(UTC)
    member_id = member_id or str(uuid.uuid4())
    with db.write() as s:
        existing = s.get(MemberRow, member_id)
        if existing is not None:  # an erased member keeps its id: its sales still name it
            state = "was erased" if existing.status == "erased" else "already exists"
            raise ValueError(f"member {member_id} {state}: choose another member id")
        row = MemberRow(
            member_id=member_id,
            display_name=display_name,
            points_balance=points,
            wallet_balance=0,
            status="active",
            created_at=now,
            last_active_at=now,
        )
        s.add(row)
        if wallet:
            row.wallet_balance = wallet
            s.add(
                WalletEntryRow(
                    key=f"opening-{member_id}",
                    kind="topup",
                    member_id=member_id,
                    amount=wallet,
                    created_at=now,
                )
            )
        s.flush()
        return _member(row)


def get_member(db: Database, member_id: str) -> Member | None:
    with db.read() as s:
        row = s.get(MemberRow, member_id)
        return _member(row) if row and row.status == "active" else None


class WalletDeclined(Exception):
    pass


def wallet_charge(db: Database, key: str, member_id: str, amount: int) -> int:
    """Charge once per key; a repeated key returns the first result. Returns the new balance."""
    now = datetime.now(UTC)
    with db.write() as s:
        done = s.scalars(
            select(WalletEntryRow).where(WalletEntryRow.key == key, WalletEntryRow.kind == "charge")
        ).first()
        member = s.get(MemberRow, member_id)
        if member is None or member.status != "active":
            raise WalletDeclined("no such member")
        if done is not None:
            return member.wallet_balance
        if member.wallet_balance < amount:
            raise WalletDeclined("insufficient wallet balance")
        member.wallet_balance -= amount
        member.last_active_at = now
        s.add(
            WalletEntryRow(
                key=key, kind="charge", member_id=member_id, amount=-amount, created_at=now
            )
        )
        return member.wallet_balance


def wallet_entry(db: Database, key: str, kind: str = "charge") -> WalletEntryRow | None:
    with db.read() as s:
        return s.scalars(
            select(WalletEntryRow).where(WalletEntryRow.key == key, WalletEntryRow.kind == kind)
        ).first()


def wallet_credit(db: Database, key: str, member_id: str, amount: int, kind: str = "refund") -> int:
    now = datetime.now(UTC)
    with db.write() as s:
        member = s.get(MemberRow, member_id)
        if member is None:
            raise KeyError(member_id)
        done = s.scalars(
            select(WalletEntryRow).where(WalletEntryRow.key == key, WalletEntryRow.kind == kind)
        ).first()
        if done is None:
            member.wallet_balance += amount
            s.add(
                WalletEntryRow(
                    key=key, kind=kind, member_id=member_id, amount=amount, created_at=now
                )
            )
        return member.wallet_balance


def add_points(db: Database, member_id: str, points: int) -> int:
    with db.write() as s:
        member = s.get(MemberRow, member_id)
        if member is None:
            raise KeyError(member_id)
        member.points_balance += points
        return member.points_balance
