"""The face_recognition (dlib) models, imported once on first use."""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from types import ModuleType

logger = logging.getLogger(__name__)

# dlib's detector, predictor and encoder are not thread-safe: the wrappers in detection.py,
# encoding.py and liveness/observer.py hold this around every call (re-entrant, so callers
# that hold it over several calls, like the face engine and the presented camera, may).
DLIB_LOCK = threading.RLock()


class FaceModelsUnavailableError(RuntimeError):
    """face_recognition or its dlib models could not be loaded."""


@functools.cache
def face_api() -> ModuleType:
    """Return the `face_recognition` module, loading dlib's models on the first call.

    Importing it costs a second or two (the models load at import), so callers ask for it
    only when they are about to detect or encode.
    """
    try:
        with warnings.catch_warnings():
            # face_recognition_models still imports pkg_resources; the warning is noise here.
            warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
            import face_recognition
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise FaceModelsUnavailableError(
            f"face_recognition could not be imported ({exc}); install the vision extras with "
            "`uv sync` (face-recognition, dlib-bin and face_recognition_models)"
        ) from exc
    module: ModuleType = face_recognition
    logger.debug("face_recognition %s loaded", getattr(module, "__version__", "?"))
    return module
