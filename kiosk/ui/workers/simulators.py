"""Simulated boards the app starts itself: each gets a control socket the demo panel uses."""

from __future__ import annotations

import logging
from pathlib import Path

from devices.weighing.control import ControlSocket
from devices.weighing.simulator import BoardSimulator
from kiosk.checkout.catalog import Product

logger = logging.getLogger(__name__)
SOCKET_DIR = "sim"


def control_path(data_dir: Path, configured: str, name: str) -> Path:
    """Where a simulator's control socket goes: the configured path (relative to data_dir) or
    data_dir/sim/NAME.sock."""
    path = data_dir / (configured or f"{SOCKET_DIR}/{name}.sock")
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(str(path)) > 100:  # sun_path holds 108 bytes with its terminator
        raise ValueError(f"control socket path too long for a Unix socket: {path}")
    return path


def catalog_weights(products: list[Product]) -> dict[str, float]:
    """GTIN (as GTIN-14 and without leading zeros) -> unit weight, for `place <gtin>`."""
    weights: dict[str, float] = {}
    for p in products:
        if p.unit_weight_g is not None:
            weights[p.gtin] = float(p.unit_weight_g)
            weights[p.gtin.lstrip("0")] = float(p.unit_weight_g)
    return weights


def serve(simulator: BoardSimulator, path: Path) -> ControlSocket:
    """Start the control socket of a running simulator."""
    socket = ControlSocket(simulator, path).start()
    logger.info("simulated board %s on %s, control %s", simulator.settings.board,
                simulator.path, path)  # fmt: skip
    return socket
