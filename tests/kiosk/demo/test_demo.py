"""The whole demo for real: broker, manager, console, agent, app under Xvfb; then nothing left."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from PIL import Image

from kiosk.demo.broker import port_is_free
from kiosk.demo.console_client import ConsoleClient
from kiosk.demo.screenshot import distinct_colours
from kiosk.demo.supervisor import group_alive


def mqtt_connect_code(port: int) -> int:
    """What the broker answers an anonymous MQTT v5 CONNECT (a real broker refuses it)."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    answered: list[int] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: answered.append(reason.value)
    client.connect("127.0.0.1", port)
    deadline = time.monotonic() + 10
    while not answered and time.monotonic() < deadline:
        client.loop(timeout=0.2)
    client.disconnect()
    return answered[0] if answered else -1


def assert_all_gone(state: dict[str, Any]) -> None:
    left = [name for name, pgid in state["process_groups"].items() if group_alive(pgid)]
    assert not left, f"still running after the demo: {left}"
    assert port_is_free(state["broker_port"]), "the broker port is still taken"
    assert port_is_free(state["manager_port"]), "the broker's manager port is still taken"
    console_port = int(state["console_url"].rsplit(":", 1)[1].strip("/"))
    assert port_is_free(console_port), "the console port is still taken"


def test_the_whole_demo_runs_and_leaves_nothing_behind(start_demo: Any, tmp_path: Path) -> None:
    shot = tmp_path / "screen.png"
    demo = start_demo("--exit-after", "5", "--screenshot", str(shot))
    demo.wait_for_line(r"^The demo is running\.$")
    url = demo.wait_for_line(r"console:\s+(\S+)").group(1)
    login = demo.wait_for_line(r"console login:\s+(\S+) / (\S+)")
    assert demo.wait_for_line(r"staff PIN:\s+(\d+)").group(1) == "2468"
    assert "M0001, face pay digits 1234" in demo.output
    state = demo.state()
    assert set(state["process_groups"]) >= {"mosquitto", "fleet-serve", "xvfb", "kiosk-app"}

    assert mqtt_connect_code(state["broker_port"]) == 135  # "not authorized": passwords on

    console = ConsoleClient(url)
    me = console.login(login.group(1), login.group(2))
    assert me["name"] == "demo"
    assert me["role"] == "operator"
    kiosks = {k["kiosk_id"]: k for k in console.kiosks()}
    assert kiosks["demo-01"]["online"], kiosks

    assert demo.wait(timeout_s=90) == 0, demo.output
    assert "--exit-after 5s reached" in demo.output
    with Image.open(shot) as image:
        width, height = image.size
    assert width >= 1280, "the kiosk window (1280x800) is cut off or missing"
    assert height >= 800, "the kiosk window (1280x800) is cut off or missing"
    assert distinct_colours(shot) > 50, "the screenshot is blank"
    assert "stopped everything" in demo.output
    assert "killed" not in demo.output.split("stopped everything", 1)[1]
    assert_all_gone(state)


def test_a_part_that_dies_is_named_and_the_rest_stops(start_demo: Any) -> None:
    demo = start_demo("--headless")
    demo.wait_for_line(r"console answers")  # broker, manager and agent started, not all ready
    state = demo.state()
    assert "kiosk-app" not in state["process_groups"]
    assert "fleet-agent" in state["process_groups"]  # headless: the agent runs beside
    os.killpg(state["process_groups"]["fleet-serve"], signal.SIGKILL)
    assert demo.wait() == 1
    failed = demo.wait_for_line(r"FAILED (.*)").group(1)
    assert "fleet-serve was killed by signal 9" in failed
    assert "The demo is running." not in demo.output
    assert_all_gone(state)


def test_a_broker_port_in_use_is_refused_clearly(start_demo: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo = start_demo("--headless", "--broker-port", str(port))
        assert demo.wait() == 1
    assert f"FAILED broker: port {port} on 127.0.0.1 is in use" in demo.output
    assert not (demo.folder / "demo.json").exists()  # nothing was started
    assert not (demo.folder / "logs").exists()


def test_closing_the_app_stops_everything(start_demo: Any) -> None:
    demo = start_demo()
    # Closed as soon as it shows its first screen, while the manager may still be starting.
    demo.wait_for_line(r"kiosk app shows its \w+ screen")
    state = demo.state()
    # What staff "Close the app" and systemd's stop both end in: the app leaves with code 0.
    os.kill(state["process_groups"]["kiosk-app"], signal.SIGTERM)
    assert demo.wait() == 0, demo.output
    assert "the kiosk app was closed: stopping everything" in demo.output
    assert "FAILED" not in demo.output
    assert_all_gone(state)
