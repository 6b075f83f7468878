"""`kiosk demo` as a real process: its output, its demo.json and what it leaves behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleet.broker.local import BrokerError, mosquitto_binary
from kiosk.demo.supervisor import group_alive

KIOSK = Path(sys.executable).parent / "kiosk"

try:
    mosquitto_binary()
except BrokerError as e:
    pytest.fail(str(e), pytrace=False)


class DemoProcess:
    """`kiosk demo ...` with its stdout and stderr collected line by line."""

    def __init__(self, folder: Path, *args: str) -> None:
        self.folder = folder
        env = dict(os.environ)
        env.pop("DISPLAY", None)  # as on a fresh server: the demo must bring its own Xvfb
        self.process = subprocess.Popen(
            [str(KIOSK), "demo", "--dir", str(folder), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout_s: float = 120.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r}; output:\n{self.output}")

    def state(self) -> dict[str, Any]:
        return dict(json.loads((self.folder / "demo.json").read_text(encoding="utf-8")))

    def wait(self, timeout_s: float = 60.0) -> int:
        code = self.process.wait(timeout=timeout_s)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def start_demo(tmp_path: Path) -> Iterator[Any]:
    started: list[DemoProcess] = []

    def start(*args: str) -> DemoProcess:
        started.append(DemoProcess(tmp_path / f"demo{len(started)}", *args))
        return started[-1]

    yield start
    for demo in started:
        demo.kill()
        # Whatever the test found, leave no process behind for the next one.
        path = demo.folder / "demo.json"
        if path.exists():
            for pgid in demo.state()["process_groups"].values():
                if group_alive(pgid):
                    os.killpg(pgid, signal.SIGKILL)
