"""Presented face camera benchmark: milliseconds to render one frame at rest, turning and blinking.

Uses matplotlib's grace_hopper.jpg (or --photo) at 640x480; the best of several rounds is kept,
since other work on the machine only ever adds time. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import matplotlib

from vision.faces.models import face_api
from vision.sources.presented import TURN_S, PresentedFace

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


def best_ms(camera: PresentedFace, at: float, frames: int, rounds: int) -> float:
    """The fastest round's mean render time at the moment `at`."""
    for _ in range(5):
        camera.render(at)  # warm caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(frames):
            camera.render(at)
        times.append((time.perf_counter() - started) / frames * 1000)
    return round(min(times), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--photo", type=Path, default=GRACE, help="face photo to animate")
    parser.add_argument("--frames", type=int, default=40, help="frames per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per pose")
    args = parser.parse_args()
    camera = PresentedFace(args.photo)
    camera.open()
    face_api()  # dlib's models load once per process: not part of preparing a photo
    started = time.perf_counter()
    camera.show()  # finds the landmarks, builds the head model, straightens the photo
    prepare_ms = (time.perf_counter() - started) * 1000
    now = time.monotonic()
    camera.turn(1)
    rise, hold, _ = TURN_S
    report = {
        "photo": args.photo.name,
        "size": [camera.width, camera.height],
        "prepare_ms": round(prepare_ms, 1),
        "ms_per_frame": {
            "rest": best_ms(camera, now + 60, args.frames, args.rounds),
            "turning": best_ms(camera, now + rise / 2, args.frames, args.rounds),
            "turned": best_ms(camera, now + rise + hold / 2, args.frames, args.rounds),
        },
    }
    print(json.dumps(report, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
