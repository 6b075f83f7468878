"""Encode each image of a pairs file once, then count false accepts and false rejects."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vision.faces.encoding import Encoding, EnrolmentConfig, encode_for_enrolment
from vision.faces.evaluation.pairs import Pair
from vision.faces.images import InvalidImageError, load_image
from vision.faces.refusals import FaceRefusedError

logger = logging.getLogger(__name__)

DEFAULT_SWEEP = tuple(round(0.30 + 0.025 * i, 3) for i in range(17))  # 0.300 ... 0.700


@dataclass(frozen=True, slots=True)
class UnusableImage:
    """An image that gave no encoding; every pair with it counts as rejected."""

    file: str
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class ErrorCounts:
    """Decisions at one threshold. Rates are None when there is no pair to divide by."""

    threshold: float
    false_accepts: int
    false_rejects: int
    fmr: float | None
    fnmr: float | None


@dataclass(frozen=True, slots=True)
class EvalReport:
    pairs: int
    same_pairs: int
    different_pairs: int
    at_threshold: ErrorCounts
    sweep: tuple[ErrorCounts, ...]
    unusable_images: tuple[UnusableImage, ...]
    pairs_with_unusable_image: int
    same_pairs_with_unusable_image: int
    largest_same_distance: float | None
    smallest_different_distance: float | None


def pair_distances(pairs: Sequence[Pair], encodings: Mapping[str, Encoding | None]) -> list[float]:
    """Distance of each pair; infinite when either image has no encoding (always a reject)."""
    out = []
    for pair in pairs:
        x, y = encodings.get(pair.file_x), encodings.get(pair.file_y)
        out.append(float(np.linalg.norm(x - y)) if x is not None and y is not None else np.inf)
    return out


def count_errors(
    pairs: Sequence[Pair], distances: Sequence[float], threshold: float
) -> ErrorCounts:
    """False accepts (different, at or under threshold) and false rejects (same, over it)."""
    same = sum(p.same for p in pairs)
    different = len(pairs) - same
    accepts = [d <= threshold for d in distances]
    false_accepts = sum(a and not p.same for p, a in zip(pairs, accepts, strict=True))
    false_rejects = sum(p.same and not a for p, a in zip(pairs, accepts, strict=True))
    return ErrorCounts(
        threshold=threshold,
        false_accepts=false_accepts,
        false_rejects=false_rejects,
        fmr=false_accepts / different if different else None,
        fnmr=false_rejects / same if same else None,
    )


def encode_images(
    files: Iterable[str],
    images: Path,
    config: EnrolmentConfig,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, Encoding | None], list[UnusableImage]]:
    """Encode every file under the enrolment rules; refusals and unreadable files are listed."""
    encodings: dict[str, Encoding | None] = {}
    unusable = []
    root = images.resolve()
    for name in files:
        path = (images / name).resolve()
        try:
            if not path.is_relative_to(root):
                raise InvalidImageError(f"{name}: outside the images folder")
            encodings[name] = encode_for_enrolment(load_image(path), config)
        except FaceRefusedError as refused:
            encodings[name] = None
            unusable.append(UnusableImage(name, refused.reason.value, refused.message))
        except InvalidImageError as bad:
            encodings[name] = None
            unusable.append(UnusableImage(name, "unreadable", str(bad)))
        if progress is not None:
            progress(name)
    for item in unusable:
        logger.warning("no encoding for %s: %s (%s)", item.file, item.reason, item.message)
    return encodings, unusable


def evaluate(
    pairs: Sequence[Pair],
    encodings: Mapping[str, Encoding | None],
    unusable: Sequence[UnusableImage],
    threshold: float,
    sweep: Iterable[float] = DEFAULT_SWEEP,
) -> EvalReport:
    """Error counts at `threshold` and across `sweep`, from already computed encodings."""
    distances = pair_distances(pairs, encodings)
    bad = {item.file for item in unusable}
    with_bad = [p for p in pairs if p.file_x in bad or p.file_y in bad]
    same = [d for p, d in zip(pairs, distances, strict=True) if p.same and np.isfinite(d)]
    different = [d for p, d in zip(pairs, distances, strict=True) if not p.same and np.isfinite(d)]
    points = sorted({*sweep, threshold})
    return EvalReport(
        pairs=len(pairs),
        same_pairs=sum(p.same for p in pairs),
        different_pairs=sum(not p.same for p in pairs),
        at_threshold=count_errors(pairs, distances, threshold),
        sweep=tuple(count_errors(pairs, distances, t) for t in points),
        unusable_images=tuple(unusable),
        pairs_with_unusable_image=len(with_bad),
        same_pairs_with_unusable_image=sum(p.same for p in with_bad),
        largest_same_distance=max(same) if same else None,
        smallest_different_distance=min(different) if different else None,
    )


def files_of(pairs: Iterable[Pair]) -> list[str]:
    """Every file a pairs list names, once, sorted."""
    return sorted({name for pair in pairs for name in (pair.file_x, pair.file_y)})
