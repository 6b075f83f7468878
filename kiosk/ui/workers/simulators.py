"""Simulated boards the app starts itself: each gets a control socket the demo panel uses."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path

from devices.weighing.control import ControlSocket
from devices.weighing.simulator import BoardSimulator

logger = logging.getLogger(__name__)
SOCKET_DIR = "sim"
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes with its terminator


def control_path(data_dir: Path, configured: str, name: str) -> Path:
    """Where a simulator's control socket goes: the configured path (relative to data_dir) or
    data_dir/sim/NAME.sock; when that is too long for a Unix socket, a short private folder in
    the temporary directory named after data_dir."""
    path = data_dir / (configured or f"{SOCKET_DIR}/{name}.sock")
    if len(str(path)) > MAX_SOCKET_PATH and not configured:
        tag = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"kiosk-sim-{tag}" / f"{name}.sock"
        logger.info("control socket of %s in %s (%s is too deep)", name, path, data_dir)
    if len(str(path)) > MAX_SOCKET_PATH:
        raise ValueError(f"control socket path too long for a Unix socket: {path}")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def serve(simulator: BoardSimulator, path: Path) -> ControlSocket:
    """Start the control socket of a running simulator."""
    socket = ControlSocket(simulator, path).start()
    logger.info("simulated board %s on %s, control %s", simulator.settings.board,
                simulator.path, path)  # fmt: skip
    return socket
