"""Members' face encodings in memory, with the search index rebuilt after each change."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vision.faces.encoding import ENCODING_SIZE, as_encoding
from vision.faces.index.base import EncodingIndex, as_vectors
from vision.faces.index.kinds import IndexConfig, build_index

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member and the distance of their closest encoding to the query."""

    member_id: str
    distance: float


@dataclass(frozen=True, slots=True)
class Ranking:
    """Nearest members first; any member not listed is at least `others_from` away."""

    candidates: tuple[Candidate, ...]
    others_from: float


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What currently serves searches, for logs and benchmarks."""

    kind: str
    encodings: int
    members: int
    memory_bytes: int
    build_seconds: float


@dataclass(frozen=True, slots=True)
class _Snapshot:
    index: EncodingIndex
    owners: npt.NDArray[np.int64]
    member_ids: tuple[str, ...]
    info: IndexInfo


class FaceGallery:
    """Encodings by member id. Changes mark the index stale; the next search rebuilds it.

    Safe to share between threads: changes and rebuilds hold a lock, searches use the index
    they started with.
    """

    def __init__(self, config: IndexConfig | None = None, candidates: int = 32) -> None:
        self._config = config or IndexConfig()
        self._candidates = candidates
        self._members: dict[str, npt.NDArray[np.float32]] = {}
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def set_member(self, member_id: str, encodings: Iterable[object]) -> None:
        """Add a member or replace all of their encodings."""
        vectors = as_vectors([as_encoding(encoding) for encoding in encodings])
        if not vectors.size:
            raise ValueError(f"member {member_id!r}: at least one encoding is needed")
        with self._lock:
            self._members[member_id] = vectors
            self._snapshot = None

    def remove_member(self, member_id: str) -> bool:
        """Forget a member's encodings; False when they were not in the gallery."""
        with self._lock:
            removed = self._members.pop(member_id, None) is not None
            if removed:
                self._snapshot = None
            return removed

    def replace_all(self, members: Mapping[str, npt.ArrayLike]) -> None:
        """Replace the whole gallery (start-up load); each value is one or more encodings."""
        loaded = {mid: as_vectors(np.reshape(v, (-1, ENCODING_SIZE))) for mid, v in members.items()}
        with self._lock:
            self._members = loaded
            self._snapshot = None

    def __len__(self) -> int:
        return len(self._members)

    def __contains__(self, member_id: object) -> bool:
        return member_id in self._members

    def info(self) -> IndexInfo:
        """The index serving searches (built now if the gallery changed)."""
        return self._current().info

    def rank(self, encoding: object, members: int = 2) -> Ranking:
        """The `members` nearest members to `encoding`, each at their closest encoding."""
        query = as_encoding(encoding).astype(np.float32)
        snapshot = self._current()
        if not snapshot.member_ids:
            return Ranking((), math.inf)
        hits = snapshot.index.search(query, self._candidates)
        best: dict[int, float] = {}
        for row, distance in zip(hits.rows.tolist(), hits.distances.tolist(), strict=True):
            if row >= 0:
                owner = int(snapshot.owners[row])
                best.setdefault(owner, float(distance))
        ranked = [Candidate(snapshot.member_ids[o], d) for o, d in best.items()][:members]
        unseen = len(snapshot.member_ids) > len(best)
        # A member missing from the hits is no nearer than the farthest hit returned.
        others_from = float(hits.distances[-1]) if unseen else math.inf
        if len(ranked) == members:
            others_from = ranked[-1].distance
        return Ranking(tuple(ranked), others_from)

    def _current(self) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is not None:
            return snapshot
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._build()
            return self._snapshot

    def _build(self) -> _Snapshot:
        started = time.perf_counter()
        member_ids = tuple(self._members)
        arrays = [self._members[mid] for mid in member_ids]
        counts = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
        owners = np.repeat(np.arange(len(arrays), dtype=np.int64), counts)
        if arrays:
            vectors = as_vectors(np.concatenate(arrays))
        else:
            vectors = np.empty((0, ENCODING_SIZE), np.float32)
        index = build_index(vectors, self._config)
        took = time.perf_counter() - started
        info = IndexInfo(index.kind, index.size, len(member_ids), index.memory_bytes, took)
        logger.info(
            "face index rebuilt: %s, %d encodings of %d members in %.2f s",
            info.kind,
            info.encodings,
            info.members,
            took,
        )
        return _Snapshot(index, owners, member_ids, info)
