"""Pseudo-terminals for device simulators: the real pyserial code opens the other end."""

from __future__ import annotations

import contextlib
import os
import select
import tempfile
import tty
from pathlib import Path


class PseudoTerminal:
    """A raw pty pair. The simulator reads and writes `master_fd`; clients open `path`.

    A symlink at `link` (by default in a private temporary folder) points at the slave
    device, the way udev names a USB serial adapter; `replug()` makes a new pair behind the
    same link, which is how an unplug and replug look to the reader.
    """

    def __init__(self, link: Path | None = None) -> None:
        # Without a link of its own the pty still gets one, in a private folder: a replug
        # makes a new pair whose /dev/pts number can differ (another process may have taken
        # the old one), and a reader holding the bare slave name would then open a stranger.
        self._own_dir: Path | None = None
        if link is None:
            self._own_dir = Path(tempfile.mkdtemp(prefix="kiosk-pty-"))
            link = self._own_dir / "tty"
        self.link: Path | None = link
        self.master_fd = -1
        self._slave_fd = -1
        self.slave_name = ""
        self._open()

    def _open(self) -> None:
        self.master_fd, self._slave_fd = os.openpty()
        tty.setraw(self.master_fd)
        tty.setraw(self._slave_fd)
        # Non-blocking so `write_nowait` can drop what a full buffer will not take; `write`
        # still waits until everything is written.
        os.set_blocking(self.master_fd, False)
        self.slave_name = os.ttyname(self._slave_fd)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.slave_name)
            tmp.replace(self.link)

    @property
    def path(self) -> str:
        """What a client passes to serial.Serial()."""
        return str(self.link) if self.link is not None else self.slave_name

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.master_fd, view)
            except BlockingIOError:
                select.select([], [self.master_fd], [], 1.0)
                continue
            view = view[written:]

    def write_nowait(self, data: bytes) -> int:
        """Write what the line takes now, as a UART does: bytes nobody has room for are lost.

        Returns how many bytes went out (0 while unplugged).
        """
        if self.master_fd < 0:
            return 0
        try:
            return os.write(self.master_fd, data)
        except (BlockingIOError, OSError):
            return 0

    def read_nowait(self, size: int = 4096) -> bytes:
        """Bytes the client wrote towards the device, if any (b"" when none or unplugged)."""
        if self.master_fd < 0:
            return b""
        try:
            return os.read(self.master_fd, size)
        except (BlockingIOError, OSError):
            return b""

    def unplug(self) -> None:
        """Close both ends: a reader on the slave sees an error, as when a cable is pulled."""
        for fd in (self.master_fd, self._slave_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.master_fd = self._slave_fd = -1
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    def replug(self) -> None:
        self.unplug()
        self._open()

    def close(self) -> None:
        self.unplug()
        if self._own_dir is not None:
            with contextlib.suppress(OSError):
                self._own_dir.rmdir()

    def __enter__(self) -> PseudoTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
