"""Fixtures for the vision tests: the kiosk's real acceptance check and rendered scenes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.adapters.scanning import Accept, ScanningConfig, build_accept
from vision.sources.rendering import render_code

ALL_RENDERED = (
    ("5901234123457", "ean13"),
    ("96385074", "ean8"),
    ("036000291452", "upca"),
    ("01234565", "upce"),
    ("ABC-12345/xyz", "code128"),
    ("COUPON:SPRING-10", "qr"),
)


@pytest.fixture(scope="session")
def accept() -> Accept:
    return build_accept(ScanningConfig())


def place(canvas: np.ndarray, label: np.ndarray, x: int, y: int) -> None:
    h, w = label.shape
    canvas[y : y + h, x : x + w] = label


def rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    """The image turned about its centre on a canvas large enough to hold all of it."""
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, m, (nw, nh), borderValue=255, flags=cv2.INTER_AREA)


def scene(text: str, symbology: str, module_px: int = 3, degrees: float = 0.0) -> np.ndarray:
    """A code on a grey page with some margin, turned by `degrees`."""
    label = rotated(render_code(text, symbology, module_px), degrees)
    page = np.full((label.shape[0] + 80, label.shape[1] + 80), 200, dtype=np.uint8)
    place(page, label, 40, 40)
    return page


class Drawing:
    """Helpers handed to tests as a fixture (test modules cannot import conftest)."""

    all_rendered = ALL_RENDERED
    place = staticmethod(place)
    rotated = staticmethod(rotated)
    scene = staticmethod(scene)


@pytest.fixture(scope="session")
def draw() -> type[Drawing]:
    return Drawing
