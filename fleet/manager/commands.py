"""Sending signed commands: build the body, sign it, log it, publish it to the kiosk."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from fleet.messages.base import utcnow
from fleet.messages.commands import Action, CommandBody
from fleet.signing import Signer
from fleet.store import commands as command_log
from fleet.store.models import KioskRow
from fleet.topics import Topics
from kiosk.storage.engine import Database

Publish = Callable[[str, bytes], None]


class UnknownKiosk(LookupError):
    """The fleet has never heard from this kiosk, so it does not know its store."""


class CommandSender:
    def __init__(
        self,
        db: Database,
        signer: Signer,
        topics: Topics,
        publish: Publish,
        *,
        ttl_s: int,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.signer = signer
        self.topics = topics
        self.publish = publish
        self.ttl_s = ttl_s
        self.wall = wall

    def body(self, kiosk_id: str, store: str, action: Action, issued_by: str) -> CommandBody:
        now = self.wall()
        return CommandBody(
            command_id=uuid.uuid4(),
            nonce=secrets.token_hex(16),
            store=store,
            kiosk_id=kiosk_id,
            issued_at=now,
            expires_at=now + timedelta(seconds=self.ttl_s),
            issued_by=issued_by,
            action=action,
        )

    def store_of(self, kiosk_id: str) -> str:
        with self.db.read() as s:
            row = s.get(KioskRow, kiosk_id)
            if row is None:
                raise UnknownKiosk(f"no kiosk {kiosk_id!r} has reported to this fleet")
            return row.store

    def send(self, kiosk_id: str, action: Action, issued_by: str) -> CommandBody:
        """Logged first (status `sent`), then published at QoS 1; the result comes on cmd/ack."""
        body = self.body(kiosk_id, self.store_of(kiosk_id), action, issued_by)
        signed = self.signer.sign(body)
        with self.db.write() as s:
            command_log.record_sent(s, body)
        self.publish(self.topics.kiosk(body.store, kiosk_id).cmd, signed.to_json())
        return body
