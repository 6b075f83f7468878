"""Where a load-cell board is: a serial port, or a simulator on a pseudo-terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from devices.link import LinkSettings
from devices.weighing.simulator import BoardSimulator, SimulatorSettings

_STRICT = ConfigDict(extra="forbid", frozen=True)


class SerialBoard(BaseModel):
    model_config = _STRICT

    type: Literal["serial"] = "serial"
    link: LinkSettings = Field(description="port, baud rate, timeouts and reconnect backoff")
    protocol: Literal["framed", "plain"] = Field(
        default="framed", description="framed (PROTOCOL.md) or plain grams per line"
    )
    board: str = Field(
        default="B1",
        pattern=r"^[A-Za-z0-9_-]{1,8}$",
        description="board id: expected in framed frames, given to plain readings",
    )


class SimulatedBoard(BaseModel):
    model_config = _STRICT

    type: Literal["simulated"] = "simulated"
    simulator: SimulatorSettings = Field(
        default_factory=SimulatorSettings, description="the simulated board and its noise"
    )
    path: Path | None = Field(default=None, description="symlink to create for the pty")
    silence_s: float = Field(default=2.0, gt=0, le=60, description="as for a serial board")


BoardConfig = Annotated[SerialBoard | SimulatedBoard, Field(discriminator="type")]


def resolve(
    config: SerialBoard | SimulatedBoard, products: dict[str, float] | None = None
) -> tuple[SerialBoard, BoardSimulator | None]:
    """The serial settings to read, and for a simulated board its started simulator."""
    if isinstance(config, SerialBoard):
        return config, None
    simulator = BoardSimulator(config.simulator, link=config.path, products=products).start()
    link = LinkSettings(port=simulator.path, silence_s=config.silence_s)
    return SerialBoard(link=link, board=config.simulator.board), simulator
