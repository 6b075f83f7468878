"""`fleet serve`: ingest worker processes, the monitor, and any extra components (the web console).

Workers are separate processes (a Python process is one core at most) that share the load
through the broker's $share group, so a site scales by adding workers or hosts, not code.
A component is anything with `run(stop)`; the web console (issue 8) is added by appending a
factory to COMPONENT_FACTORIES: it receives the ManagerContext (store, topics, command sender).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from fleet.config import LoadedFleetConfig
from fleet.lifecycle import StopFlag
from fleet.manager.commands import CommandSender
from fleet.manager.monitor import Monitor
from fleet.manager.sink import PipeSink, store_process
from fleet.manager.worker import IngestWorker
from fleet.signing import KeyFileError, Signer, load_private_key
from fleet.store.database import open_store
from fleet.store.projection import Projector
from fleet.topics import Topics
from kiosk.storage.engine import Database

logger = logging.getLogger(__name__)


class Component(Protocol):
    name: str

    def run(self, stop: threading.Event) -> None:
        """Blocking until `stop` is set; runs on its own thread in the `fleet serve` process."""
        ...


@dataclass(frozen=True)
class ManagerContext:
    """What a component gets: the config, the store, topics, and a command sender."""

    loaded: LoadedFleetConfig
    db: Database
    topics: Topics
    commands: CommandSender | None  # None without a signing key or without the monitor


ComponentFactory = Callable[[ManagerContext], Component]
COMPONENT_FACTORIES: list[ComponentFactory] = []


def load_signer(loaded: LoadedFleetConfig) -> Signer | None:
    try:
        return Signer(load_private_key(loaded.private_key_file))
    except KeyFileError as e:
        logger.warning("%s", e)
        return None


def _worker_process(
    loaded: LoadedFleetConfig,
    index: int,
    stop: StopFlag,
    ready: StopFlag,
    conn: Connection,
    log_level: int,
) -> None:
    logging.basicConfig(level=log_level, format="%(asctime)s worker-%(process)d %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    worker = IngestWorker(loaded, index, ready=ready, sink=PipeSink(conn))
    worker.run(stop, own_process=True)


def _projector_process(loaded: LoadedFleetConfig, stop: StopFlag, log_level: int) -> None:
    logging.basicConfig(level=log_level, format="%(asctime)s projector-%(process)d %(message)s")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Background work: during a burst the ingest workers get the CPU, this catches up after.
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    Projector(open_store(loaded.store_url, migrate=False), loaded.config.alerts).run(stop)


class ManagerService:
    def __init__(
        self,
        loaded: LoadedFleetConfig,
        *,
        workers: int | None = None,
        monitor: bool = True,
        projector: bool = True,
        processes: bool = True,
        factories: list[ComponentFactory] | None = None,
    ) -> None:
        self.loaded = loaded
        self.n_workers = workers if workers is not None else loaded.config.manager.workers
        self.processes = processes
        self.db = open_store(loaded.store_url)  # migrates once, before any worker starts
        self.monitor = Monitor(loaded, db=self.db, signer=load_signer(loaded)) if monitor else None
        self.projector = projector
        self.context = ManagerContext(
            loaded,
            self.db,
            Topics(loaded.config.topics),
            self.monitor.sender if self.monitor else None,
        )
        self.components: list[Component] = [
            f(self.context) for f in (COMPONENT_FACTORIES if factories is None else factories)
        ]
        self._mp = multiprocessing.get_context("spawn")
        self._stop = threading.Event()
        self._worker_stop = self._mp.Event()
        self._procs: dict[str, BaseProcess] = {}
        self._ready: dict[int, StopFlag] = {}  # per worker: subscribed
        self._threads: list[threading.Thread] = []
        self.thread_workers: list[IngestWorker] = []
        if self.monitor is not None:
            self.monitor.ingest_ready = self.workers_ready

    def start(self) -> None:
        for i in range(self.n_workers):
            self._start_worker(i)
        if self.monitor is not None:
            self._thread("monitor", self.monitor.run)
        if self.projector:
            self._start_projector()
        for c in self.components:
            self._thread(c.name, c.run)
        logger.info(
            "fleet manager: %d workers, monitor %s, projector %s, components %s",
            self.n_workers,
            "on" if self.monitor else "off",
            "on" if self.projector else "off",
            [c.name for c in self.components] or "none",
        )

    def _thread(self, name: str, target: Callable[[threading.Event], None]) -> None:
        t = threading.Thread(target=target, args=(self._stop,), name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def _start_worker(self, index: int) -> None:
        if not self.processes:
            worker = IngestWorker(self.loaded, index, db=self.db)
            self.thread_workers.append(worker)
            self._thread(f"worker-{index}", worker.run)
            return
        ready = self._ready[index] = self._mp.Event()
        network_end, store_end = self._mp.Pipe()
        level = logging.getLogger().level
        self._spawn(
            f"store-{index}",
            store_process,
            (self.loaded, store_end, self._worker_stop, level),
        )
        self._spawn(
            f"worker-{index}",
            _worker_process,
            (self.loaded, index, self._worker_stop, ready, network_end, level),
        )

    def _spawn(self, name: str, target: Callable[..., None], args: tuple[object, ...]) -> None:
        proc = self._mp.Process(target=target, args=args, name=f"fleet-{name}", daemon=True)
        proc.start()
        self._procs[name] = proc

    def _start_projector(self) -> None:
        if not self.processes:
            self._thread("projector", Projector(self.db, self.loaded.config.alerts).run)
            return
        level = logging.getLogger().level
        self._spawn("projector", _projector_process, (self.loaded, self._worker_stop, level))

    def workers_ready(self) -> bool:
        """Every ingest worker has its subscriptions now (a restarted one has not yet)."""
        flags = [w.ready for w in self.thread_workers] + list(self._ready.values())
        return all(f.is_set() for f in flags)

    def wait_ready(self, timeout_s: float = 30.0) -> bool:
        """True once every worker has its subscriptions (before that, nothing is queued for
        a brand-new $share group, so a first start should wait for this)."""
        deadline = time.monotonic() + timeout_s
        flags = [w.ready for w in self.thread_workers] + list(self._ready.values())
        return all(f.wait(max(0.0, deadline - time.monotonic())) for f in flags)

    def supervise(self) -> None:
        """Restart worker processes that died (their unacked messages were redelivered)."""
        if self._worker_stop.is_set():
            return
        for name, proc in list(self._procs.items()):
            if proc.is_alive():
                continue
            logger.error("%s exited (%s); restarting it", name, proc.exitcode)
            if name == "projector":
                self._start_projector()
                continue
            index = int(name.split("-")[1])
            for partner in (f"worker-{index}", f"store-{index}"):  # a worker is the pair
                other = self._procs[partner]
                if other.is_alive():
                    other.terminate()
                    other.join(5)
            self._start_worker(index)

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._worker_stop.set()
        for proc in self._procs.values():
            proc.join(timeout_s)
            if proc.is_alive():
                proc.terminate()
        for t in self._threads:
            t.join(timeout_s)

    def run_forever(self) -> None:
        """`fleet serve`: until SIGINT or SIGTERM."""
        stopping = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.set())
        self.start()
        while not stopping.wait(2.0):
            self.supervise()
        logger.info("stopping the fleet manager")
        self.stop()
