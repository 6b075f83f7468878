"""Configuration of frame sources, one model per `type` in a discriminated union."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_STRICT = ConfigDict(extra="forbid", frozen=True)
RenderedSymbology = Literal["ean13", "ean8", "upca", "upce", "code128", "qr"]


class CameraConfig(BaseModel):
    """A camera OpenCV can open: a V4L2 index such as 0 or a path such as /dev/video0."""

    model_config = _STRICT

    type: Literal["camera"] = "camera"
    device: int | str = Field(
        default=0, description="camera index (0-63) or device path (/dev/video0, by-id links)"
    )
    width: int = Field(default=1280, ge=160, le=7680, description="requested frame width")
    height: int = Field(default=720, ge=120, le=4320, description="requested frame height")
    fps: float = Field(default=30, gt=0, le=240, description="requested frame rate")
    backend: Literal["any", "v4l2"] = Field(default="any", description="OpenCV capture backend")
    failures_before_fault: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="failed reads in a row that mean the camera is gone",
    )
    reconnect_initial_s: float = Field(
        default=0.5, gt=0, le=60, description="first wait before reopening a faulted camera"
    )
    reconnect_max_s: float = Field(
        default=10, gt=0, le=600, description="longest wait between reopening attempts"
    )

    @model_validator(mode="after")
    def _device_shape(self) -> CameraConfig:
        if isinstance(self.device, int) and not 0 <= self.device <= 63:
            raise ValueError("device index must be 0 to 63")
        if isinstance(self.device, str) and not self.device.strip():
            raise ValueError("device path is empty")
        return self


class VideoConfig(BaseModel):
    """A video file replayed as a camera."""

    model_config = _STRICT

    type: Literal["video"] = "video"
    path: Path = Field(description="video file OpenCV can read (mp4, avi, mkv...)")
    fps: float | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="replay rate; unset uses the file's own rate, 0 replays as fast as possible",
    )
    loop: bool = Field(default=False, description="start again at the end instead of ending")


class FolderConfig(BaseModel):
    """A folder of still images replayed as a camera, in name order."""

    model_config = _STRICT

    type: Literal["folder"] = "folder"
    path: Path = Field(description="folder holding .png/.jpg/.jpeg/.bmp/.gif/.tif/.webp files")
    fps: float = Field(default=0, ge=0, le=1000, description="replay rate; 0 = as fast as possible")
    loop: bool = Field(default=False, description="start again after the last image")


class SyntheticCode(BaseModel):
    """A code the synthetic camera can show."""

    model_config = _STRICT

    text: str = Field(min_length=1, max_length=200, description="the encoded text")
    symbology: RenderedSymbology = Field(description="how it is printed")


class SceneStep(BaseModel):
    """From `at_s` seconds after opening, these codes (by text) are in view."""

    model_config = _STRICT

    at_s: float = Field(ge=0, le=86_400, description="seconds after the camera opened")
    show: tuple[str, ...] = Field(default=(), description="texts of the codes in view")


class SyntheticConfig(BaseModel):
    """A camera that renders real barcodes into frames, with the faults of a real one."""

    model_config = _STRICT

    type: Literal["synthetic"] = "synthetic"
    width: int = Field(default=1280, ge=160, le=3840, description="frame width")
    height: int = Field(default=720, ge=120, le=2160, description="frame height")
    fps: float = Field(default=30, ge=0, le=240, description="frame rate; 0 = as fast as possible")
    seed: int = Field(default=0, ge=0, description="seed of every random choice")
    codes: tuple[SyntheticCode, ...] = Field(default=(), description="codes it can show")
    script: tuple[SceneStep, ...] = Field(
        default=(), description="what is in view when; the last step that has begun applies"
    )
    module_px: tuple[float, float] = Field(
        default=(2.0, 3.5), description="narrowest bar width range in pixels (code size)"
    )
    tilt_deg: float = Field(default=25, ge=0, le=180, description="largest in-plane rotation")
    perspective: float = Field(
        default=0.12, ge=0, le=0.4, description="largest corner displacement, share of the size"
    )
    blur_px: float = Field(default=1.2, ge=0, le=10, description="largest blur sigma")
    noise: float = Field(default=6, ge=0, le=60, description="sensor noise sigma (grey levels)")
    glare: float = Field(default=0.3, ge=0, le=1, description="share of frames with a glare spot")
    jitter_px: float = Field(default=4, ge=0, le=100, description="hand shake between frames")

    @model_validator(mode="after")
    def _script_names_known(self) -> SyntheticConfig:
        texts = {c.text for c in self.codes}
        missing = sorted({t for step in self.script for t in step.show} - texts)
        if missing:
            raise ValueError(f"script shows codes not listed in codes: {missing}")
        lo, hi = self.module_px
        if not 0.5 <= lo <= hi <= 20:
            raise ValueError("module_px must be (low, high) with 0.5 <= low <= high <= 20")
        return self


SourceConfig = Annotated[
    CameraConfig | VideoConfig | FolderConfig | SyntheticConfig, Field(discriminator="type")
]
