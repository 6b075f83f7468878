"""The scanning pipeline: a cheap first pass, then escalating fallbacks within a time budget."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import cv2
import numpy as np

from vision.barcodes.base import (
    IDENTITY,
    RETAIL,
    Accept,
    Affine,
    Barcode,
    GrayImage,
)
from vision.barcodes.config import PipelineConfig
from vision.barcodes.decoders import DecoderCache
from vision.barcodes.evidence import Detection, Evidence
from vision.barcodes.images import as_gray
from vision.barcodes.passes import PASSES, Pass, Preprocess, prepare

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanResult:
    detections: tuple[Detection, ...]
    elapsed_ms: float
    passes: tuple[str, ...]  # the passes that ran, in order
    undecided: tuple[Detection, ...] = ()  # reads too weak (so far) to be believed
    rejected: int = 0  # reads the acceptance check refused (bad check digit, not allowed)
    errors: int = 0  # passes whose decoder failed on this image


class ScanPipeline:
    """Decodes one image with the configured passes; every read goes through `accept`.

    `accept(text, symbology)` is injected (the kiosk passes GS1 validation and its symbology
    allow-list) and returns the normalised key that reads are compared and reported by.
    """

    def __init__(self, config: PipelineConfig, accept: Accept) -> None:
        self.config = config
        self.accept = accept
        self._passes: list[Pass] = [PASSES[name] for name in config.passes]
        self._decoders = DecoderCache(config.symbologies)
        for p in self._passes:
            self._decoders.get(
                p
            )  # fail at start, not on the first frame, when a library is missing
        self._failed_once: set[str] = set()
        self._next_fallback = 0
        self._calls = 0
        self._verified_at: dict[str, int] = {}  # live: key -> call when it last passed

    def scan(self, image: object, evidence: Evidence | None = None) -> ScanResult:
        """Decode `image` (gray, BGR or BGRA uint8). Raises ImageError only for unusable input.

        Pass `evidence` to carry reads over from earlier frames of the same scene.
        """
        started = time.perf_counter()
        cfg = self.config
        clock = time.thread_time if cfg.budget_clock == "cpu" else time.perf_counter
        budget_start = clock()
        gray = as_gray(image)
        evidence = evidence or Evidence(
            cfg.strong_support, cfg.margin, cfg.cross_margin, cfg.cross_veto
        )
        prepared: dict[Preprocess, tuple[GrayImage, Affine]] = {}
        ran: list[str] = []
        rejected = errors = 0
        self._calls += 1
        live = cfg.fallbacks_per_image > 0
        for p in self._plan():
            if ran and (clock() - budget_start) * 1000 > cfg.budget_ms:
                break
            if ran and live and evidence.settled() and self._calls % cfg.settled_fallback_every:
                break  # everything in view is read; look harder only every few frames
            ran.append(p.name)
            img, back = prepare(gray, p.prep, cfg.max_pixels, prepared)
            try:
                reads = self._decoders.get(p).decode(img)
            except Exception as e:  # a decoder bug must not take the camera worker down
                errors += 1
                self._log_failure(p.name, e)
                continue
            for read in reads:
                key = self.accept(read.text, read.symbology)
                if key is None:
                    rejected += 1
                    continue
                if p.vouch < 1.0:
                    read = replace(read, support=p.capped(read.support, cfg.strong_support))
                evidence.add(p.name, key, read if back == IDENTITY else read.mapped(back))
            if cfg.verify:
                for key, read in evidence.to_verify():
                    if live and self._calls - self._verified_at.get(key, -99) <= 30:
                        continue  # the same code, checked a moment ago in an earlier frame
                    errors += self._verify(gray, read, evidence)
                    if live and key in {d.key for d in evidence.accepted()}:
                        self._verified_at[key] = self._calls
            # a still image stops at the first settled answer; a live frame runs its share of
            # fallbacks anyway, so a second code that needs one is not starved by the first
            if not cfg.fallbacks_per_image and evidence.settled():
                break
        elapsed = (time.perf_counter() - started) * 1000
        return ScanResult(
            tuple(evidence.accepted()),
            elapsed,
            tuple(ran),
            tuple(evidence.undecided()),
            rejected,
            errors,
        )

    def cross_check(self, image: object, detection: Detection) -> bool:
        """False when the other decoder reads a different EAN/UPC where `detection` is (for
        codes believed from evidence gathered over several frames)."""
        cfg = self.config
        if not cfg.verify or detection.barcode.symbology not in RETAIL:
            return True
        if self._calls - self._verified_at.get(detection.key, -99) <= 30:
            return True
        evidence = Evidence(cfg.strong_support, cfg.margin, cfg.cross_margin, cfg.cross_veto)
        believed = replace(detection.barcode, support=1.0)
        evidence.add("frames", detection.key, believed)
        self._verify(as_gray(image), believed, evidence)
        ok = detection.key in {d.key for d in evidence.accepted()}
        if ok:
            self._verified_at[detection.key] = self._calls
        return ok

    def _verify(self, gray: GrayImage, read: Barcode, evidence: Evidence) -> int:
        """Read the code's spot with the other decoder; a different number there blocks it.

        First a band of scan lines across the middle of the code (on a busy frame a few times
        cheaper than its surroundings): if the other decoder reads the same number there, that
        is the check. Otherwise (nothing, or another number from the band's fewer lines) the
        surroundings are read and their reads are the check. Returns 1 if the decoder failed."""
        other = "pyzbar" if read.decoder == "zxing_cpp" else "zxing_cpp"
        decoder = self._decoders.get(Pass(f"verify_{other}", other))
        wanted = self.accept(read.text, read.symbology)
        for cut in (_band, _region):
            crop, back = cut(gray, read)
            try:
                reads = decoder.decode(crop)
            except Exception as e:
                self._log_failure(f"verify_{other}", e)
                return 1
            keyed = [(self.accept(r.text, r.symbology), r) for r in reads]
            if cut is _band and all(key != wanted for key, _ in keyed):
                continue
            for key, r in keyed:
                if key is not None:
                    evidence.add(f"verify_{other}", key, r.mapped(back))
            break
        return 0

    def _plan(self) -> list[Pass]:
        """The first pass, then the fallbacks for this image."""
        first, fallbacks = self._passes[0], self._passes[1:]
        limit = self.config.fallbacks_per_image
        if not limit or not fallbacks:
            return [first, *fallbacks]
        start = self._next_fallback % len(fallbacks)
        self._next_fallback = start + limit
        rotated = fallbacks[start:] + fallbacks[:start]
        return [first, *rotated[:limit]]

    def _log_failure(self, name: str, error: Exception) -> None:
        if name not in self._failed_once:
            self._failed_once.add(name)
            logger.warning("decoding pass %s failed (%s); later failures are counted", name, error)


def _region(gray: GrayImage, read: Barcode) -> tuple[GrayImage, Affine]:
    """The code's surroundings, enlarged when small, and the map back to `gray`."""
    xs = [p[0] for p in read.box]
    ys = [p[1] for p in read.box]
    grow = 0.25 * max(max(xs) - min(xs), max(ys) - min(ys)) + 10
    return _cut(gray, min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow)


def _band(gray: GrayImage, read: Barcode) -> tuple[GrayImage, Affine]:
    """Scan lines through the middle of the code along its longer side, with quiet zones."""
    xs = [p[0] for p in read.box]
    ys = [p[1] for p in read.box]
    dx, dy = max(xs) - min(xs), max(ys) - min(ys)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    along, across = 0.65 * max(dx, dy) + 8, 0.15 * min(dx, dy) + 0.04 * max(dx, dy) + 8
    half_x, half_y = (along, across) if dx >= dy else (across, along)
    return _cut(gray, cx - half_x, cy - half_y, cx + half_x, cy + half_y)


def _cut(
    gray: GrayImage, left: float, top: float, right: float, bottom: float
) -> tuple[GrayImage, Affine]:
    """`gray` cut to the rectangle (clipped), enlarged when small, and the map back."""
    height, width = gray.shape
    x0, y0 = max(0, int(left)), max(0, int(top))
    x1, y1 = min(width, int(right) + 1), min(height, int(bottom) + 1)
    crop = gray[y0:y1, x0:x1]
    factor = min(2.0, 240 / max(crop.shape)) if max(crop.shape) < 240 else 1.0
    if factor > 1.0:
        size = (round(crop.shape[1] * factor), round(crop.shape[0] * factor))
        crop = np.asarray(cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC), np.uint8)
    return np.ascontiguousarray(crop), (1 / factor, 0.0, float(x0), 0.0, 1 / factor, float(y0))
