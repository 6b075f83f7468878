"""Topics are built from config and parsed back; anything else is refused."""

from __future__ import annotations

import pytest

from fleet.config import TopicsConfig
from fleet.topics import TopicError, TopicKind, Topics


def test_kiosk_topics_round_trip() -> None:
    topics = Topics(TopicsConfig(prefix="acme/kiosks", share_group="ops"))
    k = topics.kiosk("store-1", "k_7")
    assert k.status == "acme/kiosks/store-1/k_7/status"
    assert k.event("sale") == "acme/kiosks/store-1/k_7/sales"
    assert k.cmd_ack == "acme/kiosks/store-1/k_7/cmd/ack"
    for kind in TopicKind:
        address = topics.parse(k.topic(kind))
        assert (address.store, address.kiosk, address.kind) == ("store-1", "k_7", kind)
    assert topics.shared(TopicKind.SALES) == "$share/ops/acme/kiosks/+/+/sales"
    assert topics.monitor_subscriptions() == ["acme/kiosks/+/+/status"]


def test_workers_never_subscribe_to_what_the_manager_publishes() -> None:
    filters = Topics().worker_subscriptions()
    assert not any(f.endswith(("/cmd", "/events/ack", "/status")) for f in filters)
    assert all(f.startswith("$share/fleet/kiosks/+/+/") for f in filters)


@pytest.mark.parametrize(
    "topic",
    [
        "other/s/k/sales",
        "kiosks/s/k",
        "kiosks/s/k/bogus",
        "kiosks/S/k/sales",
        "kiosks/s/+/sales",
        "kiosks/s/k/sales/extra",
    ],
)
def test_foreign_topics_are_refused(topic: str) -> None:
    with pytest.raises(TopicError):
        Topics().parse(topic)


def test_ids_that_would_break_a_topic_are_refused() -> None:
    with pytest.raises(TopicError):
        Topics().kiosk("s1", "k/1")
    with pytest.raises(TopicError):
        Topics().kiosk("s#", "k1")
    with pytest.raises(TopicError):
        Topics().kiosk("s1", "k1").event("price")
