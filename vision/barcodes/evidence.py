"""Weighing reads from several passes (or frames) before a code is believed.

EAN/UPC carry one mod-10 check digit, so a blurred or sharpened image can decode to another
valid number. Each read adds evidence in proportion to its support (how much of the symbol
agreed); a code is accepted when its evidence reaches 1 and beats every different reading of
the same spot by a margin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vision.barcodes.base import LINEAR, Barcode, Point


@dataclass(frozen=True)
class Detection:
    """A code the pipeline believes: its normalised key and the best read of it."""

    key: str
    barcode: Barcode
    evidence: float
    passes: tuple[str, ...]


@dataclass
class _Candidate:
    key: str
    best: Barcode
    bounds: tuple[float, float, float, float]
    per_pass: dict[str, float] = field(default_factory=dict)

    def evidence(self, strong: float) -> float:
        return sum(min(1.0, s / strong) for s in self.per_pass.values())


def _bounds(box: tuple[Point, ...]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    # grow by a share of the size: a misread from a few scan lines is a thin sliver of the
    # code and must still count as "the same spot"
    grow = 0.15 * max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    return (min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _rivals(a: _Candidate, b: _Candidate) -> bool:
    """Two readings of one printed code: linear codes over the same spot (nested or adjacent
    QR codes are real, separate codes)."""
    linear = a.best.symbology in LINEAR and b.best.symbology in LINEAR
    return linear and _overlap(a.bounds, b.bounds)


class Evidence:
    """Reads gathered for one image (or one object over a few frames)."""

    def __init__(self, strong_support: float, margin: float) -> None:
        self.strong_support = strong_support
        self.margin = margin
        self._candidates: list[_Candidate] = []

    def add(self, source: str, key: str, barcode: Barcode) -> None:
        """Record a read; `source` names the pass or frame (one vote each)."""
        bounds = _bounds(barcode.box)
        for cand in self._candidates:
            if cand.key == key and _overlap(cand.bounds, bounds):
                cand.per_pass[source] = max(cand.per_pass.get(source, 0.0), barcode.support)
                if barcode.support > cand.best.support:
                    cand.best, cand.bounds = barcode, bounds
                return
        self._candidates.append(_Candidate(key, barcode, bounds, {source: barcode.support}))

    def accepted(self) -> list[Detection]:
        strong = self.strong_support
        found = []
        for cand in self._candidates:
            own = cand.evidence(strong)
            if own < 1.0:
                continue
            rivals = [
                c.evidence(strong)
                for c in self._candidates
                if c.key != cand.key and _rivals(c, cand)
            ]
            if rivals and own < max(rivals) + self.margin:
                continue
            found.append(Detection(cand.key, cand.best, own, tuple(cand.per_pass)))
        return found

    def undecided(self) -> list[Detection]:
        """Readings not (yet) believed, with the evidence they have so far."""
        taken = {(d.key, d.barcode) for d in self.accepted()}
        return [
            Detection(c.key, c.best, c.evidence(self.strong_support), tuple(c.per_pass))
            for c in self._candidates
            if (c.key, c.best) not in taken
        ]

    @property
    def candidates(self) -> int:
        return len(self._candidates)

    def settled(self) -> bool:
        """Something is accepted and no other reading is left undecided."""
        accepted = self.accepted()
        return bool(accepted) and len(accepted) == len(self._candidates)


class FrameWindow:
    """Evidence that builds up over consecutive frames of a live camera: a code too weakly read
    in any one frame is believed once its reads over the last `frames` frames add up to 1 and
    no different reading of the same spot came close."""

    def __init__(self, frames: int, margin: float) -> None:
        self.frames = frames
        self.margin = margin
        self._window: list[tuple[int, list[Detection]]] = []

    def add(self, frame: int, undecided: list[Detection]) -> list[Detection]:
        self._window = [(n, d) for n, d in self._window if frame - n < self.frames]
        self._window.append((frame, undecided))
        totals: dict[str, float] = {}
        best: dict[str, Detection] = {}
        for _, detections in self._window:
            for d in detections:
                totals[d.key] = totals.get(d.key, 0.0) + d.evidence
                if d.key not in best or d.barcode.support > best[d.key].barcode.support:
                    best[d.key] = d
        confirmed = []
        for key, total in totals.items():
            if total < 1.0:
                continue
            spot = _bounds(best[key].barcode.box)
            rival = max(
                (
                    t
                    for k, t in totals.items()
                    if k != key
                    and best[k].barcode.symbology in LINEAR
                    and _overlap(_bounds(best[k].barcode.box), spot)
                ),
                default=0.0,
            )
            if total >= rival + self.margin or rival == 0.0:
                d = best[key]
                confirmed.append(Detection(key, d.barcode, total, d.passes))
        return confirmed

    def reset(self) -> None:
        self._window.clear()
