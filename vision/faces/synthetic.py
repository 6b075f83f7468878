"""Synthetic face encodings shaped like dlib's, for index tests and benchmarks (no faces involved).

Real encodings share a common offset (their mean has a norm of about 1.3) and scatter around
it with a per-person residual of about 0.6, so two different people sit about 0.85 apart and
two photos of one person about 0.35 apart. Distances ignore the offset, but it keeps the
values in the range the index sees in practice.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from vision.faces.encoding import ENCODING_SIZE

OFFSET_NORM = 1.3
PERSON_SPREAD = 0.6
SAME_PERSON_DISTANCE = 0.35


def _offset() -> npt.NDArray[np.float32]:
    direction = np.random.default_rng(0).standard_normal(ENCODING_SIZE)
    return (direction / np.linalg.norm(direction) * OFFSET_NORM).astype(np.float32)


def synthetic_people(count: int, seed: int, chunk: int = 250_000) -> npt.NDArray[np.float32]:
    """`count` encodings of different people (float32, count x 128), generated in chunks."""
    rng = np.random.default_rng(seed)
    sigma = PERSON_SPREAD / math.sqrt(ENCODING_SIZE)
    out = np.empty((count, ENCODING_SIZE), dtype=np.float32)
    offset = _offset()
    for start in range(0, count, chunk):
        stop = min(count, start + chunk)
        block = rng.standard_normal((stop - start, ENCODING_SIZE), dtype=np.float32)
        block *= np.float32(sigma)
        block += offset
        out[start:stop] = block
    return out


def nearby(anchors: npt.NDArray[np.float32], distance: float, seed: int) -> npt.NDArray[np.float32]:
    """One new encoding per anchor, each exactly `distance` away in a random direction."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(anchors.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    return (anchors + noise * np.float32(distance)).astype(np.float32)
