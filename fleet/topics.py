"""Every MQTT topic of the fleet, built from config: `{prefix}/{store}/{kiosk}/{kind}`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from fleet.config import TopicsConfig

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


class TopicKind(StrEnum):
    """The last part of a kiosk topic; who publishes it is in the comment."""

    STATUS = "status"  # kiosk, retained; the will says offline
    HEALTH = "health"  # kiosk, every N seconds
    SALES = "sales"  # kiosk outbox
    ALERTS = "alerts"  # kiosk outbox
    SESSIONS = "sessions"  # kiosk outbox
    STOCK = "stock"  # kiosk outbox (stock changes)
    REFUNDS = "refunds"  # kiosk outbox
    STOCK_SNAPSHOT = "stock/snapshot"  # kiosk, full stock levels
    EVENTS_ACK = "events/ack"  # manager: these events are stored
    CMD = "cmd"  # manager: signed commands
    CMD_ACK = "cmd/ack"  # kiosk: the result of a command


# Outbox event kind (kiosk.storage.outbox) -> the topic it travels on.
EVENT_TOPICS: dict[str, TopicKind] = {
    "sale": TopicKind.SALES,
    "alert": TopicKind.ALERTS,
    "session": TopicKind.SESSIONS,
    "stock": TopicKind.STOCK,
    "refund": TopicKind.REFUNDS,
}
EVENT_KINDS: dict[TopicKind, str] = {t: k for k, t in EVENT_TOPICS.items()}

# What manager workers share through $share; status goes to the monitor, unshared, because
# shared subscriptions never receive retained messages.
WORKER_KINDS: tuple[TopicKind, ...] = (
    *EVENT_TOPICS.values(),
    TopicKind.HEALTH,
    TopicKind.STOCK_SNAPSHOT,
    TopicKind.CMD_ACK,
)


class TopicError(ValueError):
    """A topic that is not one of ours."""


@dataclass(frozen=True)
class Address:
    store: str
    kiosk: str
    kind: TopicKind


@dataclass(frozen=True)
class KioskTopics:
    """The topics of one kiosk."""

    prefix: str
    store: str
    kiosk: str

    def topic(self, kind: TopicKind) -> str:
        return f"{self.prefix}/{self.store}/{self.kiosk}/{kind.value}"

    def event(self, event_kind: str) -> str:
        try:
            return self.topic(EVENT_TOPICS[event_kind])
        except KeyError:
            raise TopicError(f"no topic for outbox event kind {event_kind!r}") from None

    @property
    def status(self) -> str:
        return self.topic(TopicKind.STATUS)

    @property
    def health(self) -> str:
        return self.topic(TopicKind.HEALTH)

    @property
    def stock_snapshot(self) -> str:
        return self.topic(TopicKind.STOCK_SNAPSHOT)

    @property
    def events_ack(self) -> str:
        return self.topic(TopicKind.EVENTS_ACK)

    @property
    def cmd(self) -> str:
        return self.topic(TopicKind.CMD)

    @property
    def cmd_ack(self) -> str:
        return self.topic(TopicKind.CMD_ACK)


class Topics:
    def __init__(self, config: TopicsConfig | None = None) -> None:
        config = config or TopicsConfig()
        self.prefix = config.prefix
        self.share_group = config.share_group
        self._depth = self.prefix.count("/") + 1
        self._parsed: dict[str, Address] = {}

    def kiosk(self, store: str, kiosk: str) -> KioskTopics:
        for what, name in (("store", store), ("kiosk", kiosk)):
            if not _NAME.match(name):
                raise TopicError(f"{what} id {name!r} cannot be used in a topic")
        return KioskTopics(self.prefix, store, kiosk)

    def any_kiosk(self, kind: TopicKind) -> str:
        return f"{self.prefix}/+/+/{kind.value}"

    def shared(self, kind: TopicKind) -> str:
        return f"$share/{self.share_group}/{self.any_kiosk(kind)}"

    def worker_subscriptions(self) -> list[str]:
        return [self.shared(kind) for kind in WORKER_KINDS]

    def monitor_subscriptions(self) -> list[str]:
        return [self.any_kiosk(TopicKind.STATUS)]

    def parse(self, topic: str) -> Address:
        """The address of a kiosk topic (cached: a fleet has few distinct topics)."""
        address = self._parsed.get(topic)
        if address is None:
            address = self._parse(topic)
            if len(self._parsed) < 200_000:
                self._parsed[topic] = address
        return address

    def _parse(self, topic: str) -> Address:
        parts = topic.split("/")
        if "/".join(parts[: self._depth]) != self.prefix or len(parts) < self._depth + 3:
            raise TopicError(f"not a kiosk topic: {topic[:200]!r}")
        store, kiosk = parts[self._depth], parts[self._depth + 1]
        try:
            kind = TopicKind("/".join(parts[self._depth + 2 :]))
        except ValueError:
            raise TopicError(f"unknown topic kind in {topic[:200]!r}") from None
        if not (_NAME.match(store) and _NAME.match(kiosk)):
            raise TopicError(f"bad store or kiosk id in {topic[:200]!r}")
        return Address(store, kiosk, kind)
