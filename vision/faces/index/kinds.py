"""The index kinds, registered by name, and the rule that picks one for a gallery size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vision.faces.index.base import EncodingIndex, Vectors
from vision.faces.index.exact import ExactIndex
from vision.faces.index.quantized import QuantizedConfig, QuantizedIndex


class IndexConfig(BaseModel):
    """Which index serves 1:N search."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["auto", "exact", "quantized"] = Field(
        "auto",
        description="'exact' (numpy brute force), 'quantized' (faiss 8-bit scan with exact "
        "re-ranking) or 'auto': exact below `quantized_from` encodings, quantized from there.",
    )
    quantized_from: int = Field(
        20_000,
        ge=1,
        le=100_000_000,
        description="Encodings at which 'auto' switches to the quantized index: the switch-over "
        "benchmarks/faces.py measures. Below it the float32 gallery (10 MB at 20k) stays in "
        "cache and exact search is as fast; above it the 8-bit scan reads a quarter of the "
        "bytes and is 2-3x faster (0.95 vs 2.1 ms at 100k, 11.5 vs 36 ms at 1M).",
    )
    quantized: QuantizedConfig = Field(QuantizedConfig(), description="Quantized index shape.")


IndexBuilder = Callable[[Vectors, IndexConfig], EncodingIndex]

INDEX_KINDS: dict[str, IndexBuilder] = {
    ExactIndex.kind: lambda vectors, config: ExactIndex(vectors),
    QuantizedIndex.kind: lambda vectors, config: QuantizedIndex(vectors, config.quantized),
}


def chosen_kind(count: int, config: IndexConfig) -> str:
    """The index kind serving a gallery of `count` encodings."""
    if config.kind != "auto":
        return config.kind
    return QuantizedIndex.kind if count >= config.quantized_from else ExactIndex.kind


def build_index(vectors: Vectors, config: IndexConfig) -> EncodingIndex:
    """Build the index `config` asks for over `vectors` (an empty gallery gets an exact one)."""
    kind = chosen_kind(len(vectors), config) if len(vectors) else ExactIndex.kind
    return INDEX_KINDS[kind](vectors, config)
