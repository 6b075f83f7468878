"""A serial barcode scanner simulated over a pseudo-terminal, speaking what real ones send."""

from __future__ import annotations

from pathlib import Path

from devices.pty import PseudoTerminal
from devices.scanners.aim import identifier_for


class ScannerSimulator:
    """Writes codes the way a scanner does: optional AIM identifier, the code, a terminator.

    With `link`, the port appears at that path and `unplug()` / `replug()` behave like pulling
    and reconnecting a USB scanner.
    """

    def __init__(
        self,
        link: Path | None = None,
        *,
        aim_prefix: bool = True,
        terminator: bytes = b"\r",
        encoding: str = "utf-8",
    ) -> None:
        self.pty = PseudoTerminal(link)
        self.aim_prefix = aim_prefix
        self.terminator = terminator
        self.encoding = encoding

    @property
    def port(self) -> str:
        return self.pty.path

    def scan(self, text: str, symbology: str = "unknown") -> None:
        prefix = identifier_for(symbology) if self.aim_prefix else ""
        if self.aim_prefix and symbology == "upca":
            text = "0" + text  # scanners send UPC-A as its 13-digit EAN form under ]E0
        self.pty.write((prefix + text).encode(self.encoding) + self.terminator)

    def send_raw(self, data: bytes) -> None:
        """Anything at all: line noise, a half code, bytes of a wrong baud rate."""
        self.pty.write(data)

    def unplug(self) -> None:
        self.pty.unplug()

    def replug(self) -> None:
        self.pty.replug()

    def close(self) -> None:
        self.pty.close()

    def __enter__(self) -> ScannerSimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
