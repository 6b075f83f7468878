"""Committing a worker's batch whatever happens: wait out a store that is down, and isolate
the one message that breaks it (quarantined, so the rest of the batch goes through)."""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.exc import DBAPIError, OperationalError

from fleet.lifecycle import StopFlag
from fleet.manager.inbound import EventIn, Item, Refused
from fleet.messages.base import utcnow
from fleet.messages.events import EventHeader
from fleet.store.ingest import BatchOutcome, IngestStore

logger = logging.getLogger(__name__)

STORE_RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class RetryCounter(Protocol):
    store_retries: int


def commit_resilient(
    ingest: IngestStore, items: list[Item], stop: StopFlag, stats: RetryCounter
) -> BatchOutcome | None:
    """The batch's outcome, or None if asked to stop while the store was unavailable."""
    attempt = 0
    while True:
        try:
            return _commit_splitting(ingest, items)
        except (OperationalError, DBAPIError) as e:
            if not is_unavailable(e):
                raise
            delay = STORE_RETRY_S[min(attempt, len(STORE_RETRY_S) - 1)]
            logger.warning("store unavailable (%s); retrying in %.1fs", e.orig, delay)
            stats.store_retries += 1
            attempt += 1
            if stop.wait(delay):
                return None


def _commit_splitting(ingest: IngestStore, items: list[Item]) -> BatchOutcome:
    try:
        return ingest.commit(items, utcnow())
    except (OperationalError, DBAPIError) as e:
        if is_unavailable(e):
            raise
        failure: Exception = e
    except Exception as e:  # a bug meeting odd data: find the message and set it aside
        failure = e
    if len(items) == 1:
        logger.error("a message on %s breaks the store: %s", topic_of(items[0]), failure)
        return ingest.commit([as_refused(items[0], failure)], utcnow())
    half = len(items) // 2
    return merge(_commit_splitting(ingest, items[:half]), _commit_splitting(ingest, items[half:]))


def is_unavailable(e: Exception) -> bool:
    """Locked, deadlocked, disconnected or down: worth retrying (unlike a constraint or a bug)."""
    if isinstance(e, DBAPIError) and e.connection_invalidated:
        return True
    text = str(getattr(e, "orig", e)).lower()
    return isinstance(e, OperationalError) and any(
        w in text
        for w in (
            "locked",
            "connect",
            "closed",
            "terminat",
            "timeout",
            "busy",
            "deadlock",
            "could not serialize",
        )
    )


def topic_of(item: Item) -> str:
    return item.topic if isinstance(item, EventIn | Refused) else str(item.address)


def as_refused(item: Item, error: Exception) -> Refused:
    reason = f"the store refused it: {type(error).__name__}: {error}"[:480]
    if isinstance(item, EventIn):
        e = item.event
        header = EventHeader(event_id=e.event_id, seq=e.seq, kiosk_id=e.kiosk_id)
        return Refused(item.topic, reason, len(item.body), item.body, item.address, header)
    if isinstance(item, Refused):
        return Refused(item.topic, reason, item.size, item.sample, item.address, item.header)
    return Refused(str(item.address), reason, 0, "", item.address)


def merge(a: BatchOutcome, b: BatchOutcome) -> BatchOutcome:
    for key, acks in b.acks.items():
        a.acks[key].extend(acks)
    a.stored += b.stored
    a.duplicates += b.duplicates
    a.quarantined += b.quarantined
    a.unacknowledged += b.unacknowledged
    a.health += b.health
    a.results.extend(b.results)
    return a
