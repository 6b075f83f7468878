"""A Mosquitto process on 127.0.0.1 built from the shipped config/mosquitto files.

Every delivery, queue and persistence setting of `config/mosquitto/mosquitto.conf` is kept;
only listeners, file paths and logging are replaced, so tests and benchmarks exercise the
limits and the ACL a site runs with. The process dies with its parent (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from fleet.broker.passwd import write_password_file

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
SHIPPED_CONF = REPO / "config" / "mosquitto" / "mosquitto.conf"
SHIPPED_ACL = REPO / "config" / "mosquitto" / "acl"
SYSTEM_MOSQUITTO = Path("/usr/sbin/mosquitto")  # Debian's package: sbin is not on every PATH
# Directives that name files, ports or identities of the real site: replaced here.
_SITE_SPECIFIC = frozenset(
    {
        "listener",
        "protocol",
        "cafile",
        "certfile",
        "keyfile",
        "tls_version",
        "use_username_as_clientid",
        "password_file",
        "acl_file",
        "allow_anonymous",
        "persistence_location",
        "pid_file",
        "log_dest",
        "log_type",
        "include_dir",
        "user",
    }
)


class BrokerError(RuntimeError):
    """Mosquitto is missing, or did not start (the message carries its log)."""


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    cert: Path
    key: Path


def mosquitto_binary() -> str:
    """The mosquitto program on $PATH or where Debian puts it; BrokerError says how to get it."""
    found = shutil.which("mosquitto")
    if found is None and SYSTEM_MOSQUITTO.is_file():
        found = str(SYSTEM_MOSQUITTO)
    if found is None:
        raise BrokerError("mosquitto not found: run make setup (apt install mosquitto)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shipped_directives(path: Path = SHIPPED_CONF) -> list[str]:
    """The site-independent lines of the shipped config (limits, persistence, keepalive)."""
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line.split()[0] not in _SITE_SPECIFIC:
            kept.append(line)
    return kept


def die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """preexec_fn: the child gets SIGTERM when its parent dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on host:port."""
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def _listener(port: int, tls: TlsFiles | None, *, clientid_is_username: bool) -> list[str]:
    lines = [f"listener {port} 127.0.0.1", "protocol mqtt"]
    if tls:
        lines += [
            f"cafile {tls.ca}",
            f"certfile {tls.cert}",
            f"keyfile {tls.key}",
            "tls_version tlsv1.2",
        ]
    if clientid_is_username:
        lines.append("use_username_as_clientid true")
    return lines


def config_lines(
    workdir: Path,
    log: Path,
    ports: tuple[int, int],
    *,
    password_file: Path | None,
    acl: Path | None,
    tls: TlsFiles | None = None,
    extra: Iterable[str] = (),
    shipped: Path = SHIPPED_CONF,
) -> list[str]:
    """mosquitto.conf for a site's two listeners on 127.0.0.1 (kiosks, manager): the shipped
    limits, persistence in `workdir/data`, anonymous only without a password file."""
    lines = shipped_directives(shipped)
    lines += [
        f"persistence_location {workdir / 'data'}/",
        f"log_dest file {log}",  # flushed per line; its stdout to a file is block-buffered
        "log_type error",
        "log_type warning",
        "log_type notice",
    ]
    if os.geteuid() == 0:
        # Root would drop to the `mosquitto` user, who cannot read this private workdir.
        lines.append("user root")
    if password_file is None:
        lines.append("allow_anonymous true")
    else:
        lines += ["allow_anonymous false", f"password_file {password_file}"]
        if acl is not None:
            lines.append(f"acl_file {acl}")
    lines += extra
    # On the kiosks' listener the client id is forced to the username (what the ACL keys on);
    # the manager's processes share one username and need their own ids.
    lines += _listener(ports[0], tls, clientid_is_username=acl is not None)
    lines += _listener(ports[1], tls, clientid_is_username=False)
    return lines


class LocalMosquitto:
    """Two listeners like a site: `port` for kiosks, `manager_port` for the manager."""

    def __init__(
        self,
        workdir: Path,
        *,
        users: Mapping[str, str] | None = None,
        acl: Path | None = SHIPPED_ACL,
        tls: TlsFiles | None = None,
        extra: Iterable[str] = (),
        shipped: Path = SHIPPED_CONF,
        password_file: Path | None = None,
    ) -> None:
        self.binary = mosquitto_binary()
        self.workdir = workdir
        self.users = dict(users) if users is not None else None
        self.password_file = password_file  # an existing file (make-site.sh) instead of users
        self.acl = acl if users is not None or password_file is not None else None
        self.tls = tls
        self.extra = list(extra)
        self.shipped = shipped
        self.port = free_port()
        self.manager_port = free_port()
        self.log_path = workdir / "mosquitto.log"
        self.conf_path = workdir / "mosquitto.conf"
        self._proc: subprocess.Popen[bytes] | None = None
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        self._write_config()

    def _write_config(self) -> None:
        passwd = self.password_file
        if passwd is None and self.users is not None:
            passwd = self.workdir / "passwd"
            write_password_file(passwd, self.users)
        lines = config_lines(
            self.workdir,
            self.log_path,
            (self.port, self.manager_port),
            password_file=passwd,
            acl=self.acl,
            tls=self.tls,
            extra=self.extra,
            shipped=self.shipped,
        )
        self.conf_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # -- process ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout_s: float = 10.0) -> LocalMosquitto:
        if self.running:
            return self
        self._proc = subprocess.Popen(
            [self.binary, "-c", str(self.conf_path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise BrokerError(f"mosquitto exited at start:\n{self.log_tail()}")
            if listening(self.port) and listening(self.manager_port):
                logger.info("mosquitto %s on 127.0.0.1:%s", self._proc.pid, self.port)
                return self
            time.sleep(0.05)
        self.kill()
        raise BrokerError(f"mosquitto did not listen within {timeout_s}s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no chance to save its state (what a power cut does)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(timeout=10)

    def stop(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> LocalMosquitto:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
