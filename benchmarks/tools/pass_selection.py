"""Choose the pipeline's pass list from labelled photos: greedy on images gained per CPU ms.

Every pass is run alone on every photo once (`measure`); `choose` then picks passes for a
subset of the photos only, so the list can be measured on photos it was not chosen on.
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
from vision.barcodes.decoders import build_decoder
from vision.barcodes.images import as_gray
from vision.barcodes.passes import PASSES, prepare

FIRST = "zxing"  # the cheap first pass always runs; the others are fallbacks after it


@dataclass(frozen=True)
class Outcome:
    ms: float  # CPU time of preparing the image and decoding it
    hit: bool  # the expected code was among the accepted reads
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
    decoders = {}
    table: dict[str, list[Outcome]] = {name: [] for name in passes}
    for image, want in tqdm(
        list(zip(images, expected, strict=True)), desc="passes", file=sys.stderr, leave=False
    ):
        gray = as_gray(image)
        for name in passes:
            p = PASSES[name]
            slot = (p.decoder, p.binarizer)
            if slot not in decoders:
                options = {"binarizer": p.binarizer} if p.decoder == "zxing_cpp" else {}
                decoders[slot] = build_decoder(p.decoder, config.symbologies, **options)
            started = time.thread_time()
            img, _ = prepare(gray, p.prep, config.max_pixels)
            reads = decoders[slot].decode(img)
            ms = (time.thread_time() - started) * 1000
            keys = [r.text for r in reads if accept(r.text, r.symbology) is not None]
            hit = want is not None and any(matches(want, k) for k in keys)
            table[name].append(Outcome(ms, hit, want is None and bool(keys)))
    return table


def choose(
    table: dict[str, list[Outcome]],
    subset: Sequence[int],
    expected: Sequence[str | None],
    min_gain: int = 1,
    max_passes: int = 12,
) -> list[str]:
    """Passes for the images in `subset`: after FIRST, repeatedly the pass that reads the most
    still-unread images per ms spent on the images it would run on (the unread ones, and all
    photos without a code); passes with a false read on `subset` are never taken."""
    clean = [n for n in table if not any(table[n][i].false for i in subset)]
    chosen = [FIRST]
    unread = {i for i in subset if expected[i] is not None and not table[FIRST][i].hit}
    runs_on = unread | {i for i in subset if expected[i] is None}
    while len(chosen) < max_passes:
        best, best_score, best_gain = None, 0.0, 0
        for name in clean:
            if name in chosen:
                continue
            gain = sum(table[name][i].hit for i in unread)
            cost = sum(table[name][i].ms for i in runs_on) / max(1, len(subset))
            score = gain / max(cost, 1e-3)
            if gain >= min_gain and score > best_score:
                best, best_score, best_gain = name, score, gain
        if best is None:
            break
        chosen.append(best)
        solved = {i for i in unread if table[best][i].hit}
        unread -= solved
        runs_on -= solved
        print(f"  + {best}: {best_gain} more, {best_score:.2f} per ms", file=sys.stderr)
    return chosen
