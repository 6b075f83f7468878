"""Choose the pipeline's pass list from labelled photos: greedy on images gained per CPU ms.

Every pass is run alone on every photo once (`measure`); `choose` then picks passes for a
subset of the photos only, so the list can be measured on photos it was not chosen on.
A weak read counts as the pipeline's evidence does: `min(1, support / strong_support)` of a
photo, so a photo that needs several passes' weak reads is read once they add up to 1.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from vision.barcodes.base import Accept
from vision.barcodes.config import PipelineConfig
from vision.barcodes.decoders import DecoderCache
from vision.barcodes.images import as_gray
from vision.barcodes.passes import PASSES, prepare

FIRST = "zxing"  # the cheap first pass always runs; the others are fallbacks after it


@dataclass(frozen=True)
class Outcome:
    ms: float  # CPU time of preparing the image and decoding it
    credit: float  # evidence for the expected code, 0..1 (1: this pass alone settles it)
    false: bool  # an accepted read on a photo without a code


def measure(
    images: Sequence[Any],
    expected: Sequence[str | None],
    accept: Accept,
    matches: Callable[[str, str], bool],
    passes: Sequence[str] = tuple(PASSES),
) -> dict[str, list[Outcome]]:
    """Each pass alone on each image (expected None: a photo without a code)."""
    config = PipelineConfig()
    decoders = DecoderCache(config.symbologies)
    strong = config.strong_support
    table: dict[str, list[Outcome]] = {name: [] for name in passes}
    for image, want in tqdm(
        list(zip(images, expected, strict=True)), desc="passes", file=sys.stderr, leave=False
    ):
        gray = as_gray(image)
        for name in passes:
            p = PASSES[name]
            started = time.thread_time()
            img, _ = prepare(gray, p.prep, config.max_pixels)
            reads = decoders.get(p).decode(img)
            ms = (time.thread_time() - started) * 1000
            accepted = [r for r in reads if accept(r.text, r.symbology) is not None]
            credit = max(
                (
                    min(1.0, p.capped(r.support, strong) / strong)
                    for r in accepted
                    if want is not None and matches(want, r.text)
                ),
                default=0.0,
            )
            table[name].append(Outcome(ms, credit, want is None and bool(accepted)))
    return table


def choose(
    table: dict[str, list[Outcome]],
    subset: Sequence[int],
    expected: Sequence[str | None],
    min_gain: float = 1.0,
    max_passes: int = 12,
) -> list[str]:
    """Passes for the images in `subset`: after FIRST, repeatedly the pass that adds the most
    evidence to still-unread images per ms spent on the images it would run on (the unread
    ones, and all photos without a code); passes with a false read on `subset` are never
    taken, nor passes that add less than `min_gain` photos' worth."""
    clean = [n for n in table if not any(table[n][i].false for i in subset)]
    chosen = [FIRST]
    have = {i: table[FIRST][i].credit for i in subset if expected[i] is not None}
    no_code = [i for i in subset if expected[i] is None]
    while len(chosen) < max_passes:
        unread = [i for i, c in have.items() if c < 1.0 - 1e-9]
        best, best_score, best_gain = None, 0.0, 0.0
        for name in clean:
            if name in chosen:
                continue
            gain = sum(min(1.0 - have[i], table[name][i].credit) for i in unread)
            cost = sum(table[name][i].ms for i in unread + no_code) / max(1, len(subset))
            score = gain / max(cost, 1e-3)
            if gain >= min_gain and score > best_score:
                best, best_score, best_gain = name, score, gain
        if best is None:
            break
        chosen.append(best)
        for i in unread:
            have[i] = min(1.0, have[i] + table[best][i].credit)
        print(f"  + {best}: {best_gain:.1f} more, {best_score:.2f} per ms", file=sys.stderr)
    return chosen
