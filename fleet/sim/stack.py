"""A private fleet on this machine: Mosquitto (shipped limits and ACL) plus the manager.

Used by `fleet simulate --spawn`, the benchmark and the tests. Every kiosk gets a broker
account (username = kiosk id) so the real ACL applies; the manager's password is put in the
environment under `manager.password_env`, where its worker processes read it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from fleet.broker.local import LocalMosquitto, TlsFiles
from fleet.config import FleetConfig, LoadedFleetConfig
from fleet.manager.service import ManagerService


def local_config(
    workdir: Path,
    mosquitto: LocalMosquitto,
    base: LoadedFleetConfig | None = None,
    **sections: dict[str, object],
) -> LoadedFleetConfig:
    """The fleet config pointed at a local broker and a store in `workdir`."""
    base = base or LoadedFleetConfig(FleetConfig(), workdir / "fleet.toml")
    broker_section: dict[str, object] = {
        "host": "127.0.0.1",
        "port": mosquitto.port,
        "tls": mosquitto.tls is not None,
        "ca_file": str(mosquitto.tls.ca) if mosquitto.tls else None,
    }
    merged: dict[str, dict[str, object]] = {
        "broker": broker_section,
        "manager": {"port": mosquitto.manager_port},
        "store": {"url": f"sqlite:///{workdir / 'fleet.db'}"},
    }
    for name, values in sections.items():
        merged[name] = {**merged.get(name, {}), **values}
    return base.with_changes(**merged)


class LocalStack:
    def __init__(
        self,
        workdir: Path,
        kiosk_ids: Iterable[str],
        *,
        kiosk_password: str | None = None,
        workers: int = 1,
        processes: bool = True,
        monitor: bool = True,
        tls: TlsFiles | None = None,
        base: LoadedFleetConfig | None = None,
        **sections: dict[str, object],
    ) -> None:
        self.workdir = workdir
        self.kiosk_password = kiosk_password or secrets.token_urlsafe(12)
        self.manager_password = secrets.token_urlsafe(12)
        users = dict.fromkeys(kiosk_ids, self.kiosk_password)
        users["fleet-manager"] = self.manager_password
        self.broker = LocalMosquitto(workdir, users=users, tls=tls)
        self.loaded = local_config(workdir, self.broker, base, **sections)
        self.workers = workers
        self.processes = processes
        self.monitor = monitor
        self.manager: ManagerService | None = None

    def start(self) -> LocalStack:
        os.environ[self.loaded.config.manager.password_env] = self.manager_password
        self.broker.start()
        self.manager = ManagerService(
            self.loaded, workers=self.workers, monitor=self.monitor, processes=self.processes
        )
        self.manager.start()
        if not self.manager.wait_ready(60):
            self.stop()
            raise RuntimeError(
                f"the manager did not subscribe within 60s:\n{self.broker.log_tail()}"
            )
        return self

    def stop(self) -> None:
        if self.manager is not None:
            self.manager.stop()
            self.manager = None
        self.broker.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
