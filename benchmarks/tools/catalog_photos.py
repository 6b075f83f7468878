"""Write a generated photo folder (ZXing black-box layout) of the catalog's products, drawn by
the synthetic camera (vision.sources.synthetic: perspective, tilt, blur, noise, glare), plus
frames with no code for false reads.

    uv run python benchmarks/tools/catalog_photos.py OUT [--per-set 40] [--seed 5]
        [--profile typical|hard]

Retail codes are the GTINs of config/catalog.csv (EAN-13, UPC-A, EAN-8, and UPC-E for the
UPC-As that compress); Code 128 shelf labels and QR coupons/member cards are random. Each set
has its own camera (background, seed); the false-positive set mixes empty camera frames with
stripes and textures (benchmarks/tools/synthetic_barcode_set.py).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.tools.synthetic_barcode_set import no_code, random_code  # noqa: E402
from kiosk.checkout.gs1 import compress_upca  # noqa: E402
from vision.sources.config import SyntheticConfig  # noqa: E402
from vision.sources.synthetic import SyntheticCamera  # noqa: E402

CATALOG = ROOT / "config" / "catalog.csv"
# Two kinds of folder. "typical" is calibrated to the shared photos by the raw libraries alone
# (never by the pipeline) and the shared photos' most common size: a shopper's hand-held
# presentation (tilt up to 25 degrees, modules 2-3.5 px, blur up to 1.4 px) at which raw pyzbar
# and raw zxing-cpp read about what they read of the shared photos (0.75 and 0.88 at seed 7,
# 0.81 and 0.89 at seed 13, against 0.82 and 0.85; tilts past 30 degrees dropped them to
# 0.64-0.70). "hard" is a stress folder: any angle (both decoders lose linear codes near 45
# degrees), modules down to 1.4 px, more blur and glare; the raw libraries read 0.40 and 0.53.
PROFILES: dict[str, dict[str, object]] = {
    "typical": {
        "width": 640,  # the shared photos' most common size (94 of 311), a VGA webcam's
        "height": 480,
        "module_px": (2.0, 3.5),
        "tilt_deg": 25,
        "perspective": 0.12,
        "blur_px": 1.4,
        "noise": 6,
        "glare": 0.3,
        "jitter_px": 0,
    },
    "hard": {
        "width": 800,
        "height": 600,
        "module_px": (1.4, 3.6),
        "tilt_deg": 180,
        "perspective": 0.14,
        "blur_px": 1.8,
        "noise": 8,
        "glare": 0.4,
        "jitter_px": 0,
    },
}


def catalog_codes(path: Path = CATALOG) -> dict[str, list[str]]:
    """The catalog's GTINs by the symbology they are printed in."""
    codes: dict[str, list[str]] = {"ean13": [], "upca": [], "ean8": [], "upce": []}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            gtin = row["gtin"]
            if len(gtin) == 13:
                codes["ean13"].append(gtin)
            elif len(gtin) == 12:
                codes["upca"].append(gtin)
                if short := compress_upca(gtin):
                    codes["upce"].append(short)
            elif len(gtin) == 8:
                codes["ean8"].append(gtin)
    return codes


def _texts(symbology: str, count: int, codes: dict[str, list[str]], rng: np.random.Generator):
    known = codes.get(symbology, [])
    out = [known[i % len(known)] for i in range(count)] if known else []
    if symbology == "upce" and len(known) < count // 2:  # few UPC-As compress: top up
        out = known + [random_code("upce", rng) for _ in range(count - len(known))]
    if not out:
        out = [random_code(symbology, rng) for _ in range(count)]
        if symbology == "qr":
            out = [t if i % 2 else t.replace("COUPON:", "MEMBER:") for i, t in enumerate(out)]
    return out


def generate(out: Path, per_set: int = 40, seed: int = 5, profile: str = "hard") -> int:
    """Write the sets into `out` drawn with camera `profile`; returns the images written."""
    camera_settings = PROFILES[profile]
    rng = np.random.default_rng(seed)
    codes = catalog_codes()
    written = 0
    symbologies = ("ean13", "upca", "ean8", "upce", "code128", "qr")
    for k, symbology in enumerate(symbologies):
        texts = _texts(symbology, per_set, codes, rng)
        config = SyntheticConfig.model_validate(
            {
                "seed": seed * 100 + k,
                "codes": [{"text": t, "symbology": symbology} for t in sorted(set(texts))],
            }
            | camera_settings
        )
        camera = SyntheticCamera(config)
        folder = out / f"{symbology}-catalog"
        folder.mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(texts):
            frame = camera.render((text,))
            camera.render(())  # taken away: the next showing gets a new pose
            cv2.imwrite(str(folder / f"{i}.png"), frame)
            (folder / f"{i}.txt").write_text(text, encoding="utf-8")
            written += 1
    folder = out / "falsepositives-catalog"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(per_set):
        if i % 2:
            image = no_code(rng, stripes=i % 4 == 1)
        else:
            empty = SyntheticConfig.model_validate(
                {"seed": seed * 1000 + i, "codes": []} | camera_settings
            )
            image = SyntheticCamera(empty).render(())
        cv2.imwrite(str(folder / f"{i}.png"), image)
        written += 1
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the sets into")
    parser.add_argument("--per-set", type=int, default=40, help="images per set")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="hard", help="camera")
    args = parser.parse_args()
    if args.per_set < 1:
        parser.error("--per-set must be at least 1")
    written = generate(args.out, args.per_set, args.seed, args.profile)
    print(f"wrote {written} images to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
