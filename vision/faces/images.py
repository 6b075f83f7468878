"""Checking, loading and resizing the RGB images the face code works on."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

RgbImage = npt.NDArray[np.uint8]
"""An H x W x 3 uint8 array in RGB order (face_recognition's convention, not OpenCV's BGR)."""


class InvalidImageError(ValueError):
    """The input is not an image the face code can read."""


def as_rgb(image: object) -> RgbImage:
    """Return `image` as a contiguous H x W x 3 uint8 RGB array, or say what is wrong with it.

    Grayscale (H x W) is expanded to three channels; RGBA drops its alpha.
    """
    if not isinstance(image, np.ndarray):
        raise InvalidImageError(f"expected a numpy image array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise InvalidImageError(f"expected uint8 pixels, got {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim != 3 or image.shape[2] not in (3, 4):
        raise InvalidImageError(f"expected H x W x 3 (RGB), got shape {image.shape}")
    if image.shape[0] < 8 or image.shape[1] < 8:
        raise InvalidImageError(
            f"image of {image.shape[1]}x{image.shape[0]} is too small to hold a face"
        )
    return np.ascontiguousarray(image[:, :, :3])


def decode_image(data: bytes, name: str = "image") -> RgbImage:
    """Decode encoded image bytes (JPEG, PNG, ...) to RGB; `name` appears in the error."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    decoded = cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None
    if decoded is None:
        raise InvalidImageError(f"{name}: not a readable image ({len(data)} bytes)")
    return as_rgb(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB))


def load_image(path: Path) -> RgbImage:
    """Read an image file as RGB, with an error naming the file when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidImageError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return decode_image(data, str(path))


def downscale(image: RgbImage, max_side: int) -> tuple[RgbImage, float]:
    """Shrink so the longer side is at most `max_side`; return the image and the scale used."""
    longest = max(image.shape[0], image.shape[1])
    if longest <= max_side:
        return image, 1.0
    scale = max_side / longest
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8), scale


def letterbox(image: RgbImage, width: int = 640, height: int = 480) -> RgbImage:
    """Fit `image` into a black `width` x `height` frame, keeping its aspect (a camera view)."""
    scale = min(width / image.shape[1], height / image.shape[0])
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, size, interpolation=interpolation)
    frame = np.zeros((height, width, 3), dtype=np.uint8)
    top, left = (height - size[1]) // 2, (width - size[0]) // 2
    frame[top : top + size[1], left : left + size[0]] = resized
    return frame
