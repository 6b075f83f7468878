"""Sensor noise for the simulated cameras: a few tiles drawn once, one added to each frame."""

from __future__ import annotations

import cv2
import numpy as np

from vision.sources.base import Image

NOISE_TILES = 4


def noise_tiles(
    rng: np.random.Generator, height: int, width: int, sigma: float, n: int = NOISE_TILES
) -> list[tuple[Image, Image]]:
    """Noise tiles (added, subtracted), made once: drawing it per frame costs more than the
    rest of the frame."""
    tiles = []
    for _ in range(n):
        grey = np.repeat(rng.normal(0, sigma, (height, width, 1)), 3, axis=2)
        tiles.append(
            (np.clip(grey, 0, 255).astype(np.uint8), np.clip(-grey, 0, 255).astype(np.uint8))
        )
    return tiles


def add_noise(frame: Image, tiles: list[tuple[Image, Image]], rng: np.random.Generator) -> Image:
    """`frame` with one of `tiles`, picked by `rng`, added (a new array)."""
    added, subtracted = tiles[int(rng.integers(len(tiles)))]
    return np.asarray(cv2.subtract(cv2.add(frame, added), subtracted), np.uint8)
