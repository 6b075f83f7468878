"""An Xvfb display for machines without one (servers, CI, a fresh Debian as root)."""

from __future__ import annotations

import os
import select
import shutil

from kiosk.demo.steps import DemoError
from kiosk.demo.supervisor import Supervisor

SCREEN = "1280x800x24"


def start_xvfb(supervisor: Supervisor, timeout_s: float = 15.0) -> str:
    """Xvfb picks a free display number itself (-displayfd) and tells us; returns ':N'."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise DemoError("Xvfb", "Xvfb not found and there is no $DISPLAY: run make setup")
    read_fd, write_fd = os.pipe()
    try:
        child = supervisor.start(
            "xvfb",
            [binary, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_fd,),
        )
    finally:
        os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], timeout_s)
        number = os.read(read_fd, 64).decode().strip() if ready else ""
    finally:
        os.close(read_fd)
    if not number:
        raise DemoError(
            "Xvfb", child.exit_reason() or f"no display within {timeout_s:.0f}s", child.log_tail()
        )
    return f":{number}"
