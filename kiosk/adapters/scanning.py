"""Camera, serial and keyboard-wedge scans into checkout events, and the GS1 acceptance check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from devices.scanners.config import SerialScannerConfig, WedgeConfig
from kiosk.checkout.events import ItemScanned, ScanSource
from kiosk.checkout.gs1 import RETAIL_SYMBOLOGIES, GtinError, Symbology, to_gtin14
from vision.barcodes.config import DebounceConfig, PipelineConfig, live_config
from vision.sources.config import SourceConfig

if TYPE_CHECKING:
    from vision.barcodes.live import CameraScanner, FrameReport
    from vision.sources.base import FrameSource, SourceEvent

logger = logging.getLogger(__name__)

Accept = Callable[[str, str], "str | None"]

_DIGITS = {
    Symbology.EAN13: (13,),
    Symbology.EAN8: (8,),
    Symbology.UPCA: (12,),
    Symbology.UPCE: (8,),
}
_SAME_BARS = {Symbology.EAN13: Symbology.UPCA, Symbology.UPCA: Symbology.EAN13}


class ScanRecordLike(Protocol):
    """What the camera (vision.barcodes.live.ScanRecord) and the serial and wedge scanners
    (devices.scanners.ScanRecord) all produce."""

    @property
    def text(self) -> str: ...

    @property
    def symbology(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def at(self) -> float: ...


class ScanningConfig(BaseModel):
    """The `[scanning]` settings: which codes the kiosk takes, and from which scanners."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    symbologies: tuple[Symbology, ...] = Field(
        default=(
            Symbology.EAN13,
            Symbology.EAN8,
            Symbology.UPCA,
            Symbology.UPCE,
            Symbology.CODE128,
            Symbology.QR,
        ),
        min_length=1,
        description="allow-list; reads of other symbologies are dropped",
    )
    accept_unknown: bool = Field(
        default=True,
        description=(
            "take codes whose symbology the scanner did not say (keyboard wedges, serial "
            "scanners without AIM prefixes); they are still checked as GTINs when all digits"
        ),
    )
    camera: SourceConfig | None = Field(
        default=None, description="the scanning camera (camera, video, folder or synthetic)"
    )
    pipeline: PipelineConfig = Field(
        default_factory=live_config, description="decoding passes and budget for camera frames"
    )
    debounce: DebounceConfig = Field(
        default_factory=DebounceConfig, description="when a code held in view counts again"
    )
    serial: SerialScannerConfig | None = Field(default=None, description="a serial scanner")
    wedge: WedgeConfig | None = Field(default=None, description="a keyboard-wedge scanner")

    @field_validator("pipeline", mode="before")
    @classmethod
    def _live_defaults(cls, value: object) -> object:
        """Keys given in the file override the live-camera defaults, not the still-image ones."""
        if isinstance(value, dict):
            return live_config(**value)
        return value


def build_accept(config: ScanningConfig) -> Accept:
    """The acceptance check vision and devices are given: `accept(text, symbology)` returns the
    normalised key (GTIN-14 for retail codes, the text itself otherwise) or None.

    EAN-13 and UPC-A are the same bars (UPC-A is an EAN-13 starting with 0), so allowing one
    allows the other; a UPC-E and its UPC-A expansion give the same GTIN-14.
    """
    allowed = set(config.symbologies)
    allowed |= {_SAME_BARS[s] for s in config.symbologies if s in _SAME_BARS}

    def accept(text: str, symbology: str) -> str | None:
        try:
            sym = Symbology(symbology)
        except ValueError:
            return None
        if sym == Symbology.UNKNOWN:
            return _unknown_key(text) if config.accept_unknown else None
        if sym not in allowed:
            return None
        if sym in RETAIL_SYMBOLOGIES:
            return _gtin(text, sym)
        return text if text.strip() else None

    return accept


def _gtin(text: str, sym: Symbology) -> str | None:
    lengths = _DIGITS[sym]
    if sym == Symbology.UPCA and len(text) == 13 and text.startswith("0"):
        text = text[1:]
    if len(text) not in lengths:
        return None
    try:
        return to_gtin14(text, sym)
    except GtinError:
        return None


def _unknown_key(text: str) -> str | None:
    """A code of unknown symbology: GTIN-14 when it is a valid GTIN, else the text."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        try:
            return to_gtin14(text)
        except GtinError:
            return None
    return text


def to_event(record: ScanRecordLike, accept: Accept) -> ItemScanned | None:
    """The checkout event for a scan, or None when the acceptance check refuses it.

    The event carries the code as read, with its symbology; the session classifies it
    (product, variable-measure label, coupon or member code).
    """
    if accept(record.text, record.symbology) is None:
        return None
    try:
        source = ScanSource(record.source)
    except ValueError:
        logger.warning("scan from unknown source %r dropped", record.source)
        return None
    sym = Symbology(record.symbology)
    return ItemScanned(
        at=record.at,
        code=record.text,
        symbology=None if sym == Symbology.UNKNOWN else sym,
        source=source,
    )


class ScanIntake:
    """Collects scans from every scanner thread and hands checkout events to `sink` (usually
    the runtime's event queue put). Refused reads are counted and logged at debug level."""

    def __init__(self, config: ScanningConfig, sink: Callable[[ItemScanned], None]) -> None:
        self.accept = build_accept(config)
        self.sink = sink
        self.refused = 0

    def __call__(self, record: ScanRecordLike) -> None:
        event = to_event(record, self.accept)
        if event is None:
            self.refused += 1
            logger.debug("refused %s scan %r (%s)", record.source, record.text, record.symbology)
            return
        self.sink(event)


def build_camera_scanner(
    config: ScanningConfig,
    intake: ScanIntake,
    *,
    on_frame: Callable[[FrameReport], None] | None = None,
    on_event: Callable[[SourceEvent], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    source: FrameSource | None = None,
) -> CameraScanner | None:
    """The camera scanner of `config` feeding `intake` (None without a camera); not started.

    The decoders look only for allowed symbologies (fewer formats is faster). `source`, when
    given, replaces the one `config.camera` describes (the app wraps it to show its frames);
    `on_error` hears a source failure beyond the source's own recovery.
    """
    from vision.barcodes.debounce import Debouncer
    from vision.barcodes.live import CameraScanner
    from vision.barcodes.pipeline import ScanPipeline
    from vision.sources import LatestFrameGrabber, build_source

    if config.camera is None:
        return None
    wanted = {s.value for s in config.symbologies if s != Symbology.UNKNOWN}
    readable = tuple(s for s in config.pipeline.symbologies if s in wanted) or tuple(wanted)
    pipeline_config = PipelineConfig.model_validate(
        config.pipeline.model_dump() | {"symbologies": readable}
    )
    grabber = LatestFrameGrabber(source or build_source(config.camera, on_event), on_error=on_error)
    return CameraScanner(
        grabber,
        ScanPipeline(pipeline_config, intake.accept),
        on_scan=intake,
        on_frame=on_frame,
        debouncer=Debouncer(config.debounce),
    )
