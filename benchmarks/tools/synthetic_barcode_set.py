"""Write a folder of degraded barcode photos in the ZXing black-box layout (N.png + N.txt, and
a falsepositives set), for checking the pipeline on codes it was not tuned on.

    uv run python benchmarks/tools/synthetic_barcode_set.py OUT --images 560 --seed 23
    uv run python benchmarks/barcodes.py --data OUT --live-seconds 0

Codes are random (valid check digits), drawn with python-barcode/qrcode, then put through
perspective, rotation, motion and focus blur, glare, low contrast, noise and JPEG. Part of the
set is harder than real photos on purpose (modules down to 1.4 pixels); the false-positive
set has text, stripes and textures but no codes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.checkout.gs1 import check_digit, compress_upca  # noqa: E402
from vision.sources.rendering import render_code  # noqa: E402

SYMBOLOGIES = ("ean13", "ean13", "ean8", "upca", "upce", "code128", "qr")
SIZES = ((240, 320), (360, 480), (480, 640))


def random_code(symbology: str, rng: np.random.Generator) -> str:
    def digits(n: int) -> str:
        return "".join(str(d) for d in rng.integers(0, 10, n))

    if symbology == "ean13":
        body = str(rng.integers(1, 10)) + digits(11)
        return body + str(check_digit(body))
    if symbology == "ean8":
        body = digits(7)
        return body + str(check_digit(body))
    if symbology == "upca":
        body = "0" + digits(10)
        return body + str(check_digit(body))
    if symbology == "upce":
        while True:
            body = "0" + digits(5) + "0000" + str(rng.integers(5, 10))
            short = compress_upca(body + str(check_digit(body)))
            if short:
                return short
    if symbology == "code128":
        alphabet = list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-/")
        return "".join(rng.choice(alphabet, int(rng.integers(5, 14))))
    return "COUPON:" + "".join(rng.choice(list("ABCDEFGH0123456789"), 8))


def background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    small = rng.integers(40, 230, size=(h // 30 + 2, w // 30 + 2)).astype(np.uint8)
    page = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(0, 6))):
        text = "".join(rng.choice(list("abcdefghij0123456789 "), 12))
        origin = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        shade = float(rng.uniform(0, 80))
        cv2.putText(page, text, origin, 0, float(rng.uniform(0.4, 1.2)), shade, 2)
    return page.astype(np.float32)


def degrade(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:  # hand movement
        k = int(rng.integers(3, 9))
        kernel = np.zeros((k, k), np.float32)
        angle = np.radians(rng.uniform(0, 180))
        c = k // 2
        dx, dy = np.cos(angle) * c, np.sin(angle) * c
        cv2.line(kernel, (int(c - dx), int(c - dy)), (int(c + dx), int(c + dy)), 1.0, 1)
        image = cv2.filter2D(image, -1, kernel / kernel.sum())
    sigma = rng.uniform(0, 1.8)
    if sigma > 0.3:
        image = cv2.GaussianBlur(image, (0, 0), sigma)
    image = np.clip(image + rng.normal(0, rng.uniform(1, 9), image.shape), 0, 255)
    quality = int(rng.integers(35, 95))
    ok, jpeg = cv2.imencode(".jpg", image.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def photo(text: str, symbology: str, rng: np.random.Generator) -> np.ndarray:
    h, w = SIZES[int(rng.integers(0, len(SIZES)))]
    page = background(h, w, rng)
    label = render_code(text, symbology, 4).astype(np.float32)
    lh, lw = label.shape
    module = rng.uniform(1.5, 5) if symbology == "qr" else rng.uniform(1.4, 3.2)
    scale = min(module / 4, w * 0.95 / lw)
    half = np.array([lw, lh]) * scale / 2
    box = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * half
    box += rng.uniform(-0.12, 0.12, (4, 2)) * half * 2
    turn = rng.uniform(-30, 30) + (rng.choice([0, 90, 180, 270]) if rng.random() < 0.3 else 0)
    r = np.radians(turn)
    rotation = np.array([[np.cos(r), -np.sin(r)], [np.sin(r), np.cos(r)]])
    centre = np.array([w / 2, h / 2]) + rng.uniform(-0.15, 0.15, 2) * [w, h]
    dst = (box @ rotation.T + centre).astype(np.float32)
    src = np.float32([[0, 0], [lw, 0], [lw, lh], [0, lh]])
    m = cv2.getPerspectiveTransform(src, dst)
    printed = label * rng.uniform(0.55, 1.0) + rng.uniform(0, 60)
    warped = cv2.warpPerspective(printed, m, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones_like(label), m, (w, h))
    image = page * (1 - mask) + warped * mask
    if rng.random() < 0.3:  # glare
        yy, xx = np.mgrid[0:h, 0:w]
        gx, gy = centre + rng.uniform(-60, 60, 2)
        radius = rng.uniform(20, 80)
        spot = np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * radius**2))
        image = image + rng.uniform(80, 200) * spot
    return degrade(np.clip(image, 0, 255), rng)


def no_code(rng: np.random.Generator, stripes: bool) -> np.ndarray:
    h, w = 480, 640
    page = background(h, w, rng)
    if stripes:  # shelves, fences, corrugated card: the classic false positives
        period = rng.uniform(3, 15)
        angle = np.radians(rng.uniform(0, 180))
        yy, xx = np.mgrid[0:h, 0:w]
        u = xx * np.cos(angle) + yy * np.sin(angle)
        page = page * 0.5 + (np.sin(2 * np.pi * u / period * (1 + 0.3 * np.sin(u / 50))) > 0) * 120
    return degrade(np.clip(page, 0, 255), rng)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the sets into")
    parser.add_argument("--images", type=int, default=560, help="photos with a code")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for i in range(args.images):
        symbology = SYMBOLOGIES[i % len(SYMBOLOGIES)]
        folder = args.out / f"{symbology}-synthetic"
        folder.mkdir(parents=True, exist_ok=True)
        text = random_code(symbology, rng)
        cv2.imwrite(str(folder / f"{i}.png"), photo(text, symbology, rng))
        (folder / f"{i}.txt").write_text(text, encoding="utf-8")
    folder = args.out / "falsepositives-synthetic"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(args.images // 5):
        cv2.imwrite(str(folder / f"{i}.png"), no_code(rng, stripes=i % 2 == 0))
    print(f"wrote {args.images} photos and {args.images // 5} without codes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
