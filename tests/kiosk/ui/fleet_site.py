"""A fleet site for the app's tests: the fleet tests' harness (real Mosquitto on a free port,
real manager worker, signing keys) plus its config written as a TOML file a kiosk can name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import tomli_w
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from sqlalchemy import select

from fleet.manager.commands import CommandSender
from fleet.manager.worker import IngestWorker
from fleet.messages.commands import Action
from fleet.messages.telemetry import Status
from fleet.store.models import CommandRow, CommandStatus, EventRow, KioskRow
from tests.fleet.conftest import Harness, wait_until
from tests.kiosk.ui.conftest import write_config

KIOSK_ID, STORE = "demo-01", "store-001"  # the shipped kiosk.toml


class Listener:
    """Everything published about the kiosk, seen with the manager's account."""

    def __init__(self, h: Harness, topic: str, client_id: str = "app-test-listener") -> None:
        self.got: list[tuple[str, bytes, bool]] = []
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5
        )
        self.client.username_pw_set("fleet-manager", h.users["fleet-manager"])
        self.client.on_message = lambda _c, _u, m: self.got.append(
            (m.topic, bytes(m.payload), bool(m.retain))
        )
        self.client.connect("127.0.0.1", h.broker.manager_port)
        self.client.subscribe(topic, qos=1)
        self.client.loop_start()

    def statuses(self) -> list[Status]:
        return [Status.model_validate_json(p) for t, p, _r in self.got if t.endswith("/status")]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class FleetSite:
    def __init__(self, workdir: Path) -> None:
        self.h = Harness(workdir / "fleet", kiosks=(KIOSK_ID,))
        self.worker: IngestWorker | None = None
        self.listeners: list[Listener] = []

    @property
    def password(self) -> str:
        return self.h.users[KIOSK_ID]

    def kiosk_config(self, folder: Path, changes: dict[str, Any]) -> Path:
        """The shipped kiosk config with `[fleet]` enabled and pointing at this site."""
        fleet = {"fleet.enabled": True, "fleet.config_file": "site.toml"}
        path = write_config(folder, {**fleet, **changes})
        data = self.h.loaded.config.model_dump(mode="json", exclude_none=True)
        (folder / "site.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
        return path

    def listen(self, topic: str = f"kiosks/{STORE}/{KIOSK_ID}/#") -> Listener:
        self.listeners.append(Listener(self.h, topic, f"app-test-listener-{len(self.listeners)}"))
        return self.listeners[-1]

    def start_worker(self) -> IngestWorker:
        self.worker = self.h.start_worker()
        return self.worker

    def wait_known(self) -> None:
        def known() -> bool:
            with self.h.db.read() as s:
                return s.get(KioskRow, KIOSK_ID) is not None

        wait_until(known, what="the kiosk known to the fleet store")

    def command(self, action: Action) -> CommandRow:
        """Signed and sent as the manager does; returns the kiosk's result."""
        worker = self.worker
        assert worker is not None, "start the worker first"
        sender = CommandSender(
            self.h.db,
            self.h.signer,
            self.h.topics,
            lambda t, p: worker.client.publish(t, p, qos=1),
            ttl_s=60,
        )
        sent = str(sender.send(KIOSK_ID, action, issued_by="op").command_id)

        def result() -> CommandRow | None:
            with self.h.db.read() as s:
                row = s.get(CommandRow, sent)
                return row if row and row.status != CommandStatus.SENT.value else None

        row: CommandRow = wait_until(result, what=f"the result of {action.name}")
        return row

    def stored_events(self) -> list[int]:
        with self.h.db.read() as s:
            return list(s.scalars(select(EventRow.seq).where(EventRow.kiosk_id == KIOSK_ID)))

    def close(self) -> None:
        for listener in self.listeners:
            listener.close()
        self.h.close()
