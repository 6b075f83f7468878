"""Text commands for a running simulator, from stdin or a Unix control socket.

place [WHAT] [plate=N] [qty=N] [hold=S]   WHAT: 355g, 1.2kg, a product key, or nothing
remove [WHAT] [plate=N] [qty=N] [hold=S]  (nothing: the plate's planogram product)
unplug | replug | fault on|off | garbage | load [plate=N] | status | help
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import threading
from pathlib import Path

from devices.weighing.simulator import BoardSimulator

logger = logging.getLogger(__name__)

HELP = (__doc__ or "").split("\n\n", 1)[1].rstrip()
_GRAMS = re.compile(r"^(\d+(?:\.\d+)?)(g|kg)$", re.IGNORECASE)


class CommandError(ValueError):
    pass


def _options(words: list[str]) -> tuple[list[str], dict[str, str]]:
    plain = [w for w in words if "=" not in w]
    opts = dict(w.split("=", 1) for w in words if "=" in w)
    unknown = set(opts) - {"plate", "qty", "hold"}
    if unknown:
        raise CommandError(f"unknown option {sorted(unknown)[0]}=; use plate=, qty=, hold=")
    return plain, opts


def _what(words: list[str]) -> float | str:
    if not words:
        return ""
    if len(words) > 1:
        raise CommandError(f"one item at a time, got {' '.join(words)!r}")
    match = _GRAMS.match(words[0])
    if match:
        return float(match[1]) * (1000 if match[2].lower() == "kg" else 1)
    return words[0]


def _int(opts: dict[str, str], key: str, default: int) -> int:
    try:
        return int(opts.get(key, default))
    except ValueError:
        raise CommandError(f"{key}= takes a whole number") from None


def run_command(sim: BoardSimulator, line: str) -> str:
    """Carry out one command; the reply starts with "ok" or "error:"."""
    words = line.split()
    if not words:
        return "ok"
    verb, rest = words[0].lower(), words[1:]
    try:
        return _dispatch(sim, verb, rest)
    except (CommandError, ValueError) as e:
        return f"error: {e}"


def _dispatch(sim: BoardSimulator, verb: str, rest: list[str]) -> str:
    if verb in ("place", "remove"):
        plain, opts = _options(rest)
        what, plate, qty = _what(plain), _int(opts, "plate", 0), _int(opts, "qty", 1)
        hold = float(opts["hold"]) if "hold" in opts else None
        act = sim.place if verb == "place" else sim.remove
        handling = act(what, plate=plate, quantity=qty, handling_s=hold)
        return f"ok {verb} {abs(handling.delta_g):.1f} g on plate {plate}"
    if verb in ("unplug", "replug"):
        getattr(sim, verb)()
        return f"ok {verb}ged"
    if verb == "fault":
        if rest not in (["on"], ["off"]):
            raise CommandError("fault on|off")
        sim.set_fault(rest == ["on"])
        return f"ok fault {rest[0]}"
    if verb == "garbage":
        sim.write_raw(b"\x00\xff$W,GARB*12\r\nnoise\n$W,1,2")
        return "ok garbage sent"
    if verb == "load":
        _, opts = _options(rest)
        plate = _int(opts, "plate", 0)
        return f"ok {sim.bank.load_g(plate):.1f} g on plate {plate}"
    if verb == "status":
        return f"ok path={sim.path} frames={sim.frames_sent}"
    if verb == "help":
        return "ok\n" + HELP
    raise CommandError(f"unknown command {verb!r}; try help")


class ControlSocket:
    """A Unix stream socket: one command per line, one reply line (or more for help) each."""

    def __init__(self, sim: BoardSimulator, path: Path) -> None:
        self.sim = sim
        self.path = Path(path)
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ControlSocket:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        os.chmod(self.path, 0o600)
        server.listen(4)
        server.settimeout(0.2)
        self._server = server
        self._thread = threading.Thread(target=self._serve, name="sim-control", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        if self._thread is not None:
            self._thread.join(2)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _serve(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rw", encoding="utf-8", newline="\n") as stream:
            for line in stream:
                stream.write(run_command(self.sim, line.strip()) + "\n")
                stream.flush()


def send_command(path: Path, line: str, timeout: float = 5.0) -> str:
    """Send one command to a simulator's control socket and return its first reply line."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        with sock.makefile("rw", encoding="utf-8", newline="\n") as stream:
            stream.write(line.strip() + "\n")
            stream.flush()
            return stream.readline().strip()
