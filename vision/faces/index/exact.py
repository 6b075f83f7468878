"""Exact search: one BLAS matrix-vector product over every stored encoding."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from vision.faces.index.base import Hits, Vectors, as_vectors, pad_hits


class ExactIndex:
    """Brute force with numpy; exact and fastest while the gallery is small."""

    kind: ClassVar[str] = "exact"

    def __init__(self, vectors: Vectors) -> None:
        self._vectors = as_vectors(vectors)
        self._norms = np.einsum("ij,ij->i", self._vectors, self._vectors)

    @property
    def size(self) -> int:
        return int(self._vectors.shape[0])

    @property
    def memory_bytes(self) -> int:
        return int(self._vectors.nbytes + self._norms.nbytes)

    def search(self, query: Vectors, k: int) -> Hits:
        if self.size == 0:
            return pad_hits(np.empty(0, np.int64), np.empty(0, np.float32), k)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        # |x - q|^2 = |x|^2 - 2 x.q + |q|^2; the |q|^2 term does not change the order.
        partial = self._norms - 2.0 * (self._vectors @ q)
        count = min(k, self.size)
        top = np.argpartition(partial, count - 1)[:count] if count < self.size else np.arange(count)
        # Distances of the few winners are recomputed from differences: no cancellation error.
        distances = np.linalg.norm(self._vectors[top] - q, axis=1).astype(np.float32)
        order = np.argsort(distances, kind="stable")
        rows = top[order].astype(np.int64)
        return pad_hits(rows, distances[order], k)
