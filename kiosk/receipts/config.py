"""Receipt layout and the printer it goes to."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid", frozen=True)


class NoPrinter(BaseModel):
    model_config = _STRICT
    type: Literal["none"] = "none"


class FilePrinter(BaseModel):
    """ESC/POS bytes appended to a file (a printer device node such as /dev/usb/lp0 works too)."""

    model_config = _STRICT
    type: Literal["file"] = "file"
    path: str = Field(default="receipts.escpos", description="relative to data_dir")


class SerialPrinter(BaseModel):
    model_config = _STRICT
    type: Literal["serial"] = "serial"
    port: str = Field(description="e.g. /dev/ttyUSB1")
    baudrate: int = Field(default=19200, ge=1200, le=921600)


class UsbPrinter(BaseModel):
    model_config = _STRICT
    type: Literal["usb"] = "usb"
    vendor_id: int = Field(ge=0, le=0xFFFF)
    product_id: int = Field(ge=0, le=0xFFFF)


class NetworkPrinter(BaseModel):
    model_config = _STRICT
    type: Literal["network"] = "network"
    host: str = Field(min_length=1, max_length=253)
    port: int = Field(default=9100, ge=1, le=65535)


PrinterConfig = Annotated[
    NoPrinter | FilePrinter | SerialPrinter | UsbPrinter | NetworkPrinter,
    Field(discriminator="type"),
]


class ReceiptsConfig(BaseModel):
    model_config = _STRICT

    printer: PrinterConfig = Field(default_factory=FilePrinter)
    width: int = Field(default=42, ge=24, le=64, description="characters per line (80 mm: 42-48)")
    ereceipt_url: str = Field(
        default="https://receipts.example.com/r/{sale_id}",
        description="QR e-receipt link; {sale_id} and {kiosk_id} are filled in",
        max_length=200,
    )
    header: tuple[str, ...] = Field(
        default=(), max_length=6, description="lines under the store name"
    )
    footer: tuple[str, ...] = Field(default=(), max_length=6)
    cjk_font: str = Field(
        default="/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        description="font for printing Chinese receipts as an image (Debian fonts-noto-cjk)",
    )
