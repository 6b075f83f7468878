"""Child processes of the demo: each in its own process group, stopped in reverse order.

Every child is a session leader (start_new_session), so Ctrl-C in the terminal reaches only
the demo, which then stops the children in the right order (app before agent before manager
before broker). A child also gets SIGTERM if the demo itself dies (PR_SET_PDEATHSIG). Stopping
asks the child itself first (SIGTERM), so it stops its own processes in its own order (the
manager's workers: network before store); whatever of its group outlives it gets SIGTERM, then
SIGKILL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fleet.broker.local import die_with_parent

logger = logging.getLogger(__name__)


def group_alive(pgid: int) -> bool:
    """Whether any process is left in the process group."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    pgid: int = field(init=False)

    def __post_init__(self) -> None:
        self.pgid = self.process.pid  # a session leader's group id is its pid

    def exit_reason(self) -> str | None:
        """Why it is not running (None while it runs)."""
        code = self.process.poll()
        if code is None:
            return None
        if code < 0:
            return f"{self.name} was killed by signal {-code}"
        return f"{self.name} exited with code {code}"

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    """Starts children with their output in `log_dir/<name>.log`; stops them all, always."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[Child] = []

    def log_path(self, name: str) -> Path:
        """Where the output of child `name` goes (the folder is made on first use)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self.log_dir / f"{name}.log"

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        pass_fds: Sequence[int] = (),
    ) -> Child:
        log_path = self.log_path(name)
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                list(argv),
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
                pass_fds=tuple(pass_fds),
            )
        child = Child(name, process, log_path)
        self.children.append(child)
        logger.info("started %s (pid %d): %s", name, process.pid, " ".join(argv))
        return child

    def first_exited(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop_all(self, timeout_s: float = 15.0) -> list[str]:
        """Stop every child, newest first; returns the names that needed SIGKILL."""
        killed = []
        for child in reversed(self.children):
            if not self._stop(child, timeout_s):
                killed.append(child.name)
        self.children.clear()
        return killed

    @staticmethod
    def _stop(child: Child, timeout_s: float, straggler_s: float = 3.0) -> bool:
        """SIGTERM to the child, then to the rest of its group, then SIGKILL to what is left;
        True if no SIGKILL was needed."""
        with contextlib.suppress(ProcessLookupError):
            child.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=timeout_s)  # also reaps it: no zombie left in the group
        if child.process.returncode is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pgid, signal.SIGTERM)  # grandchildren it left behind
            deadline = time.monotonic() + straggler_s
            while time.monotonic() < deadline:
                if not group_alive(child.pgid):
                    return True
                time.sleep(0.05)
        logger.warning("%s did not stop within %.0fs: killing it", child.name, timeout_s)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5)
        return False
