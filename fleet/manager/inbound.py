"""Turning raw MQTT messages into typed items, or refusals that say what was wrong.

Runs before any database work, so a malformed, oversized or misaddressed payload costs one
parse and becomes a quarantine row; it never reaches the store or stops a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from fleet.messages.commands import CommandResult
from fleet.messages.events import EVENT_ADAPTER, Event, EventHeader
from fleet.messages.telemetry import Health, StockSnapshot
from fleet.topics import EVENT_KINDS, Address, TopicError, TopicKind, Topics

SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class EventIn:
    topic: str
    address: Address
    event: Event
    body: str  # the message as received; stored verbatim


@dataclass(frozen=True)
class HealthIn:
    address: Address
    health: Health


@dataclass(frozen=True)
class SnapshotIn:
    address: Address
    snapshot: StockSnapshot


@dataclass(frozen=True)
class ResultIn:
    address: Address
    result: CommandResult


@dataclass(frozen=True)
class Refused:
    """Kept in quarantine; acknowledged to the kiosk when its event header could be read."""

    topic: str
    reason: str
    size: int
    sample: str
    address: Address | None = None
    header: EventHeader | None = None


Item = EventIn | HealthIn | SnapshotIn | ResultIn | Refused


def _first_error(error: ValidationError) -> str:
    errors = error.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "(message)"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"[:480]


def _text(payload: bytes, limit: int) -> str:
    return payload[:limit].decode("utf-8", errors="replace")


class Parser:
    def __init__(self, topics: Topics, max_bytes: int) -> None:
        self.topics = topics
        self.max_bytes = max_bytes

    def parse(self, topic: str, payload: bytes) -> Item:
        size = len(payload)
        try:
            address = self.topics.parse(topic)
        except TopicError as e:
            return Refused(topic[:300], str(e), size, _text(payload, SAMPLE_CHARS))
        if size > self.max_bytes:
            # Kept whole when it is an event we can acknowledge: refused here, not lost.
            header = self._header(address, payload)
            return Refused(
                topic,
                f"payload of {size} bytes is over the {self.max_bytes}-byte limit",
                size,
                _text(payload, size if header else SAMPLE_CHARS),
                address,
                header,
            )
        try:
            return self._typed(address, topic, payload)
        except ValidationError as e:
            header = self._header(address, payload)
            sample = _text(payload, self.max_bytes if header else SAMPLE_CHARS)
            return Refused(topic, _first_error(e), size, sample, address, header)

    def _typed(self, address: Address, topic: str, payload: bytes) -> Item:
        kind = address.kind
        if kind in EVENT_KINDS:
            event = EVENT_ADAPTER.validate_json(payload)
            problem = self._misaddressed(address, event.kiosk_id, event.store)
            if problem is None and event.kind != EVENT_KINDS[kind]:
                problem = f"a {event.kind} event on the {kind.value} topic"
            if problem:
                return Refused(
                    topic,
                    problem,
                    len(payload),
                    _text(payload, self.max_bytes),
                    address,
                    self._header(address, payload),
                )
            return EventIn(topic, address, event, payload.decode())
        model: type[BaseModel]
        if kind == TopicKind.HEALTH:
            model = Health
        elif kind == TopicKind.STOCK_SNAPSHOT:
            model = StockSnapshot
        elif kind == TopicKind.CMD_ACK:
            model = CommandResult
        else:
            return Refused(topic, f"workers do not take {kind.value}", len(payload), "", address)
        message = model.model_validate_json(payload)
        store = getattr(message, "store", address.store)
        problem = self._misaddressed(address, getattr(message, "kiosk_id", ""), store)
        if problem:
            return Refused(topic, problem, len(payload), _text(payload, SAMPLE_CHARS), address)
        if isinstance(message, Health):
            return HealthIn(address, message)
        if isinstance(message, StockSnapshot):
            return SnapshotIn(address, message)
        assert isinstance(message, CommandResult)
        return ResultIn(address, message)

    @staticmethod
    def _misaddressed(address: Address, kiosk_id: str, store: str) -> str | None:
        if kiosk_id != address.kiosk or store != address.store:
            return f"message for {store}/{kiosk_id} on the topic of {address.store}/{address.kiosk}"
        return None

    @staticmethod
    def _header(address: Address, payload: bytes) -> EventHeader | None:
        if address.kind not in EVENT_KINDS:
            return None
        try:
            header = EventHeader.model_validate_json(payload)
        except ValidationError:
            return None
        # Acknowledge only to the kiosk whose topic it came on (the ACL vouches for that).
        return header if header.kiosk_id == address.kiosk else None
