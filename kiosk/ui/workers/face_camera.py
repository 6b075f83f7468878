"""Face pay's own camera: frames from a source into the face-camera preview feed."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from kiosk.adapters.device_config import FaceCameraConfig
from kiosk.ui import device_board as names
from kiosk.ui.device_board import DeviceBoard
from kiosk.ui.feeds import PreviewFeed
from kiosk.ui.workers.camera import PreviewSource, source_failure, source_status
from vision.sources import LatestFrameGrabber, SyntheticConfig, build_source
from vision.sources.base import FrameSource
from vision.sources.presented import PresentedFace

logger = logging.getLogger(__name__)
ENV_TEST_DATA = "KIOSK_TEST_DATA"
SHARED_FACE = "faces/obama_1.jpg"  # passes the animated liveness challenge (docs/app.md)


def packaged_face() -> Path | None:
    """Grace Hopper's portrait, shipped with matplotlib's sample data (if installed)."""
    try:
        import matplotlib
    except ImportError:
        return None
    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return path if path.exists() else None


def demo_face_photo(configured: str, base_dir: Path) -> Path:
    """The photo the presented face camera shows: the configured one (relative to the config
    file), else the shared test data's, else one an installed package ships."""
    if configured:
        return (base_dir / configured).resolve()
    shared = os.environ.get(ENV_TEST_DATA)
    if shared and (Path(shared) / SHARED_FACE).exists():
        return Path(shared) / SHARED_FACE
    packaged = packaged_face()
    if packaged is None:
        raise FileNotFoundError(
            "no face photo for the presented face camera: set devices.face_camera.photo, "
            f"${ENV_TEST_DATA}, or install matplotlib (it ships grace_hopper.jpg)"
        )
    return packaged


def face_source(config: FaceCameraConfig, base_dir: Path, devices: DeviceBoard) -> FrameSource:
    """The face camera's frame source for source = camera, synthetic or presented."""
    on_event = source_status(devices, names.FACE_CAMERA, False)
    if config.source == "camera":
        assert config.camera is not None
        return build_source(config.camera, on_event)
    if config.source == "presented":
        photo = demo_face_photo(config.photo, base_dir)
        logger.info("presented face camera shows %s", photo)
        size = {"width": config.width, "height": config.height, "fps": config.fps}
        return PresentedFace(photo, on_event=on_event, **size)
    synthetic = SyntheticConfig(width=config.width, height=config.height, fps=config.fps)
    return build_source(synthetic, on_event)


class FaceCameraWorker:
    """Reads a frame source on a LatestFrameGrabber's thread and publishes every frame to `feed`."""

    def __init__(self, source: FrameSource, feed: PreviewFeed, devices: DeviceBoard) -> None:
        self.source = source
        self.feed = feed
        self.devices = devices
        # The feed is the consumer (face pay reads its newest frame): nobody takes frames from
        # the grabber, so its stats count every frame as dropped.
        failed = source_failure(devices, names.FACE_CAMERA, False, source.name)
        self._grabber = LatestFrameGrabber(PreviewSource(source, feed), on_error=failed)

    def start(self) -> None:
        self._grabber.start()

    def stop(self) -> None:
        self._grabber.stop()
