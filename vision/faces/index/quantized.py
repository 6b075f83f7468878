"""Approximate shortlist, exact answer: faiss 8-bit scalar-quantised scan, then exact re-ranking."""

from __future__ import annotations

import logging
import math
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from vision.faces.index.base import Hits, Vectors, as_vectors, pad_hits

logger = logging.getLogger(__name__)


class QuantizedConfig(BaseModel):
    """The faiss index behind the shortlist.

    By default every stored code is scanned (a quarter of the bytes of float32, so about twice
    as fast once the gallery outgrows the CPU cache) and the shortlist is re-ranked with the
    float32 encodings: the true nearest can only be missed if `shortlist` other encodings sit
    within the quantisation error (~0.01) of it. `partition` adds k-means cells (IVF) and scans
    only some of them: faster again, but then the true nearest is sometimes not in the scanned
    cells (measured in benchmarks/faces.py).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    shortlist: int = Field(
        32, ge=2, le=1024, description="Candidates taken from the codes and re-ranked exactly."
    )
    partition: bool = Field(
        False,
        description="Split into sqrt(N) k-means cells and scan only `probe_fraction` of them "
        "(IVF). Off by default: a missed nearest neighbour could let a look-alike through.",
    )
    probe_fraction: float = Field(
        0.25, gt=0.0, le=1.0, description="Share of the cells scanned when `partition` is on."
    )
    train_per_cell: int = Field(
        64, ge=39, le=1024, description="k-means training sample per cell when partitioned."
    )
    seed: int = Field(1234, ge=0, le=2**31 - 1, description="Training seed (reproducible builds).")


class QuantizedIndex:
    """faiss IndexScalarQuantizer (or IndexIVFScalarQuantizer) over 8-bit codes, re-ranked with
    the float32 vectors it was built from (shared with the caller, not copied)."""

    kind: ClassVar[str] = "quantized"

    def __init__(self, vectors: Vectors, config: QuantizedConfig | None = None) -> None:
        import faiss  # deferred: costs import time, and small galleries never need it

        self._config = config or QuantizedConfig()
        self._vectors = as_vectors(vectors)
        count, dimension = self._vectors.shape
        if count == 0:
            raise ValueError("a quantized index needs at least one encoding")
        self.cells = self._cell_count(count)
        self.probe = 1
        index: Any
        if self.cells == 1:
            index = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit)
            index.train(self._vectors)
        else:
            self._quantizer = faiss.IndexFlatL2(dimension)  # must outlive the IVF index
            index = faiss.IndexIVFScalarQuantizer(
                self._quantizer, dimension, self.cells, faiss.ScalarQuantizer.QT_8bit
            )
            index.cp.seed = self._config.seed
            index.train(_sample(self._vectors, self.cells * self._config.train_per_cell))
            self.probe = max(1, min(self.cells, round(self._config.probe_fraction * self.cells)))
            index.nprobe = self.probe
        index.add(self._vectors)
        self._index = index
        logger.debug(
            "quantized index: %d encodings, %d cell(s), %d probed", count, self.cells, self.probe
        )

    def _cell_count(self, count: int) -> int:
        if not self._config.partition:
            return 1
        return max(1, min(count // self._config.train_per_cell, round(math.sqrt(count))))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def memory_bytes(self) -> int:
        dimension = self._vectors.shape[1]
        codes = self.size * dimension  # one byte per value
        ids = self.size * 8 if self.cells > 1 else 0
        centroids = self.cells * dimension * 4 if self.cells > 1 else 0
        return int(self._vectors.nbytes + codes + ids + centroids)

    def search(self, query: Vectors, k: int) -> Hits:
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        _, found = self._index.search(q, max(k, self._config.shortlist))
        rows = found[0][found[0] >= 0]
        distances = np.linalg.norm(self._vectors[rows] - q[0], axis=1).astype(np.float32)
        order = np.argsort(distances, kind="stable")[:k]
        return pad_hits(rows[order].astype(np.int64), distances[order], k)


def _sample(data: Vectors, wanted: int) -> Vectors:
    if data.shape[0] <= wanted:
        return data
    # Evenly spaced rows: deterministic, and the gallery order carries no meaning.
    step = data.shape[0] / wanted
    picked = (np.arange(wanted) * step).astype(np.int64)
    return np.ascontiguousarray(data[picked])
