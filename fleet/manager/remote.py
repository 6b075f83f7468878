"""Sending one command from the operator's shell and waiting for the kiosk's answer."""

from __future__ import annotations

import os
import queue
import threading
from dataclasses import dataclass

from pydantic import ValidationError

from fleet.config import LoadedFleetConfig
from fleet.manager.commands import CommandSender
from fleet.manager.inbound import ResultIn
from fleet.messages.base import utcnow
from fleet.messages.commands import Action, CommandBody, CommandResult
from fleet.mqtt import new_client
from fleet.signing import Signer, load_private_key
from fleet.store import commands as command_log
from fleet.store.database import open_store
from fleet.topics import Address, TopicKind, Topics


class BrokerUnavailable(RuntimeError):
    """Could not connect or subscribe in time (the message says which)."""


@dataclass(frozen=True)
class Sent:
    body: CommandBody
    result: CommandResult | None  # None: no answer within the wait


def send_command(
    loaded: LoadedFleetConfig, kiosk_id: str, action: Action, issued_by: str, wait_s: float
) -> Sent:
    cfg = loaded.config
    db = open_store(loaded.store_url)
    topics = Topics(cfg.topics)
    signer = Signer(load_private_key(loaded.private_key_file))
    results: queue.Queue[bytes] = queue.Queue()
    subscribed = threading.Event()
    client = new_client(
        f"{cfg.manager.client_id}-cli-{os.getpid()}",
        cfg.broker,
        username=cfg.manager.username,
        password=os.environ.get(cfg.manager.password_env),
        ca_file=loaded.ca_file,
    )
    client.on_message = lambda _c, _u, m: results.put(bytes(m.payload))
    client.on_subscribe = lambda *_a: subscribed.set()

    def publish(topic: str, payload: bytes) -> None:
        client.publish(topic, payload, qos=1).wait_for_publish(10)

    sender = CommandSender(db, signer, topics, publish, ttl_s=cfg.manager.command_ttl_s)
    store = sender.store_of(kiosk_id)
    try:
        client.connect(cfg.broker.host, cfg.manager.port or cfg.broker.port, cfg.broker.keepalive_s)
    except OSError as e:
        raise BrokerUnavailable(f"cannot reach the broker: {e}") from None
    client.loop_start()
    try:
        client.subscribe(topics.kiosk(store, kiosk_id).cmd_ack, qos=1)
        if not subscribed.wait(10):
            raise BrokerUnavailable("the broker did not confirm the subscription")
        body = sender.send(kiosk_id, action, issued_by)
        result = _wait(results, body, wait_s)
    finally:
        client.disconnect()
        client.loop_stop()
    if result is not None:
        with db.write() as s:
            command_log.store_result(
                s, ResultIn(Address(store, kiosk_id, TopicKind.CMD_ACK), result), utcnow()
            )
    db.close()
    return Sent(body, result)


def _wait(results: queue.Queue[bytes], body: CommandBody, wait_s: float) -> CommandResult | None:
    deadline = threading.Event()
    timer = threading.Timer(wait_s, deadline.set)
    timer.start()
    try:
        while not deadline.is_set():
            try:
                payload = results.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                result = CommandResult.model_validate_json(payload)
            except ValidationError:
                continue
            if result.command_id == body.command_id:
                return result
        return None
    finally:
        timer.cancel()
