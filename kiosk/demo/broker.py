"""The demo's private Mosquitto: the shipped limits and ACL, one loopback port, passwords."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Mapping
from pathlib import Path

from fleet.broker import local
from fleet.broker.local import SHIPPED_ACL, SHIPPED_CONF
from fleet.broker.local import free_port as free_port  # the demo picks its ports with it
from fleet.broker.local import listening as listening  # the demo waits on ports with it
from fleet.broker.passwd import write_password_file
from kiosk.demo.steps import DemoError, wait_until
from kiosk.demo.supervisor import Child, Supervisor

HOST = "127.0.0.1"


def port_is_free(port: int) -> bool:
    """Nobody listens on it. SO_REUSEADDR as servers use it, so TIME_WAIT left by the last
    run (closed connections) does not count as in use."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def mosquitto_binary() -> str:
    try:
        return local.mosquitto_binary()
    except local.BrokerError as e:
        raise DemoError("broker", str(e)) from None


def write_broker_config(
    folder: Path, port: int, manager_port: int, users: Mapping[str, str], log: Path
) -> Path:
    """mosquitto.conf, passwd and acl in `folder`: a site's broker, on loopback without TLS."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    write_password_file(folder / "passwd", users)
    shutil.copyfile(SHIPPED_ACL, folder / "acl")
    lines = local.config_lines(
        folder,
        log,
        (port, manager_port),
        password_file=folder / "passwd",
        acl=folder / "acl",
        extra=["log_type subscribe"],  # how the demo knows the manager's workers have subscribed
    )
    conf = folder / "mosquitto.conf"
    conf.write_text(
        "\n".join([f"# made by `kiosk demo` from {SHIPPED_CONF}", *lines]) + "\n", encoding="utf-8"
    )
    return conf


def choose_port(asked: int | None) -> int:
    if asked is None:
        return free_port()
    if not port_is_free(asked):
        raise DemoError(
            "broker",
            f"port {asked} on {HOST} is in use: pick another --broker-port or leave it out",
        )
    return asked


def choose_port_default(preferred: int) -> int:
    """`preferred` when it is free, else any free port (a second demo, a busy 8080)."""
    return preferred if port_is_free(preferred) else free_port()


def start_broker(
    supervisor: Supervisor, conf: Path, ports: tuple[int, int], timeout_s: float = 10.0
) -> Child:
    child = supervisor.start("mosquitto", [mosquitto_binary(), "-c", str(conf)])
    port = ports[0]
    wait_until(
        lambda: all(listening(p) for p in ports),
        timeout_s=timeout_s,
        part="broker",
        what=f"listener on {HOST}:{port}",
        alive=child.exit_reason,
        log_tail=child.log_tail,
    )
    return child


def saw_shared_subscription(log: Path, share_group: str) -> bool:
    """Whether the broker logged a subscription to `$share/<group>/...` (a manager worker's:
    before it, the broker keeps nothing for the group, so kiosk events wait for a resend)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return f" $share/{share_group}/" in text
