"""Frame sources: cameras, video files, image folders and a synthetic barcode camera."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vision.sources.base import EventSink, Frame, FrameSource, SourceEvent, SourceState
from vision.sources.camera import OpenCVCamera
from vision.sources.config import (
    CameraConfig,
    FolderConfig,
    SourceConfig,
    SyntheticConfig,
    VideoConfig,
)
from vision.sources.grabber import GrabberStats, LatestFrameGrabber
from vision.sources.replay import ImageFolderSource, SourceOpenError, VideoFileSource
from vision.sources.synthetic import SyntheticCamera

SOURCES: dict[str, Callable[..., FrameSource]] = {
    "camera": OpenCVCamera,
    "video": VideoFileSource,
    "folder": ImageFolderSource,
    "synthetic": SyntheticCamera,
}


def build_source(config: SourceConfig, on_event: EventSink | None = None) -> FrameSource:
    """The source named by `config.type`, configured and not yet opened."""
    factory: Any = SOURCES[config.type]
    source: FrameSource = factory(config, on_event=on_event)
    return source


__all__ = [
    "SOURCES",
    "CameraConfig",
    "FolderConfig",
    "Frame",
    "FrameSource",
    "GrabberStats",
    "ImageFolderSource",
    "LatestFrameGrabber",
    "OpenCVCamera",
    "SourceConfig",
    "SourceEvent",
    "SourceOpenError",
    "SourceState",
    "SyntheticCamera",
    "SyntheticConfig",
    "VideoConfig",
    "VideoFileSource",
    "build_source",
]
