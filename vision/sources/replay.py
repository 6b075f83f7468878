"""Recorded input replayed as a camera: a video file, or a folder of still images."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from vision.sources.base import EventSink, Frame, Image, SourceBase, SourceState
from vision.sources.config import FolderConfig, VideoConfig

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})


class SourceOpenError(RuntimeError):
    """A file or folder source cannot start; the message names the path and the problem."""


class VideoFileSource(SourceBase):
    """Frames carry the recording's own timeline (opening time + frame index / the file's
    frame rate), so a replay is judged as it was recorded however fast it is decoded."""

    def __init__(self, config: VideoConfig, *, on_event: EventSink | None = None) -> None:
        super().__init__(f"video:{config.path.name}", on_event)
        self.config = config
        self._cap: Any = None
        self.fps = 0.0
        self._file_fps = 30.0
        self._opened_at = 0.0

    def open(self) -> None:
        path = self.config.path
        if not path.is_file():
            raise SourceOpenError(f"video file {path} does not exist")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            raise SourceOpenError(f"{path} is not a video OpenCV can read")
        file_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self._file_fps = file_fps if 1.0 <= file_fps <= 1000.0 else 30.0
        self.fps = self.config.fps if self.config.fps is not None else file_fps
        self._opened_at = time.monotonic()
        self._cap = cap
        self._closing.clear()
        self._set_state(SourceState.RUNNING)

    def read(self) -> Frame | None:
        while self._cap is not None and self._pace(self.fps):
            ok, image = self._cap.read()
            if ok and isinstance(image, np.ndarray):
                self._number += 1
                at = self._opened_at + (self._number - 1) / self._file_fps
                return Frame(np.asarray(image, np.uint8), at, self._number, self.name)
            if not self.config.loop or self._number == 0:
                break
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
        if self._cap is not None and not self._closing.is_set():
            self._set_state(SourceState.ENDED, f"end of {self.config.path.name}")
        return None

    def close(self) -> None:
        self._closing.set()
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._set_state(SourceState.CLOSED)


class ImageFolderSource(SourceBase):
    """Images in name order; an unreadable file is skipped with a warning naming it."""

    def __init__(self, config: FolderConfig, *, on_event: EventSink | None = None) -> None:
        super().__init__(f"folder:{config.path.name}", on_event)
        self.config = config
        self._files: list[Path] = []
        self._index = 0
        self.skipped: list[Path] = []

    def open(self) -> None:
        path = self.config.path
        if not path.is_dir():
            raise SourceOpenError(f"image folder {path} does not exist")
        self._files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise SourceOpenError(f"{path} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self._index = 0
        self._closing.clear()
        self._set_state(SourceState.RUNNING)

    def read(self) -> Frame | None:
        while self.state == SourceState.RUNNING and self._pace(self.config.fps):
            if self._index >= len(self._files):
                if not self.config.loop or len(self.skipped) == len(self._files):
                    self._set_state(SourceState.ENDED, f"end of {self.config.path.name}")
                    return None
                self._index = 0
            path = self._files[self._index]
            self._index += 1
            image = _load(path)
            if image is not None:
                return self._frame(image)
            if path not in self.skipped:
                self.skipped.append(path)
                logger.warning("skipping %s: not an image OpenCV can decode", path)
        return None

    def close(self) -> None:
        self._closing.set()
        self._set_state(SourceState.CLOSED)


def _load(path: Path) -> Image | None:
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return np.asarray(image, np.uint8) if isinstance(image, np.ndarray) else None
