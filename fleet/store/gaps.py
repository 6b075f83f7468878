"""Sequence bookkeeping per kiosk: the high-water mark, holes, and holes that cannot be filled.

`high_water` is the largest N such that every event 1..N is stored, quarantined or known lost.
A hole is a missing range below what the kiosk has sent (stored events beyond it, or a
`last_seq` from its health); the monitor asks the kiosk to resend it after a grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from fleet.store.models import EventRow, GapRow, GapStatus, KioskRow, QuarantineRow

WALK_LIMIT = 50_000


@dataclass(frozen=True)
class Hole:
    kiosk_id: str
    store: str
    first: int
    last: int  # inclusive; for a tail hole, the kiosk's reported last_seq


def _lost_ranges(s: Session, kiosk_id: str) -> list[tuple[int, int]]:
    rows = s.execute(
        select(GapRow.from_seq, GapRow.to_seq).where(
            GapRow.kiosk_id == kiosk_id, GapRow.status == GapStatus.LOST.value
        )
    )
    return sorted((int(a), int(b)) for a, b in rows)


def _accounted(s: Session, kiosk_id: str, after: int) -> list[int]:
    """Sequence numbers above `after` that are stored or quarantined, ascending."""
    stored = s.scalars(
        select(EventRow.seq)
        .where(EventRow.kiosk_id == kiosk_id, EventRow.seq > after)
        .order_by(EventRow.seq)
        .limit(WALK_LIMIT)
    )
    quarantined = s.scalars(
        select(QuarantineRow.seq).where(
            QuarantineRow.kiosk_id == kiosk_id,
            QuarantineRow.seq > after,
            QuarantineRow.seq.is_not(None),
        )
    )
    return sorted({int(x) for x in stored} | {int(x) for x in quarantined if x is not None})


def walk(high_water: int, seqs: list[int], lost: list[tuple[int, int]]) -> tuple[int, int | None]:
    """(new high-water mark, first accounted seq after the first hole or None)."""
    expected = high_water + 1
    for seq in seqs:
        for first, last in lost:
            if first <= expected <= last:
                expected = last + 1
        if seq < expected:
            continue
        if seq > expected:
            return expected - 1, seq
        expected += 1
    for first, last in lost:
        if first <= expected <= last:
            expected = last + 1
    return expected - 1, None


def advance(s: Session, kiosk: KioskRow, now: datetime) -> Hole | None:
    """Move the kiosk's high-water mark forward; return the first hole, if there is one."""
    seqs = _accounted(s, kiosk.kiosk_id, kiosk.high_water)
    new_hw, beyond = walk(kiosk.high_water, seqs, _lost_ranges(s, kiosk.kiosk_id))
    if new_hw != kiosk.high_water:
        kiosk.high_water = new_hw
        s.execute(
            update(GapRow)
            .where(
                GapRow.kiosk_id == kiosk.kiosk_id,
                GapRow.status == GapStatus.OPEN.value,
                GapRow.from_seq <= new_hw,
            )
            .values(status=GapStatus.FILLED.value)
        )
    if beyond is not None:
        return Hole(kiosk.kiosk_id, kiosk.store, new_hw + 1, beyond - 1)
    if kiosk.reported_seq > new_hw:
        return Hole(kiosk.kiosk_id, kiosk.store, new_hw + 1, kiosk.reported_seq)
    return None


def kiosks_behind(s: Session) -> list[KioskRow]:
    """Kiosks with something above their high-water mark (stored or announced)."""
    return list(
        s.scalars(
            select(KioskRow).where(
                or_(
                    KioskRow.max_seq > KioskRow.high_water,
                    KioskRow.reported_seq > KioskRow.high_water,
                )
            )
        )
    )


def note_hole(s: Session, hole: Hole, now: datetime) -> GapRow:
    row = s.get(GapRow, (hole.kiosk_id, hole.first))
    if row is None:
        row = GapRow(
            kiosk_id=hole.kiosk_id,
            from_seq=hole.first,
            to_seq=hole.last,
            noticed_at=now,
            requests=0,
            status=GapStatus.OPEN.value,
        )
        s.add(row)
    else:
        row.to_seq = max(row.to_seq, hole.last)
    return row


def missing(s: Session, kiosk_id: str, first: int, last: int) -> list[tuple[int, int]]:
    """The ranges within first..last that are neither stored nor quarantined."""
    if last < first:
        return []
    have = [x for x in _accounted(s, kiosk_id, first - 1) if x <= last]
    ranges, expected = [], first
    for seq in have:
        if seq > expected:
            ranges.append((expected, seq - 1))
        expected = max(expected, seq + 1)
    if expected <= last:
        ranges.append((expected, last))
    return ranges


def mark_lost(s: Session, kiosk_id: str, first: int, last: int, now: datetime) -> None:
    """The kiosk no longer holds first..last: stop asking, and let the high-water mark pass."""
    row = s.get(GapRow, (kiosk_id, first))
    if row is None:
        row = GapRow(kiosk_id=kiosk_id, from_seq=first, noticed_at=now, requests=0)
        s.add(row)
    row.to_seq = last
    row.status = GapStatus.LOST.value
