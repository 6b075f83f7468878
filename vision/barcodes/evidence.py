"""Weighing reads from several passes (or frames) before a code is believed.

EAN/UPC carry one mod-10 check digit, so a blurred or sharpened image can decode to another
valid number. Each read adds evidence in proportion to its support (how much of the symbol
agreed); a code is accepted when its evidence reaches 1 and beats every different reading of
the same spot by a margin. Passes of one decoder tend to repeat that decoder's mistakes, so when
the other decoder reads something else at the spot, each decoder's evidence counts at most 1
and the code needs `cross_margin` more than the other decoder's reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vision.barcodes.base import LINEAR, RETAIL, Barcode, Point


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
    per_pass: dict[str, tuple[str, float]] = field(default_factory=dict)  # -> (decoder, support)
    verified: bool = False

    def evidence(self, strong: float, decoder: str | None = None) -> float:
        return sum(
            min(1.0, support / strong)
            for d, support in self.per_pass.values()
            if decoder is None or d == decoder
        )

    def decoders(self) -> set[str]:
        return {d for d, _ in self.per_pass.values()}

    def capped(self, strong: float) -> float:
        """Evidence with each decoder counted at most once."""
        return sum(min(1.0, self.evidence(strong, d)) for d in self.decoders())


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
    """Two readings of one printed code: linear codes that cover the same stretch along the
    bars' direction and lie on or next to each other across it (a misread from a few scan
    lines is a sliver beside the real read). Codes side by side, and nested or adjacent QR
    codes, are separate codes."""
    if a.best.symbology not in LINEAR or b.best.symbology not in LINEAR:
        return False
    if not _overlap(a.bounds, b.bounds):
        return False
    pa, pb = np.asarray(a.best.box, float), np.asarray(b.best.box, float)
    sides = [pa[(i + 1) % len(pa)] - pa[i] for i in range(len(pa))]
    along = max(sides, key=lambda v: float(np.hypot(*v)))
    length = float(np.hypot(*along))
    if length < 1.0:
        return True
    along = along / length
    across = np.array([-along[1], along[0]])
    a0, a1 = _span(pa @ along)
    b0, b1 = _span(pb @ along)
    shared = min(a1, b1) - max(a0, b0)
    if shared < 0.5 * min(a1 - a0, b1 - b0):
        return False
    c0, c1 = _span(pa @ across)
    d0, d1 = _span(pb @ across)
    gap = max(c0, d0) - min(c1, d1)
    return gap <= 0.15 * length


def _span(values: np.ndarray) -> tuple[float, float]:
    return float(values.min()), float(values.max())


class Evidence:
    """Reads gathered for one image (or one object over a few frames)."""

    def __init__(
        self,
        strong_support: float,
        margin: float,
        cross_margin: float = 1.0,
        cross_veto: float = 0.25,
    ) -> None:
        self.strong_support = strong_support
        self.margin = margin
        self.cross_margin = cross_margin
        self.cross_veto = cross_veto
        self._candidates: list[_Candidate] = []

    def add(self, source: str, key: str, barcode: Barcode) -> None:
        """Record a read; `source` names the pass or frame (one vote each)."""
        bounds = _bounds(barcode.box)
        vote = (barcode.decoder, barcode.support)
        for cand in self._candidates:
            if cand.key == key and _overlap(cand.bounds, bounds):
                if barcode.support >= cand.per_pass.get(source, vote)[1]:
                    cand.per_pass[source] = vote
                if barcode.support > cand.best.support:
                    cand.best, cand.bounds = barcode, bounds
                return
        self._candidates.append(_Candidate(key, barcode, bounds, {source: vote}))

    def _believed(self, cand: _Candidate) -> bool:
        strong = self.strong_support
        own = cand.evidence(strong)
        if own < 1.0:
            return False
        for rival in self._candidates:
            if rival.key == cand.key or not _rivals(rival, cand):
                continue
            if own < rival.evidence(strong) + self.margin:
                return False
            other = rival.decoders() - cand.decoders()
            cross = sum(rival.evidence(strong, d) for d in other)
            if cross >= self.cross_veto and cand.capped(strong) < cross + self.cross_margin:
                return False
        return True

    def accepted(self) -> list[Detection]:
        return [
            Detection(c.key, c.best, c.evidence(self.strong_support), tuple(c.per_pass))
            for c in self._candidates
            if self._believed(c)
        ]

    def undecided(self) -> list[Detection]:
        """Readings not (yet) believed, with the evidence they have so far."""
        return [
            Detection(c.key, c.best, c.evidence(self.strong_support), tuple(c.per_pass))
            for c in self._candidates
            if not self._believed(c)
        ]

    def to_verify(self) -> list[tuple[str, Barcode]]:
        """(key, best read) of believed EAN/UPC codes only one decoder has read, not yet
        checked by the other."""
        due = []
        for cand in self._candidates:
            if cand.verified or cand.best.symbology not in RETAIL or len(cand.decoders()) > 1:
                continue
            if self._believed(cand):
                cand.verified = True
                due.append((cand.key, cand.best))
        return due

    @property
    def candidates(self) -> int:
        return len(self._candidates)

    def settled(self) -> bool:
        """Something is accepted and no other reading is left undecided."""
        return bool(self._candidates) and all(self._believed(c) for c in self._candidates)


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
