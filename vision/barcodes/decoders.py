"""The registered decoder implementations, by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from vision.barcodes.base import Decoder
from vision.barcodes.pyzbar_decoder import PyzbarDecoder
from vision.barcodes.zxing_cpp import ZxingDecoder

if TYPE_CHECKING:
    from vision.barcodes.passes import Pass

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


class DecoderCache:
    """One decoder per (library, binarizer) that passes use, built on first use and kept."""

    def __init__(self, symbologies: Iterable[str]) -> None:
        self.symbologies = tuple(symbologies)
        self._built: dict[tuple[str, str], Decoder] = {}

    def get(self, p: Pass) -> Decoder:
        """The decoder pass `p` runs (its binarizer applies to zxing-cpp only)."""
        slot = (p.decoder, p.binarizer)
        if slot not in self._built:
            options = {"binarizer": p.binarizer} if p.decoder == "zxing_cpp" else {}
            self._built[slot] = build_decoder(p.decoder, self.symbologies, **options)
        return self._built[slot]
