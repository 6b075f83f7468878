"""Barcode decoding: decoders behind one contract, the scanning pipeline, debounce, live use."""

from __future__ import annotations

from vision.barcodes.base import Accept, Barcode, Decoder, DecoderUnavailable, ImageError
from vision.barcodes.config import DebounceConfig, PipelineConfig
from vision.barcodes.debounce import Debouncer
from vision.barcodes.decoders import DECODERS, build_decoder
from vision.barcodes.evidence import Detection
from vision.barcodes.pipeline import ScanPipeline, ScanResult

__all__ = [
    "DECODERS",
    "Accept",
    "Barcode",
    "DebounceConfig",
    "Debouncer",
    "Decoder",
    "DecoderUnavailable",
    "Detection",
    "ImageError",
    "PipelineConfig",
    "ScanPipeline",
    "ScanResult",
    "build_decoder",
]
