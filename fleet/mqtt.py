"""paho-mqtt 2.x in one place: MQTT v5 clients, TLS, and the typed properties we send."""

from __future__ import annotations

from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from fleet.config import BrokerConfig

Payload = bytes | bytearray


def new_client(
    client_id: str,
    broker: BrokerConfig,
    *,
    username: str,
    password: str | None,
    ca_file: Path | None,
    manual_ack: bool = False,
    reconnect: bool = False,
) -> mqtt.Client:
    """An MQTT v5 client; with `reconnect`, paho's own loop reconnects (backing off)."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=MQTTProtocolVersion.MQTTv5,
        reconnect_on_failure=reconnect,
        manual_ack=manual_ack,
    )
    if reconnect:
        client.reconnect_delay_set(
            max(1, int(broker.reconnect_min_s)), max(1, int(broker.reconnect_max_s))
        )
    client.username_pw_set(username, password)
    if broker.tls:
        client.tls_set(ca_certs=str(ca_file) if ca_file else None)
        client.tls_insecure_set(False)
    return client


def connect_properties(session_expiry_s: int, receive_maximum: int | None = None) -> Properties:
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = session_expiry_s
    if receive_maximum is not None:
        props.ReceiveMaximum = receive_maximum
    return props


def end_session() -> Properties:
    """DISCONNECT properties: drop our session now (a shared subscription member leaving)."""
    props = Properties(PacketTypes.DISCONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = 0
    return props


def expiring(seconds: int) -> Properties:
    """PUBLISH properties: the broker drops the message if undelivered after `seconds`."""
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.MessageExpiryInterval = seconds
    return props


def connect(
    client: mqtt.Client,
    broker: BrokerConfig,
    *,
    port: int | None = None,
    receive_maximum: int | None = None,
) -> None:
    """Blocking TCP (and TLS) connect with a persistent session; CONNACK comes via the loop."""
    client.connect(
        broker.host,
        port or broker.port,
        keepalive=broker.keepalive_s,
        clean_start=False,
        properties=connect_properties(broker.session_expiry_s, receive_maximum),
    )
