"""Fleet test harness: real Mosquitto (shipped limits and ACL), real SQLite, real agents."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fleet.agent.commands import CommandProcessor
from fleet.agent.core import AgentCore, Identity
from fleet.agent.health import FixedHealth
from fleet.agent.hooks import AppHooks
from fleet.agent.journal import Journal
from fleet.agent.outbox import MemoryOutbox, OutboxSource
from fleet.agent.runner import KioskAgent
from fleet.broker.local import LocalMosquitto, TlsFiles
from fleet.config import LoadedFleetConfig
from fleet.manager.monitor import Monitor
from fleet.manager.worker import IngestWorker
from fleet.signing import Signer, Verifier, generate_keypair, load_private_key, load_public_key
from fleet.sim.stack import local_config
from fleet.store.database import open_store
from fleet.topics import Topics

FAST = {
    "agent": {"health_interval_s": 1.0, "ack_timeout_s": 3.0, "poll_s": 0.05},
    "manager": {
        "heartbeat_timeout_s": 5,
        "gap_grace_s": 1,
        "resend_interval_s": 2,
        "monitor_interval_s": 0.2,
        "batch_wait_ms": 10,
    },
    "broker": {"reconnect_min_s": 0.2, "reconnect_max_s": 1.0, "keepalive_s": 10},
}


def wait_until(predicate: Callable[[], Any], timeout_s: float = 20.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what or predicate}")


class Harness:
    def __init__(
        self,
        workdir: Path,
        kiosks: tuple[str, ...] = ("k1", "k2"),
        tls: TlsFiles | None = None,
        **sections: dict[str, Any],
    ) -> None:
        self.workdir = workdir
        self.users = {k: f"pw-{k}" for k in kiosks}
        self.users["fleet-manager"] = "pw-manager"
        (workdir / "broker").mkdir(parents=True, exist_ok=True)
        self.broker = LocalMosquitto(workdir / "broker", users=self.users, tls=tls).start()
        private, public = workdir / "keys" / "signing.key", workdir / "keys" / "signing.pub"
        generate_keypair(private, public)
        merged = {name: dict(values) for name, values in FAST.items()}
        for name, values in sections.items():
            merged[name] = {**merged.get(name, {}), **values}
        merged["keys"] = {"private_key_file": str(private), "public_key_files": [str(public)]}
        self.loaded: LoadedFleetConfig = local_config(workdir, self.broker, **merged)
        self.db = open_store(self.loaded.store_url)
        self.topics = Topics(self.loaded.config.topics)
        self.signer = Signer(load_private_key(private))
        self.verifier = Verifier([load_public_key(public)])
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.workers: list[IngestWorker] = []
        self.agents: list[KioskAgent] = []
        self.monitor: Monitor | None = None

    # -- manager side -------------------------------------------------------------------

    def _thread(self, target: Callable[[threading.Event], None], name: str) -> None:
        t = threading.Thread(target=target, args=(self._stop,), name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def start_worker(self, index: int = 0, wait: bool = True) -> IngestWorker:
        worker = IngestWorker(self.loaded, index, db=self.db, password=self.users["fleet-manager"])
        self.workers.append(worker)
        self._thread(worker.run, f"worker-{index}")
        if wait:
            assert worker.wait_ready(20), "worker did not subscribe"
        return worker

    def start_monitor(self) -> Monitor:
        self.monitor = Monitor(
            self.loaded, db=self.db, signer=self.signer, password=self.users["fleet-manager"]
        )
        self._thread(self.monitor.run, "monitor")
        assert self.monitor.wait_connected(20)
        return self.monitor

    # -- kiosk side ---------------------------------------------------------------------

    def core(
        self,
        kiosk_id: str,
        store: str = "s1",
        outbox: OutboxSource | None = None,
        hooks: AppHooks | None = None,
        commands: bool = True,
        password: str | None = None,
    ) -> AgentCore:
        cfg = self.loaded.config
        core = AgentCore(
            identity=Identity(store, kiosk_id, "test", "cfg"),
            topics=self.topics,
            config=cfg.agent,
            broker=cfg.broker,
            outbox=outbox if outbox is not None else MemoryOutbox(),
            machine=FixedHealth(),
            hooks=hooks or AppHooks(),
            password=password if password is not None else self.users.get(kiosk_id, "x"),
            ca_file=self.loaded.ca_file,
        )
        if commands:
            core.commands = CommandProcessor(
                store=store,
                kiosk_id=kiosk_id,
                verifier=self.verifier,
                journal=Journal(self.workdir / f"journal-{kiosk_id}.db"),
                config=cfg.agent,
                hooks=core.hooks,
                resend=core.resend,
            )
        return core

    def agent(self, kiosk_id: str, **kw: Any) -> KioskAgent:
        agent = KioskAgent(self.core(kiosk_id, **kw), rng=random.Random(1))
        self.agents.append(agent)
        agent.start()
        return agent

    def close_agents(self) -> None:
        for agent in self.agents:
            agent.stop(2)

    def close(self) -> None:
        self.close_agents()
        self._stop.set()
        for t in self._threads:
            t.join(10)
        self.broker.stop()
        self.db.close()


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(**kw: Any) -> Harness:
        h = Harness(tmp_path / f"h{len(made)}", **kw)
        made.append(h)
        return h

    yield make
    for h in made:
        h.close()


@pytest.fixture
def wait() -> Callable[..., Any]:
    """wait(predicate, timeout_s=20, what="") -> the first truthy value, or fail."""
    return wait_until
