"""The `[devices]` settings: which scales, shelves and face camera `kiosk run` drives."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from devices.link import LinkSettings
from devices.weighing.config import SerialBoard, SimulatedBoard
from devices.weighing.frames import Unit
from devices.weighing.simulator import SimulatorSettings
from vision.sources.config import CameraConfig

_STRICT = ConfigDict(extra="forbid", frozen=True)
_BOARD_ID = r"^[A-Za-z0-9_-]{1,8}$"


class SerialScaleConfig(BaseModel):
    """A load-cell board on a serial port, speaking devices/PROTOCOL.md."""

    model_config = _STRICT

    type: Literal["serial"] = "serial"
    port: str = Field(min_length=1, description="device path, e.g. /dev/serial/by-id/usb-...")
    baudrate: int = Field(default=115200, ge=1200, le=4_000_000, description="bits per second")
    board: str = Field(default="B1", pattern=_BOARD_ID, description="board id in its frames")
    channel: int = Field(default=0, ge=0, le=15, description="the plate's channel on the board")
    protocol: Literal["framed", "plain"] = Field(
        default="framed", description="framed (PROTOCOL.md) or plain grams per line"
    )
    required: bool = Field(default=True, description="out of service while it is down")

    def board_config(self) -> SerialBoard:
        link = LinkSettings(port=self.port, baudrate=self.baudrate)
        return SerialBoard(link=link, protocol=self.protocol, board=self.board)


class SimulatedScaleConfig(BaseModel):
    """A simulated board the app starts itself on a pseudo-terminal (the real reader runs)."""

    model_config = _STRICT

    type: Literal["simulated"] = "simulated"
    board: str = Field(default="SIM1", pattern=_BOARD_ID, description="board id in its frames")
    seed: int = Field(default=0, ge=0, description="noise seed")
    capacity_g: float = Field(default=15000, gt=0, le=1_000_000, description="capacity, grams")
    control: str = Field(
        default="",
        max_length=80,
        description="Unix control socket, relative to data_dir; empty: sim/NAME.sock",
    )
    required: bool = Field(default=True, description="out of service while it is down")

    def board_config(self) -> SimulatedBoard:
        settings = SimulatorSettings(
            board=self.board, unit=Unit.GRAMS, capacity_g=self.capacity_g, seed=self.seed
        )
        return SimulatedBoard(simulator=settings)


class NoScaleConfig(BaseModel):
    """No such scale on this kiosk."""

    model_config = _STRICT

    type: Literal["none"] = "none"


ScaleConfig = Annotated[
    SerialScaleConfig | SimulatedScaleConfig | NoScaleConfig, Field(discriminator="type")
]


class SerialShelfBoard(BaseModel):
    model_config = _STRICT

    type: Literal["serial"] = "serial"
    port: str = Field(min_length=1, description="device path of the shelf's board")
    baudrate: int = Field(default=115200, ge=1200, le=4_000_000, description="bits per second")


class SimulatedShelfBoard(BaseModel):
    model_config = _STRICT

    type: Literal["simulated"] = "simulated"
    seed: int = Field(default=0, ge=0, description="noise seed")
    control: str = Field(
        default="",
        max_length=80,
        description="Unix control socket, relative to data_dir; empty: sim/shelf-ID.sock",
    )


ShelfBoardConfig = Annotated[SerialShelfBoard | SimulatedShelfBoard, Field(discriminator="type")]


class ShelvesConfig(BaseModel):
    """Smart shelves: the planogram, and where each shelf's board is."""

    model_config = _STRICT

    planogram_file: str = Field(
        default="planogram.toml", description="the planogram, relative to this file"
    )
    boards: dict[str, ShelfBoardConfig] = Field(
        default_factory=dict, description="shelf id (as in the planogram) -> its board"
    )
    grab_and_go: bool = Field(
        default=False, description="picks go into the shopper's cart, put-backs come off it"
    )
    required: bool = Field(default=False, description="out of service while a shelf is down")


class FaceCameraConfig(BaseModel):
    """Where face pay's pictures come from."""

    model_config = _STRICT

    source: Literal["scanning", "camera", "synthetic", "presented"] = Field(
        default="scanning",
        description=(
            "scanning: the scanning camera; camera: its own camera (see `camera`); synthetic: "
            "a blank synthetic picture; presented: a still face photo animated for the demo"
        ),
    )
    camera: CameraConfig | None = Field(default=None, description="with source = camera")
    photo: str = Field(
        default="",
        max_length=500,
        description="presented: the face photo; empty: $KIOSK_TEST_DATA/faces or a packaged one",
    )
    width: int = Field(default=640, ge=160, le=1920, description="synthetic/presented width")
    height: int = Field(default=480, ge=120, le=1080, description="synthetic/presented height")
    fps: float = Field(default=15, gt=0, le=60, description="synthetic/presented frame rate")

    @model_validator(mode="after")
    def _camera_when_needed(self) -> FaceCameraConfig:
        if self.source == "camera" and self.camera is None:
            raise ValueError("source = camera needs a [devices.face_camera.camera] table")
        if self.source != "camera" and self.camera is not None:
            raise ValueError(f"`camera` is only used with source = camera, not {self.source}")
        return self


class DevicesConfig(BaseModel):
    """The hardware `kiosk run` drives besides the scanning camera ([scanning.camera])."""

    model_config = _STRICT

    camera_required: bool = Field(
        default=True, description="out of service while the scanning camera is down"
    )
    bagging_scale: ScaleConfig = Field(
        default_factory=NoScaleConfig, description="the bagging-area scale"
    )
    produce_scale: ScaleConfig = Field(
        default_factory=NoScaleConfig, description="the produce scale"
    )
    shelves: ShelvesConfig | None = Field(default=None, description="smart shelves, if any")
    face_camera: FaceCameraConfig = Field(
        default_factory=FaceCameraConfig, description="face pay's camera"
    )

    @model_validator(mode="after")
    def _distinct_boards(self) -> DevicesConfig:
        scales = (self.bagging_scale, self.produce_scale)
        boards = [s.board for s in scales if not isinstance(s, NoScaleConfig)]
        if len(boards) == 2 and boards[0] == boards[1]:
            raise ValueError(f"the bagging and produce scales both use board {boards[0]!r}")
        return self
