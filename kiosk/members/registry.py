"""Members' face data: consent first, templates sealed, erasure that leaves no bytes behind."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text

from kiosk.members.config import FacePayConfig
from kiosk.members.consent import PURPOSE, TEXTS
from kiosk.members.templates import TemplateKey, open_sealed, seal
from kiosk.storage import members
from kiosk.storage.engine import Database
from kiosk.storage.models import ConsentRow, ErasureRow, FaceTemplateRow, MemberRow

logger = logging.getLogger(__name__)
_hasher = PasswordHasher()


class ConsentMissing(Exception):
    """No active consent on record: nothing may be encoded or stored for this member."""


class FaceLocked(Exception):
    """Too many wrong second-factor answers: face pay is locked for this member for a while."""


class UnknownMember(KeyError):
    """No member with this id (a KeyError whose message is not wrapped in quotes)."""

    def __init__(self, member_id: str) -> None:
        super().__init__(member_id)
        self.member_id = member_id

    def __str__(self) -> str:
        return f"no member {self.member_id}"


class MemberConflict(ValueError):
    """The id names someone else or an erased member: the face would go to the wrong person."""


@dataclass(frozen=True)
class StoredTemplate:
    member_id: str
    template_id: str
    encoding: np.ndarray


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def create_member(db: Database, name: str, phone: str, *, member_id: str | None = None) -> str:
    digits = _phone_digits(phone)
    member = members.add_member(db, name, member_id=member_id)
    set_phone(db, member.member_id, digits)
    return member.member_id


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def existing_for_enrolment(db: Database, member_id: str | None, name: str) -> bool:
    """True when `member_id` is an active member of this name; False when it is free to create.

    A face enrolled under the wrong id would pay from someone else's wallet, so an id that
    names another person or an erased member is refused rather than renamed or reused.
    """
    if member_id is None:
        return False
    with db.read() as s:
        row = s.get(MemberRow, member_id)
        if row is None:
            return False
        status, current = row.status, row.display_name
    if status != "active":
        raise MemberConflict(f"member {member_id} was erased: enrol them under a new member id")
    if not _same_name(current, name):
        raise MemberConflict(
            f"member {member_id} is {current!r}, not {name!r}: check the member id "
            "(enrolment does not rename a member)"
        )
    return True


def _phone_digits(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) < 4:
        raise ValueError("a phone number with at least four digits is needed for the second factor")
    return digits


def set_phone(db: Database, member_id: str, phone: str) -> None:
    """Keep (a hash of) the phone's last four digits: face pay's second factor."""
    digits = _phone_digits(phone)
    with db.write() as s:
        row = s.get(MemberRow, member_id)
        if row is None:
            raise UnknownMember(member_id)
        row.phone_last4_hash = _hasher.hash(digits[-4:])


def record_consent(
    db: Database, member_id: str, cfg: FacePayConfig, *, now: datetime | None = None
) -> None:
    if cfg.consent_version not in TEXTS:
        raise KeyError(f"no consent text version {cfg.consent_version!r}")
    with db.write() as s:
        if s.get(MemberRow, member_id) is None:
            raise UnknownMember(member_id)
        s.add(
            ConsentRow(
                member_id=member_id,
                text_version=cfg.consent_version,
                purpose=PURPOSE,
                granted_at=now or datetime.now(UTC),
                retention_days=cfg.retention_days,
            )
        )


def has_consent(db: Database, member_id: str) -> bool:
    with db.read() as s:
        query = (
            select(func.count())
            .select_from(ConsentRow)
            .where(ConsentRow.member_id == member_id, ConsentRow.withdrawn_at.is_(None))
        )
        return bool(s.scalar(query))


def add_templates(
    db: Database,
    key: TemplateKey,
    member_id: str,
    encodings: list[np.ndarray],
    *,
    now: datetime | None = None,
) -> int:
    """Seal and store encodings; refused outright when no consent is on record."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        consent = s.scalar(
            select(func.count())
            .select_from(ConsentRow)
            .where(ConsentRow.member_id == member_id, ConsentRow.withdrawn_at.is_(None))
        )
        if not consent:
            raise ConsentMissing(f"member {member_id} has not consented to face identification")
        for encoding in encodings:
            template_id = str(uuid.uuid4())
            nonce, ciphertext = seal(key, member_id, template_id, encoding)
            s.add(
                FaceTemplateRow(
                    template_id=template_id,
                    member_id=member_id,
                    key_id=key.key_id,
                    nonce=nonce,
                    ciphertext=ciphertext,
                    created_at=now,
                )
            )
    return len(encodings)


def load_templates(db: Database, key: TemplateKey) -> list[StoredTemplate]:
    """Every template, decrypted, for the in-memory index (never written anywhere)."""
    with db.read() as s:
        rows = list(
            s.execute(
                select(FaceTemplateRow, MemberRow.status)
                .join(MemberRow, MemberRow.member_id == FaceTemplateRow.member_id)
                .where(MemberRow.status == "active")
            ).tuples()
        )
    return [
        StoredTemplate(
            r.member_id,
            r.template_id,
            open_sealed(key, r.member_id, r.template_id, r.nonce, r.ciphertext),
        )
        for r, _status in rows
    ]


def _wipe_wal(db: Database) -> None:
    """Copy the WAL into the main file (secure_delete zeroed the freed bytes) and empty it."""
    if not db.is_sqlite:
        return
    for _ in range(50):
        raw = db.engine.raw_connection()  # outside any transaction, as a checkpoint must be
        try:
            busy, _log, _done = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            raw.close()
        if busy == 0:
            return
        time.sleep(0.1)  # a reader holds an old snapshot; it ends within its transaction
    logger.warning(
        "WAL checkpoint still busy after an erasure; it completes at the next checkpoint"
    )


def erase_member(
    db: Database, member_id: str, *, reason: str = "request", now: datetime | None = None
) -> int:
    """Right to erasure: templates deleted, name and phone hash overwritten; sales keep the id."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        member = s.get(MemberRow, member_id)
        if member is None:
            raise UnknownMember(member_id)
        gone = s.execute(delete(FaceTemplateRow).where(FaceTemplateRow.member_id == member_id))
        member.display_name = "erased"
        member.phone_last4_hash = None
        member.status = "erased"
        for consent in s.scalars(select(ConsentRow).where(ConsentRow.member_id == member_id)):
            consent.withdrawn_at = consent.withdrawn_at or now
        s.add(ErasureRow(member_id=member_id, what="member", reason=reason, at=now))
        count = int(getattr(gone, "rowcount", 0) or 0)
    _wipe_wal(db)
    return count


def purge_inactive(db: Database, retention_days: int, *, now: datetime | None = None) -> list[str]:
    """Delete the templates of members with no purchase for longer than the retention period."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=retention_days)
    with db.write() as s:
        stale = list(
            s.scalars(
                select(MemberRow.member_id)
                .join(FaceTemplateRow, FaceTemplateRow.member_id == MemberRow.member_id)
                .where(MemberRow.last_active_at < cutoff)
                .distinct()
            )
        )
        if stale:
            s.execute(delete(FaceTemplateRow).where(FaceTemplateRow.member_id.in_(stale)))
            for member_id in stale:
                s.add(ErasureRow(member_id=member_id, what="templates", reason="retention", at=now))
    if stale:
        _wipe_wal(db)
    return stale


def verify_digits(
    db: Database, member_id: str, digits: str, cfg: FacePayConfig, *, now: datetime | None = None
) -> bool:
    """The second factor. Wrong digits count; `max_failures` of them lock face pay for a while."""
    now = now or datetime.now(UTC)
    with db.write() as s:
        member = s.get(MemberRow, member_id)
        if member is None or member.status != "active" or member.phone_last4_hash is None:
            return False
        locked = _utc(member.face_locked_until)
        if locked is not None and locked > now:
            raise FaceLocked(f"face pay is locked until {locked:%H:%M}")
        try:
            ok = len(digits) == 4 and _hasher.verify(member.phone_last4_hash, digits)
        except (VerificationError, InvalidHashError):
            ok = False
        if ok:
            member.face_failed_attempts = 0
            member.face_locked_until = None
            return True
        member.face_failed_attempts += 1
        if member.face_failed_attempts >= cfg.max_failures:
            member.face_failed_attempts = 0
            member.face_locked_until = now + timedelta(minutes=cfg.lockout_minutes)
        return False


def is_locked(db: Database, member_id: str, *, now: datetime | None = None) -> bool:
    with db.read() as s:
        member = s.get(MemberRow, member_id)
        locked = _utc(member.face_locked_until) if member else None
        return locked is not None and locked > (now or datetime.now(UTC))


def template_count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(text("SELECT count(*) FROM face_templates")) or 0)
