"""The shipped broker config: per-kiosk ACL (real Mosquitto), limits, and a new site made by
config/mosquitto/make-site.sh served over TLS."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from fleet.agent.outbox import MemoryOutbox
from fleet.broker import local
from fleet.broker.local import BrokerError, LocalMosquitto, TlsFiles, shipped_directives


def client(
    h: Any, user: str, port: int | None = None, client_id: str | None = None
) -> tuple[mqtt.Client, list[tuple[str, bytes]], list[str]]:
    got: list[tuple[str, bytes]] = []
    acks: list[str] = []
    c = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id or user,
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    c.username_pw_set(user, h.users[user])
    c.on_message = lambda _c, _u, m: got.append((m.topic, bytes(m.payload)))
    c.on_publish = lambda _c, _u, _mid, rc, _p: acks.append(str(rc))
    c.on_subscribe = lambda _c, _u, _mid, codes, _p: acks.append(f"suback {len(codes)}")
    c.connect("127.0.0.1", port or h.broker.port)
    c.loop_start()
    return c, got, acks


def subscribed(acks: list[str]) -> int:
    return sum(1 for a in acks if a.startswith("suback"))


def test_shipped_limits_never_drop_queued_messages(repo_root: Path) -> None:
    lines = shipped_directives(repo_root / "config" / "mosquitto" / "mosquitto.conf")
    assert "max_queued_messages 0" in lines
    assert "max_queued_bytes 0" in lines
    assert "persistence true" in lines
    assert not any(line.startswith(("listener", "password_file", "cafile")) for line in lines)


def test_a_kiosk_reaches_only_its_own_topics(harness, wait) -> None:
    h = harness(kiosks=("ka", "kb"))
    manager, m_got, m_acks = client(h, "fleet-manager", h.broker.manager_port, "mgr")
    manager.subscribe("kiosks/+/+/sales", qos=1)
    a, a_got, a_acks = client(h, "ka")
    b, b_got, b_acks = client(h, "kb")
    a.subscribe([("kiosks/s1/kb/cmd", 1), ("kiosks/#", 1), ("kiosks/s1/ka/cmd", 1)])
    b.subscribe("kiosks/s1/kb/cmd", qos=1)
    for acks in (m_acks, a_acks, b_acks):  # SUBACKs, not a sleep: a loaded broker is slow
        wait(lambda acks=acks: subscribed(acks) == 1, what="subscriptions acknowledged")
    manager.publish("kiosks/s1/kb/cmd", b"for kb", qos=1)
    manager.publish("kiosks/s1/ka/cmd", b"for ka", qos=1)
    a.publish("kiosks/s1/ka/sales", b"a's own sale", qos=1)
    wait(lambda: ("kiosks/s1/kb/cmd", b"for kb") in b_got, what="kb gets its command")
    wait(lambda: ("kiosks/s1/ka/cmd", b"for ka") in a_got, what="ka gets its command")
    wait(lambda: ("kiosks/s1/ka/sales", b"a's own sale") in m_got, what="manager reads ka")
    assert {t for t, _ in a_got} == {"kiosks/s1/ka/cmd"}, "ka read nothing of kb's"
    a.publish("kiosks/s1/kb/sales", b"forged", qos=1)
    a.publish("kiosks/s1/kb/cmd/ack", b"forged", qos=1)
    a.publish("kiosks/s1/ka/cmd", b"self-command", qos=1)  # kiosks only read their cmd
    # All three refused at the broker (PUBACK 0x87), ka's own cmd topic included.
    wait(lambda: a_acks.count("Not authorized") == 3, what=f"three refusals in {a_acks}")
    # Markers sent after the forgeries: once they arrive, anything let through would have too.
    a.publish("kiosks/s1/ka/sales", b"after", qos=1)
    manager.publish("kiosks/s1/kb/cmd", b"after", qos=1)
    wait(lambda: ("kiosks/s1/ka/sales", b"after") in m_got, what="the manager's marker")
    wait(lambda: ("kiosks/s1/kb/cmd", b"after") in b_got, what="kb's marker")
    assert all(p != b"forged" for _, p in m_got + b_got)
    assert ("kiosks/s1/ka/cmd", b"self-command") not in a_got
    for c in (manager, a, b):
        c.disconnect()
        c.loop_stop()


def test_one_kiosk_cannot_take_over_anothers_session(harness, wait) -> None:
    """use_username_as_clientid: ka connecting as client id 'kb' stays 'ka'."""
    h = harness(kiosks=("ka", "kb"))
    b, b_got, _ = client(h, "kb")
    dropped = threading.Event()
    b.on_disconnect = lambda *_a: dropped.set()
    a, _, _ = client(h, "ka", client_id="kb")
    time.sleep(1.0)
    assert not dropped.is_set()
    for c in (a, b):
        c.disconnect()
        c.loop_stop()


def test_a_new_site_over_tls(tmp_path: Path, repo_root: Path, harness, wait) -> None:
    site = tmp_path / "site"
    script = repo_root / "config" / "mosquitto" / "make-site.sh"
    done = subprocess.run(
        [str(script), str(site), "localhost", "k1", "k2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for name in ("ca.crt", "server.crt", "server.key", "passwd", "acl"):
        assert (site / name).exists(), name
    assert oct((site / "server.key").stat().st_mode)[-3:] == "600"
    assert (site / "acl").read_text() == (repo_root / "config/mosquitto/acl").read_text()
    again = subprocess.run(
        [str(script), str(site), "localhost", "k1", "k3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "added k3" in again.stdout
    assert "added k1" not in again.stdout
    bad = subprocess.run(
        [str(script), str(site), "localhost", "Bad/Id"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1

    def secret(user: str) -> str:
        return (site / "credentials" / f"{user}.env").read_text().split("=", 1)[1].strip()

    h = harness(
        kiosks=("k1",), tls=TlsFiles(site / "ca.crt", site / "server.crt", site / "server.key")
    )
    # Serve the script's own password file, not the harness's.
    h.broker.stop()
    broker = LocalMosquitto(
        tmp_path / "tls-broker", tls=h.broker.tls, password_file=site / "passwd"
    ).start()
    try:
        h.users.update({"k1": secret("k1"), "fleet-manager": secret("fleet-manager")})
        h.loaded = h.loaded.with_changes(
            broker={"port": broker.port}, manager={"port": broker.manager_port}
        )
        h.start_worker()
        outbox = MemoryOutbox()
        outbox.enqueue("session", {"session_id": "x", "reason": "paid", "items": 1, "value": 1})
        agent = h.agent("k1", outbox=outbox)
        wait(lambda: outbox.backlog() == 0, what="event acknowledged over TLS")
        assert agent.core.client.socket().version() in ("TLSv1.2", "TLSv1.3")
        wrong = h.core("k1", password="not-it", commands=False)
        wrong.connect()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and wrong.client.loop(0.1) == mqtt.MQTT_ERR_SUCCESS:
            pass
        assert not wrong.connected
    finally:
        h.close_agents()
        broker.stop()


def test_plain_tcp_to_the_tls_listener_is_refused(tmp_path: Path, repo_root: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [str(repo_root / "config/mosquitto/make-site.sh"), str(site), "localhost", "k1"],
        capture_output=True,
        check=True,
    )
    broker = LocalMosquitto(
        tmp_path / "b",
        tls=TlsFiles(site / "ca.crt", site / "server.crt", site / "server.key"),
        password_file=site / "passwd",
    ).start()
    try:
        c = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="k1", protocol=MQTTProtocolVersion.MQTTv5
        )
        c.username_pw_set("k1", "whatever")
        c.connect("127.0.0.1", broker.port)
        rc = mqtt.MQTT_ERR_SUCCESS
        for _ in range(30):
            rc = c.loop(0.1)
            if rc != mqtt.MQTT_ERR_SUCCESS:
                break
        assert rc != mqtt.MQTT_ERR_SUCCESS
        assert not c.is_connected()
    finally:
        broker.stop()


def test_mosquitto_is_found_on_path_or_where_debian_puts_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(local, "SYSTEM_MOSQUITTO", tmp_path / "sbin" / "mosquitto")
    with pytest.raises(BrokerError, match=r"^mosquitto not found: run make setup \(apt install"):
        LocalMosquitto(tmp_path / "broker")
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    (sbin / "mosquitto").write_text("#!/bin/sh\n")
    assert local.mosquitto_binary() == str(sbin / "mosquitto")
    on_path = empty / "mosquitto"
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    assert local.mosquitto_binary() == str(on_path)  # $PATH first
