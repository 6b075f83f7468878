"""`kiosk scan`: decode barcodes in image and video files with the kiosk's scanning pipeline.

Only click is imported at the top (the CLI convention); OpenCV and the decoders load when the
command runs.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from vision.barcodes.evidence import Detection
    from vision.barcodes.pipeline import ScanPipeline

SYMBOLOGY_CHOICES = ("ean13", "ean8", "upca", "upce", "code128", "qr", "datamatrix", "databar")
RETAIL = frozenset({"ean13", "ean8", "upca", "upce"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg"})


@dataclass
class FileReport:
    path: str
    kind: str
    elapsed_ms: float = 0.0  # decoding (all frames of a video)
    read_ms: float = 0.0  # loading and decompressing the file
    frames: int = 0
    codes: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def _code(d: Detection, frame: int | None = None) -> dict[str, Any]:
    sym = d.barcode.symbology
    retail = sym in RETAIL
    entry: dict[str, Any] = {
        "text": d.barcode.text,
        "symbology": sym,
        "gtin": d.key if retail else None,
        "box": [[round(x, 1), round(y, 1)] for x, y in d.barcode.box],
    }
    if frame is not None:
        entry["frame"] = frame
    return entry


def _scan_image(path: Path, pipeline: ScanPipeline) -> FileReport:
    from vision.barcodes.base import ImageError
    from vision.barcodes.images import read_image

    report = FileReport(str(path), "image", frames=1)
    started = time.perf_counter()
    try:
        image = read_image(path)
    except ImageError as e:
        report.error = str(e)
        return report
    report.read_ms = (time.perf_counter() - started) * 1000
    result = pipeline.scan(image)
    report.elapsed_ms = result.elapsed_ms
    report.codes = [_code(d) for d in result.detections]
    return report


def _scan_video(path: Path, pipeline: ScanPipeline) -> FileReport:
    """Every frame, with evidence over frames and debounce: each appearance of a code once."""
    from vision.barcodes.debounce import Debouncer
    from vision.barcodes.evidence import FrameWindow
    from vision.sources.config import VideoConfig
    from vision.sources.replay import SourceOpenError, VideoFileSource

    report = FileReport(str(path), "video")
    source = VideoFileSource(VideoConfig(path=path, fps=0))
    started = time.perf_counter()
    try:
        source.open()
    except SourceOpenError as e:
        report.error = str(e)
        return report
    debouncer = Debouncer()
    window = FrameWindow(3, pipeline.config.margin)
    report.read_ms = (time.perf_counter() - started) * 1000
    try:
        for frame in source.frames():
            result = pipeline.scan(frame.image)
            report.elapsed_ms += result.elapsed_ms
            found = {d.key: d for d in result.detections}
            for d in window.add(frame.number, list(result.undecided)):
                found.setdefault(d.key, d)
            for key in debouncer.update(found, frame.captured_at, frame.number):
                report.codes.append(_code(found[key], frame.number))
            report.frames = frame.number
    finally:
        source.close()
    total_ms = (time.perf_counter() - started) * 1000
    report.read_ms = total_ms - report.elapsed_ms
    return report


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
            )
        else:
            files.append(path)
    return files


def _print_text(report: FileReport) -> None:
    head = f"{report.path}  ({report.elapsed_ms:.1f} ms decoding"
    head += f", {report.frames} frames)" if report.kind == "video" else ")"
    if report.error:
        click.echo(f"{head}  error: {report.error}")
        return
    click.echo(head if report.codes else f"{head}  no code found")
    for c in report.codes:
        box = " ".join(f"({x:.0f},{y:.0f})" for x, y in c["box"])
        gtin = f"  GTIN {c['gtin']}" if c["gtin"] else ""
        frame = f"  frame {c['frame']}" if "frame" in c else ""
        click.echo(f"  {c['symbology']:8} {c['text']!r}{gtin}{frame}  box {box}")


@click.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object with a report per file.")
@click.option(
    "--symbology",
    "symbologies",
    multiple=True,
    type=click.Choice(SYMBOLOGY_CHOICES),
    help="Only these symbologies (repeat the option); default: retail codes, Code 128 and QR.",
)
@click.option(
    "--budget-ms",
    type=click.FloatRange(0, 5000),
    default=None,
    help="Time budget per image (CPU ms).",
)
def scan(
    paths: tuple[Path, ...], as_json: bool, symbologies: tuple[str, ...], budget_ms: float | None
) -> None:
    """Decode the barcodes in image and video files (or folders of them).

    Prints each file's codes with text, GTIN, symbology and box, and the time taken.
    Exits with status 1 when a file could not be read.
    """
    from kiosk.adapters.scanning import ScanningConfig, build_accept
    from kiosk.checkout.gs1 import Symbology
    from vision.barcodes.config import PipelineConfig
    from vision.barcodes.pipeline import ScanPipeline

    scanning = ScanningConfig()
    if symbologies:
        scanning = ScanningConfig(symbologies=tuple(Symbology(s) for s in symbologies))
    accept = build_accept(scanning)
    options: dict[str, Any] = {"symbologies": tuple(s.value for s in scanning.symbologies)}
    if budget_ms is not None:
        options["budget_ms"] = budget_ms
    pipeline = ScanPipeline(PipelineConfig(**options), accept)
    reports = []
    for path in _expand(paths):
        is_video = path.suffix.lower() in VIDEO_SUFFIXES
        report = _scan_video(path, pipeline) if is_video else _scan_image(path, pipeline)
        reports.append(report)
        if not as_json:
            _print_text(report)
    if as_json:
        click.echo(json.dumps({"files": [r.__dict__ for r in reports]}, ensure_ascii=False))
    if any(r.error for r in reports):
        raise SystemExit(1)
