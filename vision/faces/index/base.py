"""The contract every encoding index meets, and its search result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Hits:
    """The k nearest stored rows to one query, nearest first (row -1 pads a short answer)."""

    rows: npt.NDArray[np.int64]
    distances: npt.NDArray[np.float32]


class EncodingIndex(Protocol):
    """A read-only index over N x 128 float32 encodings, built in one go."""

    kind: ClassVar[str]

    @property
    def size(self) -> int:
        """How many encodings the index holds."""
        ...

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the index structures (vectors included)."""
        ...

    def search(self, query: Vectors, k: int) -> Hits:
        """The `k` stored encodings nearest to `query` (Euclidean distance)."""
        ...


def as_vectors(values: npt.ArrayLike) -> Vectors:
    """Encodings as a C-contiguous float32 N x 128 matrix (what numpy BLAS and faiss want)."""
    array = np.ascontiguousarray(values, dtype=np.float32)
    if array.ndim != 2 or array.shape[1] != 128:
        raise ValueError(f"expected N x 128 encodings, got shape {array.shape}")
    return array


def pad_hits(rows: npt.NDArray[np.int64], distances: npt.NDArray[np.float32], k: int) -> Hits:
    """Hits of exactly `k` entries, padded with row -1 at infinite distance."""
    if rows.size == k:
        return Hits(rows, distances)
    padded_rows = np.full(k, -1, np.int64)
    padded_distances = np.full(k, np.inf, np.float32)
    padded_rows[: rows.size] = rows
    padded_distances[: rows.size] = distances
    return Hits(padded_rows, padded_distances)
