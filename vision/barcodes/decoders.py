"""The registered decoder implementations, by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from vision.barcodes.base import Decoder
from vision.barcodes.pyzbar_decoder import PyzbarDecoder
from vision.barcodes.zxing_cpp import ZxingDecoder

DECODERS: dict[str, Callable[..., Decoder]] = {
    ZxingDecoder.name: ZxingDecoder,
    PyzbarDecoder.name: PyzbarDecoder,
}


def build_decoder(name: str, symbologies: Iterable[str], **options: Any) -> Decoder:
    """A decoder by its registered name; unknown names list the known ones."""
    try:
        factory = DECODERS[name]
    except KeyError:
        raise ValueError(f"unknown decoder {name!r}; choose from {', '.join(DECODERS)}") from None
    return factory(tuple(symbologies), **options)
