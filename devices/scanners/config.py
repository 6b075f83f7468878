"""Configuration of barcode scanners, chosen by `type`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid", frozen=True)


class SerialScannerConfig(BaseModel):
    """A scanner on a serial port (RS-232, or USB in serial/CDC mode) sending one code a line."""

    model_config = _STRICT

    type: Literal["serial"] = "serial"
    port: str = Field(
        min_length=1, description="device path, e.g. /dev/ttyACM0 or a /dev/serial/by-id link"
    )
    baudrate: int = Field(default=9600, ge=300, le=921_600, description="line speed")
    aim_prefix: bool = Field(
        default=True, description="codes start with an AIM identifier such as ]E0"
    )
    encoding: Literal["utf-8", "latin-1", "ascii"] = Field(
        default="utf-8", description="text encoding of the codes"
    )
    max_length: int = Field(
        default=512, ge=8, le=8192, description="longer lines are garbage and are dropped"
    )
    line_timeout_s: float = Field(
        default=0.5,
        gt=0,
        le=10,
        description="an unterminated partial line older than this is dropped (resync)",
    )
    reconnect_initial_s: float = Field(
        default=0.2, gt=0, le=60, description="first wait before reopening a failed port"
    )
    reconnect_max_s: float = Field(
        default=5, gt=0, le=600, description="longest wait between reopening attempts"
    )


class WedgeConfig(BaseModel):
    """A scanner that types codes as a USB keyboard (HID keyboard wedge)."""

    model_config = _STRICT

    type: Literal["wedge"] = "wedge"
    max_key_gap_s: float = Field(
        default=0.035,
        gt=0,
        le=1,
        description=(
            "largest pause between keys of one scan; scanners type a key every few ms, "
            "people need 80 ms or more"
        ),
    )
    min_length: int = Field(default=4, ge=1, le=100, description="shorter bursts are not scans")
    max_length: int = Field(default=512, ge=8, le=8192, description="longest code")
    aim_prefix: bool = Field(default=False, description="codes start with an AIM identifier")


ScannerConfig = Annotated[SerialScannerConfig | WedgeConfig, Field(discriminator="type")]
