"""An Xvfb display for machines without one (servers, CI, a fresh Debian as root)."""

from __future__ import annotations

import os
import select
import shutil
import time

from kiosk.demo.steps import DemoError
from kiosk.demo.supervisor import Supervisor

SCREEN = "1920x1080x24"  # the 1280x800 kiosk window and the shopper panel beside it


def start_xvfb(supervisor: Supervisor, timeout_s: float = 15.0) -> str:
    """Xvfb picks a free display number itself (-displayfd) and tells us; returns ':N'."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise DemoError("Xvfb", "Xvfb not found and there is no $DISPLAY: run make setup")
    read_fd, write_fd = os.pipe()
    try:
        child = supervisor.start(
            "xvfb",
            [
                binary,
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                SCREEN,
                "-nolisten",
                "tcp",
                # Keep the screen when the last client leaves (the app restarting itself).
                "-noreset",
            ],
            pass_fds=(write_fd,),
        )
    finally:
        os.close(write_fd)
    number = b""
    deadline = time.monotonic() + timeout_s
    try:
        # Xvfb writes the number and the newline separately: read both, or its second write
        # meets a closed pipe and Xvfb dies (after the number was taken as a good answer).
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([read_fd], [], [], max(left, 0))
            chunk = os.read(read_fd, 64) if ready else b""
            if not chunk:
                break
            number += chunk
    finally:
        os.close(read_fd)
    number = number.strip() if number.endswith(b"\n") else b""
    if not number or child.exit_reason():
        raise DemoError(
            "Xvfb", child.exit_reason() or f"no display within {timeout_s:.0f}s", child.log_tail()
        )
    return f":{number.decode()}"
