"""The pipeline over the real photos in the shared test data (ZXing's black-box sets)."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest

from kiosk.checkout.gs1 import gtin_candidates
from vision.barcodes.base import Accept
from vision.barcodes.config import PipelineConfig
from vision.barcodes.images import read_image
from vision.barcodes.pipeline import ScanPipeline

TARGET_RATE = 0.95


def _keys(text: str) -> set[str]:
    # the upstream .txt files were stored with LF line ends; QR payloads often hold CRLF
    text = text.replace("\r\n", "\n")
    return {text, *gtin_candidates(text)} if text.isdigit() else {text}


def test_pipeline_reads_the_shared_photos(shared_data: Path, accept: Accept) -> None:
    sets = sorted(p for p in (shared_data / "barcodes").iterdir() if p.is_dir())
    assert sets, f"no photo sets under {shared_data / 'barcodes'}"
    cv2.setNumThreads(1)
    # a generous budget: this checks what the passes can read, not how fast (the benchmark
    # measures reading within the default budget)
    pipeline = ScanPipeline(PipelineConfig(budget_ms=2000), accept)
    scored = decoded = false_reads = 0
    missed = []
    for folder in sets:
        for path in sorted(folder.glob("*")):
            if path.suffix.lower() not in {".png", ".jpg", ".jpeg", ".gif"}:
                continue
            answer = path.with_suffix(".txt")
            texts = [d.barcode.text for d in pipeline.scan(read_image(path)).detections]
            if folder.name.startswith("falsepositives"):
                false_reads += len(texts)
                continue
            if not answer.exists():
                continue
            expected = _keys(answer.read_text(encoding="utf-8"))
            scored += 1
            if any(_keys(t) & expected for t in texts):
                decoded += 1
            else:
                missed.append(f"{folder.name}/{path.name}")
    assert scored > 200
    assert false_reads == 0
    rate = decoded / scored
    assert rate >= TARGET_RATE, f"read {rate:.3f} of {scored}; missed {missed}"


@pytest.mark.parametrize("name", ["upca-2/01.png", "upce-2/01.png"])
def test_retail_photos_compare_as_gtins(shared_data: Path, name: str, accept: Accept) -> None:
    path = shared_data / "barcodes" / name
    if not path.exists():
        pytest.skip(f"no shared data: {path} is not in this copy")
    expected = path.with_suffix(".txt").read_text(encoding="utf-8")
    (detection,) = ScanPipeline(PipelineConfig(), accept).scan(read_image(path)).detections
    assert detection.key in gtin_candidates(expected)
