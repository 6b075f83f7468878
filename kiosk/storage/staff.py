"""Staff accounts with argon2id-hashed PINs and a lockout after repeated wrong PINs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kiosk.storage.engine import Database
from kiosk.storage.models import StaffRow

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
_hasher = PasswordHasher()


class PinRejected(Exception):
    """Wrong PIN, unknown or inactive staff, or locked out; the message says which."""


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    name: str
    role: str


def validate_pin(pin: str, min_length: int = 4) -> None:
    if not pin.isdigit() or not min_length <= len(pin) <= 12:
        raise ValueError(f"a PIN is {min_length} to 12 digits")


def add_staff(db: Database, staff_id: str, name: str, pin: str, *, role: str = "attendant") -> None:
    validate_pin(pin)
    now = datetime.now(UTC)
    with db.write() as s:
        row = s.get(StaffRow, staff_id)
        if row is None:
            s.add(
                StaffRow(
                    staff_id=staff_id,
                    name=name,
                    pin_hash=_hasher.hash(pin),
                    role=role,
                    active=True,
                    failed_attempts=0,
                    created_at=now,
                )
            )
        else:
            row.name, row.pin_hash, row.role, row.active = name, _hasher.hash(pin), role, True
            row.failed_attempts, row.locked_until = 0, None


def verify_pin(
    db: Database, staff_id: str, pin: str, *, now: datetime | None = None
) -> StaffMember:
    """The staff member whose PIN this is; raises PinRejected otherwise (and counts failures)."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        row = s.get(StaffRow, staff_id)
        if row is None or not row.active:
            raise PinRejected("unknown staff id")
        locked = row.locked_until
        if locked is not None and locked.replace(tzinfo=locked.tzinfo or UTC) > now:
            raise PinRejected("too many wrong PINs: locked for a few minutes")
        try:
            _hasher.verify(row.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            row.failed_attempts += 1
            if row.failed_attempts >= MAX_FAILURES:
                row.locked_until, row.failed_attempts = now + LOCKOUT, 0
            raise PinRejected("wrong PIN") from None
        row.failed_attempts, row.locked_until = 0, None
        return StaffMember(row.staff_id, row.name, row.role)


def find_by_pin(db: Database, pin: str) -> StaffMember:
    """Staff sign in at the kiosk with a PIN alone: try each active account (few per store)."""
    from sqlalchemy import select

    with db.read() as s:
        ids = list(s.scalars(select(StaffRow.staff_id).where(StaffRow.active.is_(True))))
    for staff_id in ids:
        try:
            return verify_pin(db, staff_id, pin)
        except PinRejected:
            continue
    raise PinRejected("wrong PIN")
