"""The demo folder: emptied at each start, but never someone else's or a running demo's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo.orchestrator import MARKER, prepare_folder
from kiosk.demo.steps import DemoError


def test_a_folder_not_made_by_the_demo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DemoError, match="not empty and was not made by kiosk demo"):
        prepare_folder(tmp_path)
    assert (tmp_path / "notes.txt").exists()


def test_a_folder_of_a_running_demo_is_refused(tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / MARKER).write_text(f"{other.pid} made by kiosk demo", encoding="utf-8")
        (tmp_path / "demo.json").write_text("{}", encoding="utf-8")
        with pytest.raises(DemoError, match=f"in use by a running demo \\(pid {other.pid}\\)"):
            prepare_folder(tmp_path)
        assert (tmp_path / "demo.json").exists()
    finally:
        other.kill()
        other.wait()


def test_a_finished_demo_folder_is_emptied(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / MARKER).write_text(f"{gone.pid} made by kiosk demo", encoding="utf-8")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "old.log").write_text("old", encoding="utf-8")
    prepare_folder(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER]
