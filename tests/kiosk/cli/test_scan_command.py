"""`kiosk scan` on rendered images, a recorded video and a broken file."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from click.testing import CliRunner

from kiosk.cli.main import cli
from vision.sources.config import SyntheticCode, SyntheticConfig
from vision.sources.rendering import render_code
from vision.sources.synthetic import SyntheticCamera


def _page(*codes: tuple[str, str]) -> np.ndarray:
    page = np.full((420, 420 * len(codes)), 220, np.uint8)
    for i, (text, symbology) in enumerate(codes):
        label = render_code(text, symbology, 2)
        page[40 : 40 + label.shape[0], 40 + 420 * i : 40 + 420 * i + label.shape[1]] = label
    return page


def test_scan_prints_codes_gtins_symbologies_boxes_and_time(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), _page(("036000291452", "upca"), ("COUPON:X1", "qr")))
    result = CliRunner().invoke(cli, ["scan", "--json", str(tmp_path / "a.png")])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)["files"]
    assert report["kind"] == "image"
    assert report["elapsed_ms"] > 0
    codes = sorted(report["codes"], key=lambda c: c["symbology"])
    assert [(c["text"], c["symbology"], c["gtin"]) for c in codes] == [
        ("COUPON:X1", "qr", None),
        ("036000291452", "upca", "00036000291452"),
    ]
    assert all(len(c["box"]) == 4 for c in codes)
    text = CliRunner().invoke(cli, ["scan", str(tmp_path / "a.png")])
    assert "GTIN 00036000291452" in text.output
    assert "ms decoding" in text.output


def test_scan_reads_videos_and_folders_and_reports_broken_files(tmp_path: Path) -> None:
    camera = SyntheticCamera(
        SyntheticConfig(
            width=640,
            height=480,
            fps=0,
            seed=5,
            tilt_deg=8,
            codes=(SyntheticCode(text="96385074", symbology="ean8"),),
        )
    )
    camera.open()
    writer = cv2.VideoWriter(
        str(tmp_path / "b.avi"), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480)
    )
    for view, frames in (((), 5), (("96385074",), 20), ((), 30), (("96385074",), 20)):
        camera.present(*view)
        for _ in range(frames):
            frame = camera.read()
            assert frame is not None
            writer.write(frame.image)
    writer.release()
    (tmp_path / "c.png").write_bytes(b"\x89PNG broken")
    result = CliRunner().invoke(cli, ["scan", "--json", str(tmp_path)])
    assert result.exit_code == 1
    files = {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}
    assert set(files) == {"b.avi", "c.png"}
    video = files["b.avi"]
    assert video["kind"] == "video"
    assert video["frames"] == 75
    assert [c["text"] for c in video["codes"]] == ["96385074", "96385074"]  # shown twice
    assert 5 < video["codes"][0]["frame"] <= 25 < 55 < video["codes"][1]["frame"]
    assert "not an image" in files["c.png"]["error"]
